import type { EntityManager } from 'typeorm';
import type { Ctx } from '../../context';
import { emit, emitAll, type PendingEvent } from '../../events/outbox';
import { AppError } from '../../lib/app-error';
import { Customer } from '../customer/customer.entity';
import { lockCustomer, postPoints, postPointsLocked, type LockedCustomer, type PointsEntry } from '../points/points.service';
import { orderCoupons } from './order-coupons';
import { pointsEarnedFor } from './price-cart';
import { newOutRefundNo } from './order-numbers';
import { transition } from './order-state';
import { Order } from './order.entity';
import { Refund } from './refund.entity';
import type { WechatTransaction } from './wechatpay/wechatpay.types';

export type SettleOutcome =
  | { kind: 'paid'; orderId: number; late: boolean }
  | { kind: 'already_paid'; orderId: number }
  | { kind: 'late_refunding'; orderId: number; refundId: number }
  | { kind: 'quarantined'; orderId: number | null; reason: string };

/**
 * Applies a successful WeChat Pay transaction (from a notification or a reconciliation query) inside the
 * caller's transaction. Idempotent: the order row is locked and moves created → paid by a guarded update,
 * so any repeat finds it paid with the same transaction id and changes nothing.
 *
 * What WeChat says must match the order exactly — appid, mchid, amount, currency, SUCCESS — otherwise the
 * payment is quarantined (no credit, an alert event) for a human. On payment: the coupon is redeemed,
 * points are earned (members; POINTS_PER_YUAN per yuan paid, idempotent by order), the customer's stats
 * move, and `order.paid` credits the store and the attributed clerk (and drives the purchase-derived
 * category-preference tags, recomputed after commit by the tag module).
 * A payment for an order that had closed re-instates its points and coupon when it can; when it cannot,
 * the order is recorded paid and a full refund is requested automatically — never silently ignored.
 */
export async function settlePayment(ctx: Ctx, tx: EntityManager, t: WechatTransaction, now: Date): Promise<SettleOutcome> {
  // One locking read takes the order and its customer (both rows are written below).
  const locked = await ctx.db
    .forUpdate(
      tx
        .getRepository(Order)
        .createQueryBuilder('o')
        .innerJoin(Customer, 'c', 'c.id = o.customer_id')
        .addSelect(['c.points_balance AS c_points_balance', 'c.member_since AS c_member_since'])
        .where('o.out_trade_no = :no', { no: t.out_trade_no }),
    )
    .getRawAndEntities();
  const order = locked.entities[0];
  if (!order) return { kind: 'quarantined', orderId: null, reason: 'unknown out_trade_no' };
  const raw = locked.raw[0] as { c_points_balance: number | string; c_member_since: Date | string | null };

  const mismatch = transactionMismatch(ctx, t, order);
  if (mismatch) return { kind: 'quarantined', orderId: order.id, reason: mismatch };

  if (order.status !== 'created' && order.status !== 'closed') {
    if (order.transactionId === t.transaction_id) return { kind: 'already_paid', orderId: order.id };
    return { kind: 'quarantined', orderId: order.id, reason: 'a second transaction for a paid order' };
  }

  const paidAt = t.success_time ? new Date(t.success_time) : now;
  const late = order.status === 'closed';
  const set = { transactionId: t.transaction_id, paidAt: Number.isNaN(paidAt.getTime()) ? now : paidAt, paidLate: late };

  if (late && !(await reinstate(ctx, tx, order, now))) {
    if (!(await transition(tx, order.id, ['closed'], 'paid', set))) throw new AppError('RETRYABLE_DB_CONFLICT');
    const refundId = await requestAutomaticRefund(ctx, tx, order, now);
    return { kind: 'late_refunding', orderId: order.id, refundId };
  }

  // After a re-instatement the balance moved: read it again (still under the lock).
  const customer: LockedCustomer = late
    ? await lockCustomer(ctx.db, tx, order.customerId)
    : { id: order.customerId, pointsBalance: Number(raw.c_points_balance), memberSince: raw.c_member_since === null ? null : new Date(raw.c_member_since) };
  const pointsEarned = pointsEarnedFor(ctx, customer.memberSince !== null, order.payableFen, order.pointsGiven);
  // Re-instated points are held by the order again: a later refund returns them (close had returned them).
  const held = late ? { pointsUsedReturned: 0 } : {};
  if (!(await transition(tx, order.id, [order.status], 'paid', { ...set, ...held, pointsEarned, inCustomerStats: true }))) throw new AppError('RETRYABLE_DB_CONFLICT');

  if (order.couponId) await orderCoupons().redeem(ctx, tx, { couponId: order.couponId, orderId: order.id, storeId: order.storeId, now });
  await bookPaidSale(ctx, tx, customer, order, { paidAt: set.paidAt, paidLate: late, pointsEarned }, now);
  return { kind: 'paid', orderId: order.id, late };
}

/** What the paid bookkeeping needs of the order. */
export type PaidSale = Pick<Order, 'id' | 'channel' | 'customerId' | 'storeId' | 'clerkId' | 'payableFen' | 'categoryTagIds'>;

