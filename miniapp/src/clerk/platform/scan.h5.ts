import type { ScanCode } from './types';

/**
 * H5 has no WeChat scanner (Taro's H5 `scanCode` needs the JS-SDK): the browser build asks for the code's
 * text instead, which is also what a desk test with the emulator needs.
 */
export const scanCode: ScanCode = async () => {
  const text = window.prompt('请输入二维码内容');
  return text && text.trim() ? text.trim() : null;
};
