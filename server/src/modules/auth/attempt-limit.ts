import crypto from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Ctx } from '../../context';
import { emit } from '../../events/outbox';
import { AppError } from '../../lib/app-error';
import { AttemptCounter } from './attempt-counter.entity';

/**
 * Limits guesses (passwords, invite codes) per subject, shared by every api process through the database, and
 * atomic: an attempt RESERVES its place before the work (a conditional increment that fails at the limit), a
 * success gives the place back, a failure keeps it. So 40 parallel wrong passwords get at most `limit`
 * evaluations — each an expensive scrypt — and the rest are refused before any work (item 4 of the hardening issue:
 * login was an unauthenticated CPU lever).
 *
 * A subject that reaches its limit is locked for `lockMs × 2^(lockouts)` (capped), with `attempt.locked_out` emitted
 * once per lockout (an alert for the console). Refusals are RATE_LIMITED with `retryAfterSeconds`, the same answer
 * whether the username exists or not (the counter is per typed username, existing or not: no username oracle).
 */
export interface AttemptPolicy {
  scope: string;
  /** Failed (or in-flight) attempts allowed per window. */
  limit: number;
  windowMs: number;
  /** First lock's length; doubles with each lockout in a row, up to maxLockMs. */
  lockMs: number;
  maxLockMs: number;
}

export const STAFF_LOGIN_BY_USER: AttemptPolicy = { scope: 'login_user', limit: 5, windowMs: 15 * 60_000, lockMs: 60_000, maxLockMs: 60 * 60_000 };
/** Per client address: higher, because a store's tills and phones share one NAT address. */
export const STAFF_LOGIN_BY_ADDRESS: AttemptPolicy = { scope: 'login_addr', limit: 30, windowMs: 15 * 60_000, lockMs: 60_000, maxLockMs: 60 * 60_000 };
export const INVITE_BY_IDENTITY: AttemptPolicy = { scope: 'invite_wx', limit: 5, windowMs: 15 * 60_000, lockMs: 5 * 60_000, maxLockMs: 60 * 60_000 };
export const INVITE_BY_ADDRESS: AttemptPolicy = { scope: 'invite_addr', limit: 30, windowMs: 15 * 60_000, lockMs: 5 * 60_000, maxLockMs: 60 * 60_000 };

export interface AttemptSubject {
  policy: AttemptPolicy;
  /** The raw subject (username, address, openid); stored only as a keyed hash. */
  subject: string;
  /** What an operator may read in the lockout alert (a username; a masked address). */
  label: string;
}

/**
 * Runs `fn` as one attempt for every subject. `isFailure(err)` says which errors are guesses that count (wrong
 * password, wrong invite code); any other outcome — success or another error — gives the reservation back.
 */
export async function withAttempts<T>(ctx: Ctx, subjects: AttemptSubject[], fn: () => Promise<T>, isFailure: (err: unknown) => boolean): Promise<T> {
  const reserved: AttemptSubject[] = [];
  try {
    for (const s of subjects) {
      await reserve(ctx, s);
      reserved.push(s);
    }
  } catch (err) {
    await release(ctx, reserved, false);
    throw err;
  }
  try {
    const out = await fn();
    await release(ctx, reserved, true);
    return out;
  } catch (err) {
    if (!isFailure(err)) await release(ctx, reserved, false);
    else await lockIfFull(ctx, reserved);
    throw err;
  }
}

/** The row key: the subject as HMAC(PII_INDEX_KEY) so the table holds no addresses or usernames in clear. */
const keyOf = (ctx: Ctx, s: AttemptSubject) => ({
  scope: s.policy.scope,
  subject: crypto.createHmac('sha256', ctx.config.secrets.piiIndexKey).update(`${s.policy.scope}|${s.subject}`).digest('base64url'),
});

