import crypto from 'node:crypto';
import fc from 'fast-check';
import {
  CODE_WINDOW_MS,
  MAX_SKEW_MS,
  codeExpiresAt,
  makeDigits,
  makeToken,
  matchDigits,
  newCouponCode,
  otp,
  parseToken,
  tokenMacOk,
  windowOf,
  windowVerdict,
} from '../../src/modules/coupon/coupon-code';
import { endOfShanghaiDay, isValidAt, validityAt } from '../../src/modules/coupon/validity';

const secret = crypto.randomBytes(32);
// 2020-01-01 .. 2040-01-01
const instant = fc.integer({ min: 1_577_836_800_000, max: 2_208_988_800_000 });

describe('rotating redemption codes', () => {
  it('property: a code handed out at t0 is accepted at t1 exactly while t1 is in its window or the next (plus skew); never falsely rejected within 30 s', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -MAX_SKEW_MS, max: 10 * 60_000 }), (t0, delta) => {
        const issuedW = windowOf(t0);
        const t1 = new Date(t0 + delta);
        const verdict = windowVerdict(issuedW, t1);
        const expiresAt = codeExpiresAt(new Date(t0)).getTime();
        if (delta >= 0 && delta < CODE_WINDOW_MS) expect(verdict).toBe('fresh'); // no false reject inside the window
        if (delta < 0) expect(verdict).toBe('fresh'); // a server up to MAX_SKEW_MS behind the issuing one
        if (t1.getTime() >= expiresAt) expect(verdict).toBe('expired'); // 100 % of expired rejected
        if (delta >= 0 && t1.getTime() < expiresAt) expect(verdict).toBe('fresh');
      }),
      { numRuns: 20_000 },
    );
  });

  it('property over (issue time, present time, clock skew between the issuing and the verifying server): no false reject while the code is young, every expired code rejected', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 10 * 60_000 }), fc.integer({ min: -MAX_SKEW_MS, max: MAX_SKEW_MS }), fc.integer({ min: -MAX_SKEW_MS, max: MAX_SKEW_MS }), (t, age, skewIssuer, skewVerifier) => {
        // true instants: issued at t, presented `age` later; each server reads its own clock (true + skew)
        const issuerNow = t + skewIssuer;
        const verifierNow = t + age + skewVerifier;
        const w = windowOf(issuerNow);
        const verdict = windowVerdict(w, new Date(verifierNow));
        const relative = skewVerifier - skewIssuer; // |relative| ≤ 2 × MAX_SKEW_MS in the worst case
        // servers within MAX_SKEW_MS of each other: no false reject during the code's first 30 s − skew
        if (Math.abs(relative) <= MAX_SKEW_MS && age <= CODE_WINDOW_MS - Math.abs(relative)) expect(verdict).toBe('fresh');
        // expired on the verifier's clock (past the end of the next window) → always rejected as expired
        if (verifierNow >= codeExpiresAt(new Date(issuerNow)).getTime()) expect(verdict).toBe('expired');
        // never accepted for longer than two windows of the verifier's clock
        if (verdict === 'fresh') expect(verifierNow).toBeLessThan((w + 2) * CODE_WINDOW_MS);
      }),
      { numRuns: 20_000 },
    );
  });

  it('property: tokens and digits verify only for their own coupon and window; any flipped bit is refused', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 999_999 }), fc.nat({ max: 31 * 8 - 1 }), (t, couponId, h, bit) => {
        const code = newCouponCode();
        const handle = String(h).padStart(6, '0');
        const w = windowOf(t);
        const token = makeToken(secret, couponId, code, w);
        const p = parseToken(token)!;
        expect(p).toMatchObject({ code, w });
        expect(tokenMacOk(secret, couponId, code, w, p.mac)).toBe(true);
        expect(tokenMacOk(secret, couponId + 1, code, w, p.mac)).toBe(false);
        expect(tokenMacOk(secret, couponId, code, w + 1, p.mac)).toBe(false);
        const raw = Buffer.from(token, 'base64url');
        raw[Math.floor(bit / 8) + 1] ^= 1 << bit % 8;
        const forged = parseToken(raw.toString('base64url'));
        if (forged) expect(forged.code === code && forged.w === w && tokenMacOk(secret, couponId, forged.code, forged.w, forged.mac)).toBe(false);

        const digits = makeDigits(secret, couponId, code, handle, w);
        expect(digits).toMatch(/^\d{12}$/);
        expect(digits.slice(0, 6)).toBe(handle);
        expect(matchDigits(secret, couponId, code, digits.slice(6), new Date(t))).toEqual({ w, verdict: 'fresh' });
        expect(matchDigits(secret, couponId, code, digits.slice(6), new Date(t + 2 * CODE_WINDOW_MS))?.verdict).toBe('expired');
      }),
      { numRuns: 2_000 },
    );
  });

  it('random tokens and digits are refused (forgery)', () => {
    const code = newCouponCode();
    let accepted = 0;
    const now = new Date();
    for (let i = 0; i < 10_000; i++) {
      const p = parseToken(crypto.randomBytes(32).toString('base64url'));
      if (p && tokenMacOk(secret, 1, code, p.w, p.mac)) accepted++;
      if (matchDigits(secret, 1, code, String(crypto.randomInt(0, 1_000_000)).padStart(6, '0'), now)?.verdict === 'fresh') accepted++;
    }
    // the digit OTP is 6 digits over 2–3 fresh windows: ~3·10⁻⁶ per guess, so 10,000 guesses expect 0.03
    expect(accepted).toBeLessThanOrEqual(1);
  });

  it('coupon codes are 16 Crockford base32 characters (80 bits) and do not repeat', () => {
    const codes = new Set(Array.from({ length: 50_000 }, newCouponCode));
    expect(codes.size).toBe(50_000);
    for (const c of [...codes].slice(0, 100)) expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{16}$/);
    expect(otp(secret, 1, 'A'.repeat(16), 1)).toMatch(/^\d{6}$/);
  });
});

