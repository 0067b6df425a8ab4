import crypto from 'node:crypto';
import type { Ctx } from '../../src/context';
import { AppError } from '../../src/lib/app-error';
import { windowOf } from '../../src/lib/rotating-code';
import { otp as couponOtp } from '../../src/modules/coupon/coupon-code';
import {
  checkMemberCodeWindow,
  MEMBER_CODE_ROTATION,
  memberCodeDigits,
  memberOtp,
  newMemberHandle,
  oldestCandidateWindow,
  presentedKey,
} from '../../src/modules/sale/member-code';

/** The member code's pure parts: its digits, its windows and what a till's input is taken for. */
const secret = crypto.randomBytes(32);
const fakeCtx = (prefix = '88') => ({ config: { memberCodePrefix: prefix, secrets: { couponCodeSecret: secret } }, pii: { blindIndex: (s: string) => `bi(${s})` } }) as unknown as Ctx;
const W = 60_000;
const at = (w: number, offsetMs = 30_000) => new Date(w * W + offsetMs);
const codeOf = (err: unknown) => (err instanceof AppError ? [err.code, (err.details as { presented?: string } | undefined)?.presented].filter(Boolean).join(':') : String(err));
const refusal = (fn: () => unknown) => {
  try {
    fn();
    return 'accepted';
  } catch (err) {
    return codeOf(err);
  }
};

describe('member code digits', () => {
  const handle = '012345678';
  it('are prefix ‖ handle ‖ a 7-digit one-time part, 18 digits in all', () => {
    const d = memberCodeDigits('88', secret, 42, handle, 29_654_040);
    expect(d).toMatch(/^88012345678\d{7}$/);
    expect(d.slice(11)).toBe(memberOtp(secret, 42, handle, 29_654_040));
    expect(memberCodeDigits('88', secret, 42, handle, 29_654_040)).toBe(d); // deterministic: the server re-derives it
  });

  it('change with the window, the customer, the handle and the secret, and differ from a coupon code of the same inputs', () => {
    const ws = Array.from({ length: 60 }, (_, i) => memberOtp(secret, 42, handle, 1_000 + i));
    expect(new Set(ws).size).toBeGreaterThanOrEqual(58);
    expect(memberOtp(secret, 43, handle, 1_000)).not.toBe(ws[0]);
    expect(memberOtp(secret, 42, '012345679', 1_000)).not.toBe(ws[0]);
    expect(memberOtp(crypto.randomBytes(32), 42, handle, 1_000)).not.toBe(ws[0]);
    expect(memberOtp(secret, 42, handle, 1_000).slice(1)).not.toBe(couponOtp(secret, 42, handle, 1_000)); // label 'm' vs 'd'
  });

  it('handles are 9 random digits', () => {
    const hs = Array.from({ length: 200 }, newMemberHandle);
    expect(hs.every((h) => /^\d{9}$/.test(h))).toBe(true);
    expect(new Set(hs).size).toBeGreaterThan(195);
  });
});

