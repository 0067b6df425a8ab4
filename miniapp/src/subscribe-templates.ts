/**
 * The WeChat subscribe-message templates the app asks for after an order (public ids from the mini-program admin,
 * 订阅消息 → 我的模板): the pickup notice and the offers notice. Both are build-time constants (config/index.ts;
 * the H5 build defaults to development ids for the emulator). Unset = the app never asks.
 */
export function subscribeTemplates(): { pickup: string; offer: string } | null {
  const pickup = process.env.TARO_APP_SUBSCRIBE_PICKUP_TMPL || '';
  const offer = process.env.TARO_APP_SUBSCRIBE_OFFER_TMPL || '';
  return pickup && offer ? { pickup, offer } : null;
}