describe('validity (Asia/Shanghai days, server clock in UTC)', () => {
  it('a relative N-day coupon ends at 23:59:59.999 Shanghai of day N, the issue day being day 1', () => {
    // 2026-03-10 23:30 Shanghai = 15:30 UTC
    const issued = new Date('2026-03-10T15:30:00.000Z');
    expect(endOfShanghaiDay(issued).toISOString()).toBe('2026-03-10T15:59:59.999Z');
    const v = validityAt({ validFrom: null, validTo: null, validDays: 3 }, issued);
    expect(v).toEqual({ validFrom: issued, validTo: new Date('2026-03-12T15:59:59.999Z') });
    // 00:10 Shanghai on the 11th = 16:10 UTC on the 10th: a new Shanghai day although UTC is still the 10th
    expect(endOfShanghaiDay(new Date('2026-03-10T16:10:00.000Z')).toISOString()).toBe('2026-03-11T15:59:59.999Z');
    expect(isValidAt(v, new Date('2026-03-12T15:59:59.999Z'))).toBe(true);
    expect(isValidAt(v, new Date('2026-03-12T16:00:00.000Z'))).toBe(false);
    expect(isValidAt(v, new Date(issued.getTime() - 1))).toBe(false);
  });

  it('property: the end is always a Shanghai 23:59:59.999 between 0 and 24 h after the instant, N−1 days later', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 400 }), (t, n) => {
        const end = validityAt({ validFrom: null, validTo: null, validDays: n }, new Date(t)).validTo.getTime();
        expect((end + 1 + 8 * 3_600_000) % 86_400_000).toBe(0);
        const firstEnd = endOfShanghaiDay(new Date(t)).getTime();
        expect(firstEnd - t).toBeGreaterThanOrEqual(0);
        expect(firstEnd - t).toBeLessThan(86_400_000);
        expect(end - firstEnd).toBe((n - 1) * 86_400_000);
      }),
    );
  });
});
