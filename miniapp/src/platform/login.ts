import type { GetLoginCode } from './types';

/**
 * Typed fallback for targets without a `login.<platform>.ts`. The real implementations are
 * `login.weapp.ts` (wx.login) and `login.h5.ts` (the WeChat emulator).
 */
export const getLoginCode: GetLoginCode = () =>
  Promise.reject(new Error(`login is not supported on ${process.env.TARO_ENV ?? 'this platform'}`));
