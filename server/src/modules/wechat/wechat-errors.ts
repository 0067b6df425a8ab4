import { WechatApiError } from './wechat.types';

/**
 * errcode → what the app should do, per capability. Pure and tiny on purpose: the HTTP layer maps these
 * kinds to AppError codes, so WeChat's numbering never leaks past this file.
 */

export type LoginErrorKind = 'invalid_code' | 'rate_limited' | 'upstream';
export type PhoneErrorKind = 'invalid_code' | 'rate_limited' | 'upstream';
export type SubscribeErrorKind = 'no_quota' | 'invalid_request' | 'rate_limited' | 'upstream';
export type QrCodeErrorKind = 'invalid_request' | 'rate_limited' | 'upstream';

const errcodeOf = (err: unknown): number | undefined => (err instanceof WechatApiError ? err.errcode : undefined);

/** code2Session. 40029 bad/expired, 40163 already used, 40226 blocked high-risk user: the client must wx.login again. */
export function loginErrorKind(err: unknown): LoginErrorKind {
  const code = errcodeOf(err);
  if (code === 40029 || code === 40163 || code === 40226) return 'invalid_code';
  if (code === 45011) return 'rate_limited';
  return 'upstream';
}

/** getPhoneNumber. 40029 covers invalid, expired, used and openid-mismatched codes. */
export function phoneErrorKind(err: unknown): PhoneErrorKind {
  const code = errcodeOf(err);
  if (code === 40029) return 'invalid_code';
  if (code === 45011) return 'rate_limited';
  return 'upstream';
}

/**
 * subscribeMessage.send. 'no_quota' (43101) means zero the stored credit; 'invalid_request' must not be
 * retried; 'upstream' (busy, transport, token) may be retried with the credit restored.
 */
export function subscribeErrorKind(err: unknown): SubscribeErrorKind {
  const code = errcodeOf(err);
  if (code === 43101) return 'no_quota';
  if (code === 40003 || code === 40037 || code === 47003 || code === 41030) return 'invalid_request';
  if (code === 45009) return 'rate_limited';
  return 'upstream';
}

/** wxacode.getUnlimited. Bad scene (40169 length, 40129 charset) or page (41030) is our bug, not WeChat's. */
export function qrCodeErrorKind(err: unknown): QrCodeErrorKind {
  const code = errcodeOf(err);
  if (code === 40169 || code === 40129 || code === 41030) return 'invalid_request';
  if (code === 45009) return 'rate_limited';
  return 'upstream';
}