describe('the window of a presented code (60 s windows, accepted in w and w + 1, expired for 10 more)', () => {
  const ctx = fakeCtx();
  const cur = 29_654_040;
  const otpOf = (w: number) => memberOtp(secret, 7, '000000001', w);
  const check = (w: number, now: Date, used: number[] = []) => refusal(() => checkMemberCodeWindow(ctx, 7, '000000001', otpOf(w), used, now));

  it('accepts the current and the previous window, and names the window matched', () => {
    expect(checkMemberCodeWindow(ctx, 7, '000000001', otpOf(cur), [], at(cur))).toBe(cur);
    expect(checkMemberCodeWindow(ctx, 7, '000000001', otpOf(cur - 1), [], at(cur))).toBe(cur - 1);
    expect(windowOf(at(cur), MEMBER_CODE_ROTATION.windowMs)).toBe(cur);
  });

  it('expired from two windows back through the lookback, unknown beyond it', () => {
    expect(check(cur - 2, at(cur))).toBe('MEMBER_CODE_EXPIRED');
    expect(check(cur - 11, at(cur))).toBe('MEMBER_CODE_EXPIRED');
    expect(check(cur - 12, at(cur))).toBe('MEMBER_CODE_INVALID');
    expect(oldestCandidateWindow(at(cur))).toBe(cur - 11);
  });

  it('a window ahead only within the clock skew allowance (another server slightly ahead)', () => {
    expect(check(cur + 1, at(cur, 58_000))).toBe('accepted');
    expect(check(cur + 1, at(cur, 30_000))).toBe('MEMBER_CODE_INVALID');
    expect(check(cur + 2, at(cur, 58_000))).toBe('MEMBER_CODE_INVALID');
  });

  it('a fresh window already spent on a sale is USED; forged digits are INVALID', () => {
    expect(check(cur, at(cur), [cur - 3, cur])).toBe('MEMBER_CODE_USED');
    expect(check(cur, at(cur), [cur - 1])).toBe('accepted');
    const wrong = String((Number(otpOf(cur)) + 1) % 10_000_000).padStart(7, '0');
    expect(refusal(() => checkMemberCodeWindow(ctx, 7, '000000001', wrong, [], at(cur)))).toBe('MEMBER_CODE_INVALID');
    // the same one-time part for another customer's handle does not match
    expect(refusal(() => checkMemberCodeWindow(ctx, 8, '000000001', otpOf(cur), [], at(cur)))).toBe('MEMBER_CODE_INVALID');
  });
});

describe('what a till sent, by shape', () => {
  const ctx = fakeCtx();
  const key = (memberCode: string) => refusal(() => presentedKey(ctx, { memberCode }));

  it('our member code → its handle and one-time part (spaces and dashes as printed are ignored)', () => {
    expect(presentedKey(ctx, { memberCode: '881234567890123456' })).toEqual({ by: 'handle', handle: '123456789', otp: '0123456' });
    expect(presentedKey(ctx, { memberCode: '8812 3456 7890 1234 56' })).toEqual({ by: 'handle', handle: '123456789', otp: '0123456' });
  });

  it('a phone number, in its field or typed into the code field → the blind index the console finds customers by', () => {
    expect(presentedKey(ctx, { phone: '13812345678' })).toEqual({ by: 'phone', phoneHash: 'bi(86:13812345678)' });
    expect(presentedKey(ctx, { memberCode: '138 1234 5678' })).toEqual({ by: 'phone', phoneHash: 'bi(86:13812345678)' });
  });

  it('payment codes are named; anything else not ours is foreign', () => {
    expect(key('134567890123456789')).toBe('PAYMENT_CODE_PRESENTED:wechat_pay');
    expect(key('104567890123456789')).toBe('PAYMENT_CODE_PRESENTED:wechat_pay');
    expect(key('2812345678901234')).toBe('PAYMENT_CODE_PRESENTED:alipay');
    expect(key('301234567890123456789012')).toBe('PAYMENT_CODE_PRESENTED:alipay');
    expect(key('6212345678901234567')).toBe('PAYMENT_CODE_PRESENTED:unionpay');
    expect(key('801234567890123456')).toBe('MEMBER_CODE_FOREIGN'); // 联拓富's 80/81
    expect(key('88123456789012345')).toBe('MEMBER_CODE_FOREIGN'); // ours, one digit short
    expect(key('pk_ABCDEF')).toBe('MEMBER_CODE_FOREIGN');
  });

  it('follows the configured prefix', () => {
    const other = fakeCtx('66');
    expect(refusal(() => presentedKey(other, { memberCode: '881234567890123456' }))).toBe('MEMBER_CODE_FOREIGN');
    expect(presentedKey(other, { memberCode: '661234567890123456' })).toMatchObject({ by: 'handle', handle: '123456789' });
  });
});
