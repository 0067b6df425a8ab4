import type { EntityManager } from 'typeorm';
import type { PointsLedgerItem, PointsReason, TPointsLedgerQuery, Page } from '@o2o/shared';
import type { Ctx } from '../../context';
import { isDuplicateKeyError, type Db } from '../../db/db';
import { AppError } from '../../lib/app-error';
import { decodeIdCursor, encodeIdCursor } from '../../lib/cursor';
import { emit, type PendingEvent } from '../../events/outbox';
import { Customer } from '../customer/customer.entity';
import { PointsLedger } from './points-ledger.entity';

export interface PointsEntry {
  customerId: number;
  delta: number;
  reason: PointsReason;
  refType: string;
  refId: string;
}

export interface PointsResult {
  applied: boolean;
  balance: number;
  ledgerId: number | null;
}

/** The customer row as points decisions need it, locked for the rest of the caller's transaction. */
export interface LockedCustomer {
  id: number;
  pointsBalance: number;
  memberSince: Date | null;
}

/** Locks the customer row (FOR UPDATE; SQLite serializes transactions) and reads its balance. */
export async function lockCustomer(db: Db, tx: EntityManager, customerId: number): Promise<LockedCustomer> {
  const c = await db
    .forUpdate(tx.getRepository(Customer).createQueryBuilder('c').select(['c.id', 'c.pointsBalance', 'c.memberSince']).where('c.id = :id', { id: customerId }))
    .getOne();
  if (!c) throw new AppError('NOT_FOUND', 'Customer not found');
  return { id: c.id, pointsBalance: c.pointsBalance, memberSince: c.memberSince };
}

/**
 * Posts one ledger entry inside the caller's transaction.
 *
 * Invariants: the balance never goes negative (POINTS_INSUFFICIENT, nothing written); the entry is applied
 * at most once per (reason, refType, refId) — a repeat returns `applied: false` and changes nothing;
 * `balanceAfter` equals the customer's balance right after the entry.
 * How: the customer row is locked, the ledger insert is guarded by its unique key, and the balance moves
 * by compare-and-set on the value read under the lock.
 */
export async function postPoints(db: Db, tx: EntityManager, entry: PointsEntry, now: Date): Promise<PointsResult> {
  return postPointsLocked(db, tx, await lockCustomer(db, tx, entry.customerId), entry, now);
}

/**
 * `postPoints` for a customer the caller has already locked with `lockCustomer` (one round trip less on
 * hot paths). `alsoSet` updates other customer columns in the same statement (e.g. purchase stats).
 * Updates `locked.pointsBalance`, so several entries can follow each other in one transaction.
 */
export async function postPointsLocked(
  db: Db,
  tx: EntityManager,
  locked: LockedCustomer,
  entry: PointsEntry,
  now: Date,
  alsoSet: Record<string, unknown> = {},
  /** Collects the `points.changed` event instead of writing it, for a caller that emits several at once. */
  events?: PendingEvent[],
): Promise<PointsResult> {
  if (!Number.isSafeInteger(entry.delta) || entry.delta === 0) throw new RangeError('points delta must be a non-zero integer');
  if (locked.id !== entry.customerId) throw new RangeError('entry is for another customer than the locked one');
  const balanceAfter = locked.pointsBalance + entry.delta;
  if (balanceAfter < 0) {
    // A retry of an entry already posted is a no-op, even when the balance could not cover it again.
    const already = await tx.getRepository(PointsLedger).exists({ where: { reason: entry.reason, refType: entry.refType, refId: entry.refId } });
    if (already) return { applied: false, balance: locked.pointsBalance, ledgerId: null };
    throw new AppError('POINTS_INSUFFICIENT');
  }
  let ledgerId: number;
  try {
    ledgerId = await db.insertReturningId(tx, PointsLedger, { ...entry, balanceAfter });
  } catch (err) {
    if (isDuplicateKeyError(err)) return { applied: false, balance: locked.pointsBalance, ledgerId: null };
    throw err;
  }
  const res = await tx
    .createQueryBuilder()
    .update(Customer)
    .set({ ...alsoSet, pointsBalance: balanceAfter })
    .where('id = :id AND points_balance = :expected', { id: entry.customerId, expected: locked.pointsBalance })
    .execute();
  // Under the row lock this cannot miss; if it ever does, abort rather than write a wrong balanceAfter.
  if (res.affected !== 1) throw new AppError('RETRYABLE_DB_CONFLICT');
  locked.pointsBalance = balanceAfter;
  const changed = { customerId: entry.customerId, delta: entry.delta, reason: entry.reason, balanceAfter, ledgerId };
  if (events) events.push({ type: 'points.changed', payload: changed });
  else await emit(tx, 'points.changed', changed, now);
  return { applied: true, balance: balanceAfter, ledgerId };
}

/** The customer's ledger, newest first, keyset-paginated by id (flat latency however deep). */
export async function listPointsLedger(ctx: Ctx, customerId: number, query: TPointsLedgerQuery): Promise<Page<PointsLedgerItem>> {
  const before = query.cursor ? decodeIdCursor('l', query.cursor) : null;
  const rows = await ctx.db.read((em) => {
    const qb = em
      .getRepository(PointsLedger)
      .createQueryBuilder('l')
      .where('l.customer_id = :customerId', { customerId })
      .orderBy('l.id', 'DESC')
      .limit(query.limit + 1);
    if (before !== null) qb.andWhere('l.id < :before', { before });
    return qb.getMany();
  });
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => ({ id: r.id, delta: r.delta, reason: r.reason, balanceAfter: r.balanceAfter, createdAt: r.createdAt.toISOString() })),
    nextCursor: rows.length > query.limit ? encodeIdCursor('l', page[page.length - 1].id) : null,
  };
}
