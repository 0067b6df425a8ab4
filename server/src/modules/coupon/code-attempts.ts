import type { Ctx } from '../../context';
import type { Db } from '../../db/db';
import { AppError } from '../../lib/app-error';

const WINDOW_MS = 60_000;

/**
 * Failed coupon-code attempts per clerk (lookup and confirm): at most COUPON_CODE_FAILURES_PER_MINUTE in any
 * sliding 60 s, then COUPON_CODE_ATTEMPTS_EXCEEDED (429) until the oldest failure leaves the window.
 *
 * What counts as a failure: COUPON_CODE_INVALID only — the answer to a forged, mistyped or unknown code (and to a
 * genuine code of another store's coupon). That is what guessing produces; an expired, replayed or already-used
 * genuine code is a customer-side mishap at a busy till and does not count, nor does a success.
 *
 * In-process, per server process (a Map of timestamps, pruned as it goes): with P processes a clerk gets at most
 * P × the limit per minute, which keeps typed-code guessing (≈3·10⁻⁶ per try, coupon-code.ts) hopeless. A shared
 * Redis window can replace it behind the same two functions. Kept per Db so test harnesses in one process stay apart.
 */
const byDb = new WeakMap<Db, Map<number, number[]>>();

function failuresOf(ctx: Ctx): Map<number, number[]> {
  let m = byDb.get(ctx.db);
  if (!m) byDb.set(ctx.db, (m = new Map()));
  return m;
}

function recent(ctx: Ctx, staffId: number, now: number): number[] {
  const m = failuresOf(ctx);
  const list = (m.get(staffId) ?? []).filter((t) => t > now - WINDOW_MS);
  if (list.length) m.set(staffId, list);
  else m.delete(staffId);
  return list;
}

/** Throws COUPON_CODE_ATTEMPTS_EXCEEDED while the clerk is over the limit (checked before any work). */
export function assertCodeAttemptsLeft(ctx: Ctx, staffId: number): void {
  const now = ctx.clock.now().getTime();
  const list = recent(ctx, staffId, now);
  if (list.length >= ctx.config.rules.couponCodeFailuresPerMinute)
    throw new AppError('COUPON_CODE_ATTEMPTS_EXCEEDED', undefined, { retryAfterSeconds: Math.max(1, Math.ceil((list[0] + WINDOW_MS - now) / 1000)) });
}

/** Runs a code use case and records its outcome: COUPON_CODE_INVALID counts as a failure. */
export async function withCodeAttempt<T>(ctx: Ctx, staffId: number, fn: () => Promise<T>): Promise<T> {
  assertCodeAttemptsLeft(ctx, staffId);
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError && err.code === 'COUPON_CODE_INVALID') {
      const now = ctx.clock.now().getTime();
      const list = recent(ctx, staffId, now);
      list.push(now);
      failuresOf(ctx).set(staffId, list);
    }
    throw err;
  }
}
