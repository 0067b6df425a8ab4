import type { HoldScreen } from './types';

/** Typed fallback; `screen.weapp.ts` keeps the screen on and raises the brightness, `screen.h5.ts` takes a wake lock. */
export const holdScreen: HoldScreen = () => () => undefined;