/**
 * One conditional increment takes a place (restarting a window that has passed); when it changes nothing the subject
 * either has no row yet (the insert is then the reservation; a concurrent insert sends us round once more) or is
 * full or locked (refused). No read-then-write: concurrent attempts cannot both take the last place.
 */
async function reserve(ctx: Ctx, s: AttemptSubject): Promise<void> {
  const now = ctx.clock.now();
  const k = keyOf(ctx, s);
  const cutoff = new Date(now.getTime() - s.policy.windowMs);
  for (let round = 0; round < 5; round++) {
    const won = await ctx.db.transaction((tx) =>
      tx
        .createQueryBuilder()
        .update(AttemptCounter)
        .set({
          attempts: () => 'CASE WHEN window_start <= :cutoff THEN 1 ELSE attempts + 1 END',
          windowStart: () => 'CASE WHEN window_start <= :cutoff THEN :now ELSE window_start END',
        })
        .where('scope = :scope AND subject = :subject AND (locked_until IS NULL OR locked_until <= :now) AND (attempts < :limit OR window_start <= :cutoff)')
        .setParameters({ ...k, cutoff, now, limit: s.policy.limit })
        .execute(),
    );
    if (won.affected === 1) return;
    const row = await ctx.db.read((em) => em.getRepository(AttemptCounter).findOneBy(k));
    if (!row) {
      if (await ctx.db.transaction((tx) => ctx.db.insertOnce(tx, AttemptCounter, { ...k, windowStart: now, attempts: 1, lockouts: 0, lockedUntil: null }))) return;
      continue; // a concurrent attempt created the row first: take a place in it
    }
    const locked = row.lockedUntil !== null && row.lockedUntil > now;
    const full = row.attempts >= s.policy.limit && row.windowStart > cutoff;
    if (!locked && !full) continue; // the row changed between the update and the read: try again
    const until = locked ? (row.lockedUntil as Date) : new Date(row.windowStart.getTime() + s.policy.windowMs);
    throw new AppError('RATE_LIMITED', 'Too many attempts; wait and try again', { retryAfterSeconds: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)) });
  }
  throw new AppError('RETRYABLE_DB_CONFLICT');
}

/** Gives reservations back; a success also clears the lockout history. */
async function release(ctx: Ctx, subjects: AttemptSubject[], success: boolean): Promise<void> {
  if (!subjects.length) return;
  await ctx.db.transaction(async (tx) => {
    for (const s of subjects)
      await tx
        .createQueryBuilder()
        .update(AttemptCounter)
        .set(success ? { attempts: () => 'CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END', lockouts: 0 } : { attempts: () => 'CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END' })
        .where('scope = :scope AND subject = :subject', keyOf(ctx, s))
        .execute();
  });
}

/** After a counted failure: a subject now at its limit is locked (once per lockout: the update is conditional). */
async function lockIfFull(ctx: Ctx, subjects: AttemptSubject[]): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx: EntityManager) => {
    for (const s of subjects) {
      const k = keyOf(ctx, s);
      const row = await tx.getRepository(AttemptCounter).findOneBy(k);
      if (!row || row.attempts < s.policy.limit || (row.lockedUntil && row.lockedUntil > now)) continue;
      const lockMs = Math.min(s.policy.maxLockMs, s.policy.lockMs * 2 ** Math.min(row.lockouts, 16));
      const until = new Date(now.getTime() + lockMs);
      const locked = await tx
        .createQueryBuilder()
        .update(AttemptCounter)
        .set({ lockedUntil: until, lockouts: () => 'lockouts + 1', attempts: 0, windowStart: until })
        .where('scope = :scope AND subject = :subject AND attempts >= :limit AND (locked_until IS NULL OR locked_until <= :now)', { ...k, limit: s.policy.limit, now })
        .execute();
      if (locked.affected === 1)
        await emit(tx, 'attempt.locked_out', { scope: k.scope, subject: k.subject, label: s.label, lockouts: row.lockouts + 1, until: until.toISOString(), at: now.toISOString() }, now);
    }
  });
}
