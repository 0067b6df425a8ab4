import Taro from '@tarojs/taro';
import type { RequestSubscribe } from './types';

/** WeChat's one-time subscription sheet; must run inside a tap handler. The accepted template ids, or null. */
export const requestSubscribe: RequestSubscribe = async (tmplIds) => {
  try {
    const res = (await Taro.requestSubscribeMessage({ tmplIds } as Parameters<typeof Taro.requestSubscribeMessage>[0])) as unknown as Record<string, string>;
    return tmplIds.filter((id) => res[id] === 'accept');
  } catch {
    // The user switched subscriptions off for the app, or the base library is too old: nothing to record.
    return null;
  }
};
