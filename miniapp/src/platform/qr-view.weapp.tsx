import { useEffect, useRef } from 'react';
import { Canvas } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { qrMatrix } from '../coupon/qr-matrix';
import type { QrViewProps } from './types';

let seq = 0;

/**
 * weapp: the matrix drawn on a Canvas 2D node (WeChat's <image> cannot show an SVG data URI reliably). The
 * backing store is the CSS size × the device pixel ratio, so modules stay sharp for the scanner.
 */
export function QrView({ text, className }: QrViewProps) {
  const id = useRef(`qr-${++seq}`).current;
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
          const m = qrMatrix(text);
          const quiet = 2;
          const cell = canvas.width / (m.size + quiet * 2);
          ctx.fillStyle = '#ffffff';
          ctx.fillRect(0, 0, canvas.width, canvas.height);
          ctx.fillStyle = '#1f1d1a';
          for (let y = 0; y < m.size; y++) {
            for (let x = 0; x < m.size; x++) {
              // Whole-pixel edges (ceil) so neighbouring modules never leave hairline gaps.
              if (m.cells[y * m.size + x]) ctx.fillRect(Math.floor((x + quiet) * cell), Math.floor((y + quiet) * cell), Math.ceil(cell), Math.ceil(cell));
            }
          }
        });
    });
    return () => {
      cancelled = true;
    };
  }, [id, text]);
  return <Canvas type='2d' id={id} className={className} />;
}
