import Taro from '@tarojs/taro';
import type { OpenAlbumSettings, SaveImage } from './types';

function errMsgOf(err: unknown): string {
  return err && typeof err === 'object' && 'errMsg' in err ? String((err as { errMsg: unknown }).errMsg) : String(err);
}

/**
 * The album permission was refused, now or earlier (WeChat then fails at once without asking again):
 * "saveImageToPhotosAlbum:fail auth deny", "…:fail:auth denied", "…:fail authorize no response".
 */
export function isAlbumDenied(errMsg: string): boolean {
  return /auth\s*den(y|ied)|authorize/i.test(errMsg);
}

/**
 * weapp: download the image to a temp file, then save it to the photo album. The media URL is signed (no
 * Authorization header); its host must be in the mini-program's downloadFile domain list.
 */
export const saveImage: SaveImage = async (url) => {
  let filePath: string;
  try {
    const res = await Taro.downloadFile({ url });
    if (res.statusCode !== 200 || !res.tempFilePath) throw new Error(`downloadFile: HTTP ${res.statusCode}`);
    filePath = res.tempFilePath;
  } catch (err) {
    throw new Error(err instanceof Error ? err.message : errMsgOf(err));
  }
  try {
    await Taro.saveImageToPhotosAlbum({ filePath });
    return 'saved';
  } catch (err) {
    const errMsg = errMsgOf(err);
    if (isAlbumDenied(errMsg)) return 'denied';
    if (/cancel/i.test(errMsg)) return 'cancelled';
    throw new Error(errMsg);
  }
};

/** WeChat's settings page (must follow a tap); true when 保存到相册 is now allowed. */
export const openAlbumSettings: OpenAlbumSettings = async () => {
  try {
    const res = await Taro.openSetting();
    return res.authSetting?.['scope.writePhotosAlbum'] === true;
  } catch {
    return false;
  }
};

export const SAVE_HINT = '保存到相册后可打印张贴，或转发给顾客扫码';
