/**
 * Public build-time configuration. Taro's DefinePlugin replaces `process.env.TARO_APP_*` with literals
 * (written out in full: never destructure `process.env`). The fallbacks only matter under jest.
 * `env.h5.ts` is the H5 variant (same-origin default).
 */
export const API_BASE = (process.env.TARO_APP_API_BASE || 'http://127.0.0.1:3000').replace(/\/+$/, '');
