import Taro from '@tarojs/taro';
import type { GetPosition } from './types';

/**
 * WeChat's location in gcj02 (the coordinates Chinese maps, and so the stores' entered positions, use). A refusal,
 * a missing permission or a slow fix gives null: the store list then comes in its plain order.
 */
export const getPosition: GetPosition = async () => {
  try {
    const res = await Taro.getLocation({ type: 'gcj02' });
    return { latitude: res.latitude, longitude: res.longitude };
  } catch {
    return null;
  }
};
