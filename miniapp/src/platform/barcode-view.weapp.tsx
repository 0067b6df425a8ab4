import { useEffect, useRef } from 'react';
import { Canvas } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { barRuns, code128CWidths } from '../utils/code128';
import type { BarcodeViewProps } from './types';

let seq = 0;

/**
 * weapp: the bars on a Canvas 2D node. The module is a whole number of device pixels (the largest that fits), so
 * every bar of the same width is exactly as wide as its peers: scanners measure width ratios, and a bar smeared
 * over a half pixel reads as the wrong width. The barcode is centred with the leftover pixels.
 */
export function BarcodeView({ digits, className }: BarcodeViewProps) {
  const id = useRef(`bc-${++seq}`).current;
  useEffect(() => {
    let cancelled = false;
    Taro.nextTick(() => {
      Taro.createSelectorQuery()
        .select(`#${id}`)
        .fields({ node: true, size: true })
        .exec((res: { node?: any; width: number; height: number }[]) => {
          const hit = res && res[0];
          if (cancelled || !hit || !hit.node) return;
          const canvas = hit.node;
          const ratio = Taro.getWindowInfo ? Taro.getWindowInfo().pixelRatio : 2;
          canvas.width = Math.round(hit.width * ratio);
          canvas.height = Math.round(hit.height * ratio);
          const ctx = canvas.getContext('2d');
          const { runs, total } = barRuns(code128CWidths(digits));
          const module = Math.max(1, Math.floor(canvas.width / total));
          const left = Math.floor((canvas.width - module * total) / 2);
          ctx.fillStyle = '#ffffff';
          ctx.fillRect(0, 0, canvas.width, canvas.height);
          ctx.fillStyle = '#1f1d1a';
          for (const [x, w] of runs) ctx.fillRect(left + x * module, 0, w * module, canvas.height);
        });
    });
    return () => {
      cancelled = true;
    };
  }, [id, digits]);
  return <Canvas type='2d' id={id} className={className} />;
}
