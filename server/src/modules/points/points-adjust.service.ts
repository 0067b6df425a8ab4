import type { EntityManager } from 'typeorm';
import type { PointsAdjustmentView, PointsReason, TPointsAdjustmentBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { audit } from '../audit/audit';
import { AuditLog } from '../audit/audit-log.entity';
import { Customer } from '../customer/customer.entity';
import { PointsLedger } from './points-ledger.entity';
import { lockCustomer, postPointsLocked } from './points.service';

/** Ledger key of a manual adjustment: (adjustment, console, requestNo). */
export const ADJUSTMENT_REASON: PointsReason = 'adjustment';
export const ADJUSTMENT_REF_TYPE = 'console';
export const ADJUSTMENT_AUDIT_ACTION = 'points.adjust';

/** What the audit row of an adjustment records (the ledger has no room for the admin's reason). */
export interface AdjustmentAuditDetails {
  requestNo: string;
  delta: number;
  reason: string;
  balanceBefore: number;
  balanceAfter: number;
  ledgerId: number;
}

/**
 * Manual points adjustment by an admin (积分调整), one transaction:
 * lock the customer → look the requestNo up → check → `postPointsLocked` → audit row.
 *
 * Invariants:
 * - exactly once per requestNo: the ledger key (adjustment, console, requestNo) is unique. The same requestNo
 *   with the same customer, delta and reason answers the adjustment already made (same balanceAfter, ledger id
 *   and time), with anything else → 422 IDEMPOTENCY_KEY_REUSED. Concurrent repeats serialize on the customer
 *   lock (and, for another customer, on the unique key), so 20 parallel copies write one ledger row.
 * - the balance never goes below zero: the check runs under the customer's row lock → 409
 *   POINTS_ADJUSTMENT_INVALID (`details.balance`); so does a fan (no points account: `details.notMember`).
 * - the ledger row, the balance, the `points.changed` event and the audit row (actor, delta, reason, balance
 *   before and after) commit together or not at all.
 */
export async function adjustPoints(ctx: Ctx, actor: StaffActor, customerId: number, cmd: TPointsAdjustmentBody): Promise<PointsAdjustmentView> {
  const now = ctx.clock.now();
  const reason = cmd.reason.trim();
  return ctx.db.transaction(async (tx) => {
    const locked = await lockCustomer(ctx.db, tx, customerId);
    const prior = await ledgerRowOf(tx, cmd.requestNo);
    if (prior) return replay(tx, prior, customerId, cmd.delta, reason);
    if (locked.memberSince === null) throw new AppError('POINTS_ADJUSTMENT_INVALID', 'Only members have points', { notMember: true });
    const balanceBefore = locked.pointsBalance;
    if (balanceBefore + cmd.delta < 0) throw new AppError('POINTS_ADJUSTMENT_INVALID', 'The balance would go below zero', { balance: balanceBefore });

    const posted = await postPointsLocked(ctx.db, tx, locked, { customerId, delta: cmd.delta, reason: ADJUSTMENT_REASON, refType: ADJUSTMENT_REF_TYPE, refId: cmd.requestNo }, now);
    if (!posted.applied) {
      // The same requestNo committed meanwhile on another customer (a different lock, the same unique key).
      const raced = await ledgerRowOf(tx, cmd.requestNo);
      if (raced) return replay(tx, raced, customerId, cmd.delta, reason);
      throw new AppError('RETRYABLE_DB_CONFLICT');
    }
    const row = await tx.getRepository(PointsLedger).findOneByOrFail({ id: posted.ledgerId! });
    const { storeId } = await tx.getRepository(Customer).findOneOrFail({ where: { id: customerId }, select: { id: true, storeId: true } });
    const details: AdjustmentAuditDetails = { requestNo: cmd.requestNo, delta: cmd.delta, reason, balanceBefore, balanceAfter: row.balanceAfter, ledgerId: row.id };
    await audit(tx, actor, {
      action: ADJUSTMENT_AUDIT_ACTION,
      targetType: 'customer',
      targetId: customerId,
      storeId,
      summary: `积分调整 ${cmd.delta > 0 ? '+' : ''}${cmd.delta}，调整后 ${row.balanceAfter}：${reason}`,
      details,
    });
    return viewOf(row, reason);
  });
}

function ledgerRowOf(tx: EntityManager, requestNo: string): Promise<PointsLedger | null> {
  return tx.getRepository(PointsLedger).findOneBy({ reason: ADJUSTMENT_REASON, refType: ADJUSTMENT_REF_TYPE, refId: requestNo });
}

/** A requestNo already posted: the same answer for the same request, 422 for another one. */
async function replay(tx: EntityManager, row: PointsLedger, customerId: number, delta: number, reason: string): Promise<PointsAdjustmentView> {
  if (row.customerId !== customerId || row.delta !== delta) throw new AppError('IDEMPOTENCY_KEY_REUSED');
  const audits = await tx.getRepository(AuditLog).find({ where: { targetType: 'customer', targetId: String(customerId), action: ADJUSTMENT_AUDIT_ACTION }, select: { id: true, details: true } });
  const recorded = audits.map((a) => JSON.parse(a.details ?? 'null') as AdjustmentAuditDetails | null).find((d) => d?.requestNo === row.refId);
  // The audit row commits with the ledger row, so it is there; its reason is the rest of the request.
  if (!recorded || recorded.reason !== reason) throw new AppError('IDEMPOTENCY_KEY_REUSED');
  return viewOf(row, recorded.reason);
}

function viewOf(row: PointsLedger, reason: string): PointsAdjustmentView {
  return { requestNo: row.refId, customerId: row.customerId, delta: row.delta, reason, balanceAfter: row.balanceAfter, ledgerId: row.id, createdAt: row.createdAt.toISOString() };
}
