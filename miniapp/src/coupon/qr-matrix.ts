// Only the encoder core: the package's entry also pulls in PNG/terminal/canvas renderers we do not need.
import { create } from 'qrcode/lib/core/qrcode';

export interface QrMatrix {
  /** Modules per side. */
  size: number;
  /** size × size, row-major, 1 = dark. */
  cells: ArrayLike<number>;
}

/**
 * The QR module matrix of an ASCII string (our redemption tokens are `[A-Za-z0-9_-]`). The text goes in as a
 * byte segment built here: the library would otherwise call `TextEncoder`, which older WeChat clients lack.
 * Error correction M: survives a scratched screen protector and keeps the code small (v3–v4 for our tokens).
 */
export function qrMatrix(text: string): QrMatrix {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) bytes.push(text.charCodeAt(i) & 0xff);
  const qr = create([{ data: bytes, mode: 'byte' }], { errorCorrectionLevel: 'M' });
  return { size: qr.modules.size, cells: qr.modules.data };
}

/** An SVG of the matrix with a 2-module quiet zone, one path for all dark modules (small, crisp at any size). */
export function qrSvg(m: QrMatrix, dark = '#1f1d1a'): string {
  const quiet = 2;
  const dim = m.size + quiet * 2;
  let d = '';
  for (let y = 0; y < m.size; y++) {
    for (let x = 0; x < m.size; x++) if (m.cells[y * m.size + x]) d += `M${x + quiet} ${y + quiet}h1v1h-1z`;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${dim} ${dim}" shape-rendering="crispEdges"><rect width="${dim}" height="${dim}" fill="#fff"/><path d="${d}" fill="${dark}"/></svg>`;
}
