import { useMemo } from 'react';
import { Image } from '@tarojs/components';
import { qrMatrix, qrSvg } from '../coupon/qr-matrix';
import type { QrViewProps } from './types';

/** Typed fallback (and what jest renders): the H5 drawing. weapp draws on a Canvas (`qr-view.weapp.tsx`). */
export function QrView({ text, className }: QrViewProps) {
  const src = useMemo(() => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qrSvg(qrMatrix(text)))}`, [text]);
  return <Image className={className} src={src} mode='aspectFit' />;
}
