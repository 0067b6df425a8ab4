import { classifyPresentedCode, MEMBER_CODE_LENGTH } from '@o2o/shared/member-code';

/** Who the clerk means: a member code (scanned or typed) or a phone number (typed). */
export type Presented = { memberCode: string } | { phone: string };

export type Routed = { ok: true; who: Presented } | { ok: false; message: string };

export const PAYMENT_CODE_MESSAGE = '这是付款码，请让顾客出示会员码';

/**
 * What a scan or the keyboard produced, routed before any request. A payment code (WeChat Pay, Alipay, UnionPay: the
 * same scanner reads them) never leaves the phone: the clerk is told to ask for the member code instead. A phone
 * number goes as `phone`. Our member code, and an 18-digit code of another prefix (the server knows the brand's
 * prefix, this app only the default), go as `memberCode`, as does a QR token. Digits of any other length are a typo.
 */
export function routePresented(raw: string | null | undefined): Routed {
  const text = (raw ?? '').trim();
  if (!text) return { ok: false, message: '请扫描顾客的会员码，或输入会员码 / 手机号' };
  const compact = text.replace(/[\s-]/g, '');
  const kind = classifyPresentedCode(compact);
  if (kind === 'member') return { ok: true, who: { memberCode: compact } };
  if (kind === 'phone') return { ok: true, who: { phone: compact } };
  if (kind === 'wechat_pay' || kind === 'alipay' || kind === 'unionpay') return { ok: false, message: PAYMENT_CODE_MESSAGE };
  if (/^\d+$/.test(compact)) {
    return compact.length === MEMBER_CODE_LENGTH ? { ok: true, who: { memberCode: compact } } : { ok: false, message: '请输入 18 位会员码或 11 位手机号' };
  }
  if (/^[A-Za-z0-9_.:-]{8,64}$/.test(text)) return { ok: true, who: { memberCode: text } };
  return { ok: false, message: '这不是会员码，请扫描顾客小程序「会员码」页上的条码或二维码' };
}
