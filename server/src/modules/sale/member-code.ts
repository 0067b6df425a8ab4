import crypto from 'node:crypto';
import { classifyPresentedCode, MEMBER_CODE_LENGTH, type MemberCodeView } from '@o2o/shared';
import type { Ctx } from '../../context';
import { isDuplicateKeyError } from '../../db/db';
import { AppError } from '../../lib/app-error';
import { codeMac, matchWindow, truncateDigits, windowEndsAt, windowOf, type Rotation } from '../../lib/rotating-code';
import { Customer } from '../customer/customer.entity';
import { mainlandPhoneHash } from '../customer/customer-view';

/**
 * The member code (会员码): what the consumer shows at a till, 18 digits drawn twice — as a QR code and as a Code 128
 * barcode (the `qrToken` IS the digits: one code, two symbologies, so a till's scanner reads the same thing from
 * either and a clerk can type what is printed under the bars).
 *
 *   digits = prefix[2] ‖ handle[9] ‖ otp[7]
 *   prefix = MEMBER_CODE_PREFIX (default 88): outside WeChat Pay's 10–15 and Alipay's 25–30, so the scanner's
 *            input is classified by shape before any lookup (shared/member-code.ts);
 *   handle = the customer's random 9-digit `memberHandle`, assigned the first time a code is shown (UNIQUE, so the
 *            digits name exactly one customer; random, so they reveal nothing about the customer id or signup order);
 *   otp    = HOTP-style truncation of HMAC(COUPON_CODE_SECRET, "m|customerId|handle|w") to 7 digits, w the 60-second
 *            window on the SERVER clock (lib/rotating-code.ts, shared with the coupon codes; label 'm' separates the
 *            two code kinds under one secret).
 * A code of window w is accepted while the server is in w or w + 1 (the app rotates at the end of w; a code scanned
 * in its last second still works at the till) and recognised as expired for 10 windows after that.
 * Guessing: a forger who knows a live handle succeeds with probability ≤ 3 windows / 10^7 per try; the POS API is
 * signed per terminal and the clerk API authenticated, so a guess costs a credential.
 * Single use: a committed sale records (customer, w) in `member_code_use` (primary key), in the sale's transaction.
 * Identify and quote do not consume the code; they report MEMBER_CODE_USED for a window already spent.
 */
export const MEMBER_CODE_ROTATION: Rotation = { windowMs: 60_000, expiredLookback: 10 };
const HANDLE_DIGITS = 9;
const OTP_DIGITS = 7;

export const memberOtp = (secret: Buffer, customerId: number, handle: string, w: number): string => truncateDigits(codeMac(secret, 'm', customerId, handle, w), OTP_DIGITS);

export const memberCodeDigits = (prefix: string, secret: Buffer, customerId: number, handle: string, w: number): string => `${prefix}${handle}${memberOtp(secret, customerId, handle, w)}`;

export const newMemberHandle = (): string => String(crypto.randomInt(0, 10 ** HANDLE_DIGITS)).padStart(HANDLE_DIGITS, '0');

/**
 * The consumer's current member code (`GET /api/app/member-code`). Any customer may show one, fan or member: a fan's
 * sale is recorded too (it just earns no points). The first call gives the customer a handle by a conditional update
 * `WHERE member_handle IS NULL`; a random number already taken (UNIQUE) is retried with another.
 */
export async function issueMemberCode(ctx: Ctx, customerId: number): Promise<MemberCodeView> {
  const now = ctx.clock.now();
  const read = () => ctx.db.read((em) => em.getRepository(Customer).findOne({ where: { id: customerId }, select: { id: true, memberHandle: true } }));
  let c = await read();
  if (!c) throw new AppError('NOT_FOUND', 'Customer not found');
  for (let attempt = 0; !c.memberHandle; attempt++) {
    if (attempt >= 8) throw new AppError('RETRYABLE_DB_CONFLICT');
    const handle = newMemberHandle();
    try {
      await ctx.db.transaction((tx) => tx.createQueryBuilder().update(Customer).set({ memberHandle: handle }).where('id = :customerId AND member_handle IS NULL', { customerId }).execute());
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      continue;
    }
    // Ours, or a concurrent first call's: either way the stored one is the handle.
    c = await read();
    if (!c) throw new AppError('NOT_FOUND', 'Customer not found');
  }
  const w = windowOf(now, MEMBER_CODE_ROTATION.windowMs);
  const digits = memberCodeDigits(ctx.config.memberCodePrefix, ctx.config.secrets.couponCodeSecret, c.id, c.memberHandle, w);
  return { digits, qrToken: digits, expiresAt: windowEndsAt(MEMBER_CODE_ROTATION, now).toISOString(), windowSeconds: MEMBER_CODE_ROTATION.windowMs / 1000 };
}

/** How a presented customer is looked up: a member code's handle (then its one-time part is checked), or a phone's blind index. */
export type PresentedKey = { by: 'handle'; handle: string; otp: string } | { by: 'phone'; phoneHash: string };

/**
 * What the till sent, as a lookup key, refusing by shape alone what is not ours: a payment code (the clerk scanned
 * the wrong screen) → PAYMENT_CODE_PRESENTED with which one; anything else not carrying our prefix →
 * MEMBER_CODE_FOREIGN. Eleven digits typed into the code field are a phone number, looked up as one.
 */
export function presentedKey(ctx: Ctx, who: { memberCode?: string; phone?: string }): PresentedKey {
  if (who.phone) return { by: 'phone', phoneHash: mainlandPhoneHash(ctx.pii, who.phone) };
  const raw = (who.memberCode ?? '').replace(/[\s-]/g, '');
  const kind = classifyPresentedCode(raw, ctx.config.memberCodePrefix);
  switch (kind) {
    case 'member':
      return { by: 'handle', handle: raw.slice(2, 2 + HANDLE_DIGITS), otp: raw.slice(2 + HANDLE_DIGITS, MEMBER_CODE_LENGTH) };
    case 'phone':
      return { by: 'phone', phoneHash: mainlandPhoneHash(ctx.pii, raw) };
    case 'wechat_pay':
    case 'alipay':
    case 'unionpay':
      throw new AppError('PAYMENT_CODE_PRESENTED', undefined, { presented: kind });
    case 'foreign':
      throw new AppError('MEMBER_CODE_FOREIGN');
  }
}

/**
 * The window of a member code presented for `customerId` (found by its handle), or the precise refusal: no window
 * matches → MEMBER_CODE_INVALID (forged, mistyped, or older than the lookback); a matching window that has passed →
 * MEMBER_CODE_EXPIRED; a fresh window already spent on a sale → MEMBER_CODE_USED.
 */
export function checkMemberCodeWindow(ctx: Ctx, customerId: number, handle: string, otp: string, usedWindows: readonly number[], now: Date): number {
  const secret = ctx.config.secrets.couponCodeSecret;
  const m = matchWindow(MEMBER_CODE_ROTATION, now, otp, (w) => memberOtp(secret, customerId, handle, w));
  if (!m) throw new AppError('MEMBER_CODE_INVALID');
  if (m.verdict !== 'fresh') throw new AppError('MEMBER_CODE_EXPIRED');
  if (usedWindows.includes(m.w)) throw new AppError('MEMBER_CODE_USED');
  return m.w;
}

/** The oldest window `checkMemberCodeWindow` can match at `now`: used windows older than this need not be read. */
export const oldestCandidateWindow = (now: Date): number => windowOf(now, MEMBER_CODE_ROTATION.windowMs) - 1 - MEMBER_CODE_ROTATION.expiredLookback;
