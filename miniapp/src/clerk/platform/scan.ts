import type { ScanCode } from './types';

/**
 * Typed fallback for targets without a `scan.<platform>.ts`. The real implementations are
 * `scan.weapp.ts` (the camera) and `scan.h5.ts` (a camera-less text prompt).
 */
export const scanCode: ScanCode = () =>
  Promise.reject(new Error(`scanning is not supported on ${process.env.TARO_ENV ?? 'this platform'}`));
