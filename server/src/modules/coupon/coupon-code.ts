import crypto from 'node:crypto';
import { candidateWindows as candidatesOf, codeMac, matchWindow, truncateDigits, windowOf as windowOfMs, windowVerdict as verdictOf, type Rotation, type WindowVerdict } from '../../lib/rotating-code';

/**
 * Rotating redemption codes (pure functions over lib/rotating-code.ts, which the member code shares; the service
 * does the lookups and the single-use record).
 *
 * Time is cut into 30-second windows w = floor(t / 30 s), always on the SERVER clock (the phone's clock plays no
 * part: the server picks the window when it hands out the code). A code of window w is accepted while the server's
 * current window is w or w + 1 — so it lives at least 30 s and at most 60 s — plus w = current + 1 when that
 * window starts within MAX_SKEW_MS (two server processes with slightly different clocks).
 *
 * token (QR)  = base64url( code[16 ASCII] ‖ w[uint32 BE] ‖ HMAC(secret, "t|id|code|w")[0..12] )  → 43 chars.
 *               Forging one means forging a 96-bit MAC; the coupon code inside is itself 80 random bits.
 * digits (12) = handle[6] ‖ otp[6]: the handle is a random 6-digit number the coupon gets when first shown
 *               (UNIQUE, so typing identifies exactly one coupon; numbers of spent coupons are reused), the otp is
 *               HOTP-style dynamic truncation of HMAC(secret, "d|id|code|w") mod 10^6. A typed guess succeeds with
 *               probability (live handles / 10^6) × (3 windows / 10^6) ≤ 3·10⁻⁶; the clerk endpoint is
 *               authenticated (and rate limiting per clerk is part 2), so 12 digits are enough for a 60-second
 *               bearer code, unlike a static typed code (research C8 asks ≥ 80 bits for those).
 * Single use: a confirmed redemption records (coupon, w); the same window again is COUPON_CODE_REPLAYED.
 */
export const CODE_WINDOW_MS = 30_000;
/** How far back a typed code is still recognised as "expired" rather than "invalid" (10 minutes). */
export const EXPIRED_LOOKBACK_WINDOWS = 20;
export { MAX_SKEW_MS, type WindowVerdict } from '../../lib/rotating-code';
const ROTATION: Rotation = { windowMs: CODE_WINDOW_MS, expiredLookback: EXPIRED_LOOKBACK_WINDOWS };

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 16 Crockford base32 characters from 80 random bits. */
export function newCouponCode(): string {
  const bytes = crypto.randomBytes(10);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < 16; i++) out = CROCKFORD[Number((bits >> BigInt(5 * i)) & 31n)] + out;
  return out;
}

export const windowOf = (t: Date | number) => windowOfMs(t, CODE_WINDOW_MS);

/** Is a code of window `w` acceptable at server time `now`? */
export const windowVerdict = (w: number, now: Date): WindowVerdict => verdictOf(ROTATION, w, now);

/** Windows a typed code is checked against, freshest first: the accepted ones, then the recently expired ones. */
export const candidateWindows = (now: Date) => candidatesOf(ROTATION, now);

const mac = (secret: Buffer, kind: 't' | 'd', couponId: number, code: string, w: number) => codeMac(secret, kind, couponId, code, w);

export function makeToken(secret: Buffer, couponId: number, code: string, w: number): string {
  const win = Buffer.alloc(4);
  win.writeUInt32BE(w);
  return Buffer.concat([Buffer.from(code, 'ascii'), win, mac(secret, 't', couponId, code, w).subarray(0, 12)]).toString('base64url');
}

/** The parts of a token, or null when it is not even shaped like one. The MAC is checked by `tokenMacOk`. */
export function parseToken(token: string): { code: string; w: number; mac: Buffer } | null {
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== 32 || raw.toString('base64url') !== token) return null;
  const code = raw.subarray(0, 16).toString('latin1'); // not 'ascii': it drops the high bit (a malleable token)
  if (!/^[0-9A-HJKMNP-TV-Z]{16}$/.test(code)) return null;
  return { code, w: raw.readUInt32BE(16), mac: raw.subarray(20) };
}

export function tokenMacOk(secret: Buffer, couponId: number, code: string, w: number, got: Buffer): boolean {
  return crypto.timingSafeEqual(mac(secret, 't', couponId, code, w).subarray(0, 12), got);
}

export const otp = (secret: Buffer, couponId: number, code: string, w: number): string => truncateDigits(mac(secret, 'd', couponId, code, w), 6);

export function makeDigits(secret: Buffer, couponId: number, code: string, handle: string, w: number): string {
  return `${handle}${otp(secret, couponId, code, w)}`;
}

/** The window whose otp matches the typed digits, among the candidates; null when none does. */
export const matchDigits = (secret: Buffer, couponId: number, code: string, typedOtp: string, now: Date) =>
  matchWindow(ROTATION, now, typedOtp, (w) => otp(secret, couponId, code, w));

/** Expiry of a code handed out at `now` (end of the next window). */
export const codeExpiresAt = (now: Date) => new Date((windowOf(now) + 2) * CODE_WINDOW_MS);
