import Taro from '@tarojs/taro';
import type { RequestSubscribe } from './types';

/** H5 has no subscription sheet: a modal stands in (accepting all or none), like the pay stand-in. */
export const requestSubscribe: RequestSubscribe = async (tmplIds) => {
  const sheet = await Taro.showModal({ title: '订阅消息', content: '接收取餐提醒和专属优惠通知', confirmText: '允许', cancelText: '拒绝' });
  return sheet.confirm ? tmplIds.slice() : [];
};
