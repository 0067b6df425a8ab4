/**
 * Coupon validity, in UTC instants computed once at issue and stored on the coupon.
 *
 * Rule: a coupon is usable at t iff validFrom <= t <= validTo (both inclusive, millisecond precision).
 *  - fixed templates copy their validFrom/validTo (the console sends Asia/Shanghai day bounds, e.g.
 *    2026-02-01T00:00:00+08:00 … 2026-02-28T23:59:59.999+08:00);
 *  - relative templates (validDays = N) run from the issue instant to 23:59:59.999 Asia/Shanghai of the N-th
 *    Shanghai calendar day, the issue day being day 1 (领取后 N 天内有效, as Youzan and WeChat 商家券 count it).
 * Asia/Shanghai has had no DST since 1991: a fixed +08:00 offset is exact.
 */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** 23:59:59.999 Asia/Shanghai of the day `t` falls on there, plus `extraDays` days. */
export function endOfShanghaiDay(t: Date, extraDays = 0): Date {
  const local = t.getTime() + SHANGHAI_OFFSET_MS;
  const dayStart = Math.floor(local / DAY_MS) * DAY_MS;
  return new Date(dayStart + (extraDays + 1) * DAY_MS - 1 - SHANGHAI_OFFSET_MS);
}

export interface ValiditySpec {
  validFrom: Date | null;
  validTo: Date | null;
  validDays: number | null;
}

export function validityAt(spec: ValiditySpec, issuedAt: Date): { validFrom: Date; validTo: Date } {
  if (spec.validDays !== null) return { validFrom: issuedAt, validTo: endOfShanghaiDay(issuedAt, spec.validDays - 1) };
  if (!spec.validFrom || !spec.validTo) throw new Error('template without validity');
  return { validFrom: spec.validFrom, validTo: spec.validTo };
}

export function isValidAt(c: { validFrom: Date; validTo: Date }, t: Date): boolean {
  return c.validFrom.getTime() <= t.getTime() && t.getTime() <= c.validTo.getTime();
}
