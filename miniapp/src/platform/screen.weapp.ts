import Taro from '@tarojs/taro';
import type { HoldScreen } from './types';

/** Bright enough for a till's scanner to read a phone in a sunlit shop, short of blinding. */
const BRIGHT = 0.9;

/**
 * Keep the screen on and raise the brightness while a code is shown; the release restores what the user had.
 * WeChat's brightness only applies inside the mini-program, but a user who leaves the page and stays in the app
 * must get their own brightness back. Android reports -1 for "follows the system", which restores as -1.
 */
export const holdScreen: HoldScreen = () => {
  let released = false;
  let previous: number | null = null;
  void Taro.setKeepScreenOn({ keepScreenOn: true }).catch(() => undefined);
  Taro.getScreenBrightness()
    .then(({ value }) => {
      if (released || value >= BRIGHT) return undefined;
      previous = value;
      return Taro.setScreenBrightness({ value: BRIGHT });
    })
    .catch(() => undefined);
  return () => {
    if (released) return;
    released = true;
    void Taro.setKeepScreenOn({ keepScreenOn: false }).catch(() => undefined);
    if (previous !== null) void Taro.setScreenBrightness({ value: previous }).catch(() => undefined);
  };
};
