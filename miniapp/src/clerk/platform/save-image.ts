import type { OpenAlbumSettings, SaveImage } from './types';

/**
 * Typed fallback for targets without a `save-image.<platform>.ts`. The real implementations are
 * `save-image.weapp.ts` (download, then the photo album) and `save-image.h5.ts` (a browser download).
 */
export const saveImage: SaveImage = () =>
  Promise.reject(new Error(`saving images is not supported on ${process.env.TARO_ENV ?? 'this platform'}`));

export const openAlbumSettings: OpenAlbumSettings = () => Promise.resolve(false);

/** What the page says under the code about saving it. */
export const SAVE_HINT = '保存后可打印张贴，或转发给顾客扫码';
