import type { GetPosition } from './types';

/** Typed fallback; `location.weapp.ts` asks WeChat (gcj02), `location.h5.ts` the browser. */
export const getPosition: GetPosition = async () => null;
