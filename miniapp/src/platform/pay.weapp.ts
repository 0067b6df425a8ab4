import Taro from '@tarojs/taro';
import type { RequestPayment } from './types';

/**
 * `wx.requestPayment` with exactly the five signed fields the server returned. "requestPayment:ok" only means
 * the sheet closed after paying: the caller still confirms with the server (GET /api/app/orders/:id).
 */
export const requestPayment: RequestPayment = async (p) => {
  try {
    await Taro.requestPayment({ timeStamp: p.timeStamp, nonceStr: p.nonceStr, package: p.package, signType: p.signType, paySign: p.paySign });
    return 'ok';
  } catch (err) {
    const errMsg = err && typeof err === 'object' && 'errMsg' in err ? String((err as { errMsg: unknown }).errMsg) : String(err);
    if (/cancel/i.test(errMsg)) return 'cancel';
    throw new Error(errMsg);
  }
};
