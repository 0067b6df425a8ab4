/**
 * What a till's scanner (or a clerk's keyboard) read, by shape alone, before any lookup. Tills read WeChat Pay and
 * Alipay payment codes with the same scanner as our member code, so the member code has its own 2-digit prefix
 * and the API answers a payment code with a distinct error instead of "invalid" (research/pos.md §1):
 *   WeChat Pay 付款码  18 digits, 10–15        Alipay 付款码  16–24 digits, 25–30
 *   UnionPay QR        19 digits, 62           our member code 18 digits, MEMBER_CODE_PREFIX (default 88)
 *   a phone number     11 digits, 1[3-9]
 * Anything else made of digits (another brand's member code, 联拓富's 80/81…) is foreign.
 */
export type PresentedCode = 'member' | 'phone' | 'wechat_pay' | 'alipay' | 'unionpay' | 'foreign';

export const MEMBER_CODE_LENGTH = 18;
export const DEFAULT_MEMBER_CODE_PREFIX = '88';

export function classifyPresentedCode(raw: string, prefix: string = DEFAULT_MEMBER_CODE_PREFIX): PresentedCode {
  const s = raw.replace(/[\s-]/g, '');
  if (!/^\d+$/.test(s)) return 'foreign';
  const p2 = Number(s.slice(0, 2));
  if (s.length === MEMBER_CODE_LENGTH && s.startsWith(prefix)) return 'member';
  if (s.length === 11 && /^1[3-9]/.test(s)) return 'phone';
  if (s.length === 18 && p2 >= 10 && p2 <= 15) return 'wechat_pay';
  if (s.length >= 16 && s.length <= 24 && p2 >= 25 && p2 <= 30) return 'alipay';
  if (s.length === 19 && s.startsWith('62')) return 'unionpay';
  return 'foreign';
}

/** 18 digits in groups of 4 as printed under the barcode: 8812 3456 7890 1234 56. */
export const groupDigits = (digits: string) => digits.replace(/(\d{4})(?=\d)/g, '$1 ');
