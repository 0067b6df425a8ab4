import type { RequestPayment } from './types';

/**
 * Typed fallback for targets without a `pay.<platform>.ts`. The real implementations are `pay.weapp.ts`
 * (wx.requestPayment) and `pay.h5.ts` (the WeChat emulator's pay control).
 */
export const requestPayment: RequestPayment = () =>
  Promise.reject(new Error(`payment is not supported on ${process.env.TARO_ENV ?? 'this platform'}`));
