import Taro from '@tarojs/taro';
import type { GetLoginCode } from './types';

/** `wx.login`: a one-time code the server exchanges through code2Session. */
export const getLoginCode: GetLoginCode = async () => {
  const res = await Taro.login();
  if (!res.code) throw new Error(`wx.login failed: ${res.errMsg}`);
  return res.code;
};
