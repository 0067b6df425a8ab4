import type { OpenAlbumSettings, SaveImage } from './types';

/**
 * H5 has no photo-album API: hand the image to the browser as a download link (same origin in production,
 * where `download` names the file; a cross-origin one opens in a new tab instead, to long-press or save).
 */
export const saveImage: SaveImage = async (url, fileName) => {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.target = '_blank';
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  document.body.removeChild(a);
  return 'opened';
};

/** No permission settings in a browser. */
export const openAlbumSettings: OpenAlbumSettings = () => Promise.resolve(false);

export const SAVE_HINT = '长按二维码图片可保存到手机，或点击下方按钮下载';
