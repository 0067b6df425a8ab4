import Taro from '@tarojs/taro';
import { postEmulator } from './emulator.h5';
import type { RequestPayment } from './types';

/**
 * H5 stands in for WeChat Pay with the emulator: after a confirmation (the "payment sheet"), the emulator's
 * pay control marks the prepay order paid and notifies the server, as WeChat would. The package string
 * (`prepay_id=…`) identifies the order.
 */
export const requestPayment: RequestPayment = async (p) => {
  const sheet = await Taro.showModal({ title: '模拟微信支付', content: '开发环境：由微信模拟器完成支付', confirmText: '确认支付' });
  if (!sheet.confirm) return 'cancel';
  await postEmulator('/__emulator/pay', { prepayId: p.package });
  return 'ok';
};
