import { useMemo } from 'react';
import { Image } from '@tarojs/components';
import { qrMatrix, qrSvg } from '../coupon/qr-matrix';
import type { QrViewProps } from './types';

/** H5: the matrix as an inline SVG image (crisp at any zoom, nothing to draw imperatively). */
export function QrView({ text, className }: QrViewProps) {
  const src = useMemo(() => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qrSvg(qrMatrix(text)))}`, [text]);
  return <Image className={className} src={src} mode='aspectFit' />;
}
