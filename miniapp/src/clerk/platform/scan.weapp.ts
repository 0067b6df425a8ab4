import Taro from '@tarojs/taro';
import type { ScanCode } from './types';

/** WeChat's scanner, camera only (no album: a code must be in front of the clerk). */
export const scanCode: ScanCode = async () => {
  try {
    const res = await Taro.scanCode({ onlyFromCamera: true });
    return res.result || null;
  } catch (err) {
    const errMsg = err && typeof err === 'object' && 'errMsg' in err ? String(err.errMsg) : String(err);
    if (/cancel/i.test(errMsg)) return null;
    throw new Error(errMsg);
  }
};