/**
 * The bookkeeping of a sale becoming paid, one implementation for every channel: WeChat Pay settlement above and
 * the till (modules/sale commitSale, which records its sale paid at once). In the caller's transaction, with the
 * customer row locked by the caller (`lockCustomer`, or `prepareCart` with `lock`):
 *   - points spent by the sale (`pointsSpent`: the till's; a pre-order reserved its own at creation) as `order_spend`;
 *   - points earned (`pointsEarned`, from `pointsEarnedFor`: members only, given points included) as `purchase`;
 *   - the purchase statistics (order count, spend, last purchase), riding on the last points entry's UPDATE — so the
 *     customer row is written once per ledger entry, or once when no points move;
 *   - `order.paid` (with the channel) after `events` (the caller's, e.g. coupon.redeemed) and the points events,
 *     all in one outbox insert.
 */
export async function bookPaidSale(
  ctx: Ctx,
  tx: EntityManager,
  customer: LockedCustomer,
  sale: PaidSale,
  p: { paidAt: Date; paidLate: boolean; pointsEarned: number; pointsSpent?: number },
  now: Date,
  events: PendingEvent[] = [],
): Promise<void> {
  const stats = { lastPurchaseAt: p.paidAt, orderCount: () => 'order_count + 1', totalSpendFen: () => `total_spend_fen + ${sale.payableFen}` };
  const refId = String(sale.id);
  const entries: PointsEntry[] = [];
  if (p.pointsSpent) entries.push({ customerId: sale.customerId, delta: -p.pointsSpent, reason: 'order_spend', refType: 'order', refId });
  if (p.pointsEarned > 0) entries.push({ customerId: sale.customerId, delta: p.pointsEarned, reason: 'purchase', refType: 'order', refId });
  for (let i = 0; i < entries.length; i++) await postPointsLocked(ctx.db, tx, customer, entries[i], now, i === entries.length - 1 ? stats : {}, events);
  if (entries.length === 0) await tx.createQueryBuilder().update(Customer).set(stats).where('id = :id', { id: sale.customerId }).execute();
  const tagIds = sale.categoryTagIds ? sale.categoryTagIds.split(',').map(Number) : [];
  events.push({
    type: 'order.paid',
    payload: { orderId: sale.id, channel: sale.channel, customerId: sale.customerId, storeId: sale.storeId, clerkId: sale.clerkId, payableFen: sale.payableFen, pointsEarned: p.pointsEarned, paidLate: p.paidLate, categoryTagIds: tagIds, at: now.toISOString() },
  });
  await emitAll(tx, events, now);
}

/** Why WeChat's account of the payment does not match the order (quarantine), or null when it does. */
export function transactionMismatch(ctx: Ctx, t: WechatTransaction, order: Pick<Order, 'payableFen'>): string | null {
  const pay = ctx.pay as NonNullable<Ctx['pay']>;
  if (t.appid !== pay.appid) return 'appid mismatch';
  if (t.mchid !== pay.mchid) return 'mchid mismatch';
  if (t.trade_state !== 'SUCCESS') return `trade_state ${t.trade_state}`;
  if (t.amount?.currency !== 'CNY') return 'currency mismatch';
  if (t.amount?.total !== order.payableFen) return `amount ${t.amount?.total} != ${order.payableFen}`;
  if (!t.transaction_id) return 'no transaction_id';
  return null;
}

/** Takes the closed order's points and coupon again; false (nothing changed) when either is gone. */
async function reinstate(ctx: Ctx, tx: EntityManager, order: Order, now: Date): Promise<boolean> {
  if (order.pointsUsed > 0) {
    const c = await ctx.db.forUpdate(tx.getRepository(Customer).createQueryBuilder('c').select(['c.id', 'c.pointsBalance']).where('c.id = :id', { id: order.customerId })).getOneOrFail();
    if (c.pointsBalance < order.pointsUsed) return false;
  }
  if (order.couponId && !(await orderCoupons().relock(ctx, tx, { couponId: order.couponId, orderId: order.id, now }))) return false;
  if (order.pointsUsed > 0)
    await postPoints(ctx.db, tx, { customerId: order.customerId, delta: -order.pointsUsed, reason: 'order_reinstate', refType: 'order', refId: String(order.id) }, now);
  return true;
}

/** Full refund of a late payment that could not be re-instated; sent to WeChat after commit. */
async function requestAutomaticRefund(ctx: Ctx, tx: EntityManager, order: Order, now: Date): Promise<number> {
  const reserved = await tx
    .createQueryBuilder()
    .update(Order)
    .set({ refundPendingFen: () => `refund_pending_fen + ${order.payableFen}` })
    .where('id = :id AND refunded_fen + refund_pending_fen = 0', { id: order.id })
    .execute();
  if (reserved.affected !== 1) throw new AppError('RETRYABLE_DB_CONFLICT');
  const refundId = await ctx.db.insertReturningId(tx, Refund, { outRefundNo: newOutRefundNo(now), orderId: order.id, requestNo: 'auto-late-payment', amountFen: order.payableFen, reason: '订单已关闭后支付，自动退款', status: 'requested', requestedBy: null });
  await emit(tx, 'refund.requested', { refundId, orderId: order.id, automatic: true }, now);
  return refundId;
}
