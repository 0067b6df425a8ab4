import { useMemo } from 'react';
import { Image } from '@tarojs/components';
import { code128Svg } from '../utils/code128';
import type { BarcodeViewProps } from './types';

/** Typed fallback (and what jest renders): the H5 drawing. weapp draws on a Canvas (`barcode-view.weapp.tsx`). */
export function BarcodeView({ digits, className }: BarcodeViewProps) {
  const src = useMemo(() => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(code128Svg(digits))}`, [digits]);
  return <Image className={className} src={src} mode='scaleToFill' />;
}
