import type { RequestSubscribe } from './types';

/** Typed fallback; `subscribe.weapp.ts` asks WeChat, `subscribe.h5.ts` a confirm dialog. */
export const requestSubscribe: RequestSubscribe = async () => null;
