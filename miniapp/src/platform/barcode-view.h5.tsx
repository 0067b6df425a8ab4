import { useMemo } from 'react';
import { Image } from '@tarojs/components';
import { code128Svg } from '../utils/code128';
import type { BarcodeViewProps } from './types';

/** H5: the bars as an inline SVG image, stretched to the box (crisp at any zoom). */
export function BarcodeView({ digits, className }: BarcodeViewProps) {
  const src = useMemo(() => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(code128Svg(digits))}`, [digits]);
  return <Image className={className} src={src} mode='scaleToFill' />;
}
