import type { EntityManager } from 'typeorm';
import { formatFen, type RefundView, type TCreateRefundBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import { emit } from '../../events/outbox';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { audit } from '../audit/audit';
import { Customer } from '../customer/customer.entity';
import { postPoints } from '../points/points.service';
import { orderCoupons } from './order-coupons';
import { newOutRefundNo } from './order-numbers';
import { transition } from './order-state';
import { Order } from './order.entity';
import { requirePay } from './order.service';
import { Refund } from './refund.entity';
import { refundPointsDue, reversalWithin } from './refund-points';
import { WechatPayError } from './wechatpay/wechatpay-errors';

export function refundView(r: Refund): RefundView {
  return {
    id: r.id,
    orderId: r.orderId,
    outRefundNo: r.outRefundNo,
    amountFen: r.amountFen,
    reason: r.reason,
    status: r.status,
    pointsReturned: r.pointsReturned,
    pointsReversed: r.pointsReversed,
    pointsUnrecovered: r.pointsUnrecovered,
    createdAt: r.createdAt.toISOString(),
    completedAt: r.completedAt ? r.completedAt.toISOString() : null,
  };
}

/**
 * Refunds (part of) a paid order; admins any order, store managers their store's.
 *
 * Idempotent by (order, requestNo): a retry returns the same refund; the same number with another amount
 * → IDEMPOTENCY_KEY_REUSED. The amount is reserved on the order by a conditional update
 * (refunded + pending + amount ≤ paid, also a DB CHECK), so concurrent requests can never over-refund.
 * The `outRefundNo` is fixed here; the WeChat request is sent after commit and retried with the same number.
 */
export async function requestRefund(ctx: Ctx, staff: StaffActor, orderId: number, body: TCreateRefundBody): Promise<RefundView> {
  requirePay(ctx);
  const now = ctx.clock.now();
  const refund = await ctx.db.transaction(async (tx) => {
    const order = await ctx.db.forUpdate(tx.getRepository(Order).createQueryBuilder('o').where('o.id = :orderId', { orderId })).getOne();
    if (!order || (staff.role === 'store_manager' && order.storeId !== staff.storeId)) throw new AppError('NOT_FOUND', 'Order not found');
    const existing = await tx.getRepository(Refund).findOneBy({ orderId, requestNo: body.requestNo });
    if (existing) {
      if (existing.amountFen !== body.amountFen) throw new AppError('IDEMPOTENCY_KEY_REUSED');
      return { refund: existing, isNew: false };
    }
    if (order.status !== 'paid' && order.status !== 'partially_refunded') throw new AppError('ORDER_NOT_REFUNDABLE');
    // WeChat Pay never saw an in-store sale: its money goes back at the till (POST …/sales/:receiptNo/returns).
    if (order.channel !== 'preorder') throw new AppError('ORDER_NOT_REFUNDABLE', 'In-store sales are returned at the till, by receipt');
    const reserved = await tx
      .createQueryBuilder()
      .update(Order)
      .set({ refundPendingFen: () => `refund_pending_fen + ${body.amountFen}` })
      .where('id = :orderId AND status IN (:...s) AND refunded_fen + refund_pending_fen + :amount <= payable_fen', { orderId, s: ['paid', 'partially_refunded'], amount: body.amountFen })
      .execute();
    if (reserved.affected !== 1) throw new AppError('REFUND_EXCEEDS_PAID', undefined, { refundableFen: order.payableFen - order.refundedFen - order.refundPendingFen });
    const refundId = await ctx.db.insertReturningId(tx, Refund, { outRefundNo: newOutRefundNo(now), orderId, requestNo: body.requestNo, amountFen: body.amountFen, reason: body.reason, status: 'requested', requestedBy: staff.staffId });
    await audit(tx, staff, { action: 'refund.request', targetType: 'order', targetId: orderId, storeId: order.storeId, summary: `申请退款 ¥${formatFen(body.amountFen)}（订单 ${order.outTradeNo}）`, details: { refundId, amountFen: body.amountFen, reason: body.reason, requestNo: body.requestNo } });
    return { refund: await tx.getRepository(Refund).findOneByOrFail({ id: refundId }), isNew: true };
  });
  if (refund.refund.status !== 'requested') return refundView(refund.refund);
  return refundView(await submitRefund(ctx, refund.refund.id));
}

/**
 * Sends a `requested` refund to WeChat Pay with its fixed out_refund_no (safe to repeat: WeChat refunds a
 * number once). Accepted → processing (or applied at once if WeChat already reports SUCCESS/CLOSED);
 * a definitive refusal → failed and the reservation released; a network/5xx failure leaves it requested
 * for the reconciler to retry.
 */
export async function submitRefund(ctx: Ctx, refundId: number): Promise<Refund> {
  const pay = requirePay(ctx);
  const { refund, order } = await ctx.db.read(async (em) => {
    const refund = await em.getRepository(Refund).findOneByOrFail({ id: refundId });
    return { refund, order: await em.getRepository(Order).findOneByOrFail({ id: refund.orderId }) };
  });
  if (refund.status !== 'requested') return refund;
  const now = ctx.clock.now();
  try {
    const answer = await pay.refund({
      outTradeNo: order.outTradeNo,
      outRefundNo: refund.outRefundNo,
      reason: refund.reason,
      notifyUrl: `${ctx.config.publicBaseUrl}/notify/wechat-pay/refund`,
      refundFen: refund.amountFen,
      totalFen: order.payableFen,
    });
    await ctx.db.transaction((tx) => applyRefundOutcome(ctx, tx, refund.outRefundNo, answer.status ?? 'PROCESSING', answer.refund_id, now));
  } catch (err) {
    if (!(err instanceof WechatPayError)) throw err;
    ctx.log.warn({ refundId, code: err.code, status: err.status }, 'refund request to WeChat Pay failed');
    await ctx.db.transaction(async (tx) => {
      await tx.createQueryBuilder().update(Refund).set({ attempts: () => 'attempts + 1', lastError: err.message.slice(0, 200) }).where('id = :refundId', { refundId }).execute();
      if (!err.retryable) await failRefund(tx, refund.outRefundNo, 'failed', err.code, now);
    });
  }
  return ctx.db.read((em) => em.getRepository(Refund).findOneByOrFail({ id: refundId }));
}

export type RefundOutcome = 'applied' | 'unchanged' | 'unknown';

/**
 * Applies what WeChat says about a refund (notification, apply answer or query), in the caller's transaction.
 * Locks order then refund (always that order: no deadlock with payment settlement). Each final state is
 * reached by a guarded update, so duplicates and out-of-order notifications change nothing twice.
 */
export async function applyRefundOutcome(ctx: Ctx, tx: EntityManager, outRefundNo: string, status: string, wechatRefundId: string | undefined, now: Date): Promise<RefundOutcome> {
  const peek = await tx.getRepository(Refund).findOne({ where: { outRefundNo }, select: { id: true, orderId: true } });
  if (!peek) return 'unknown';
  const order = await ctx.db.forUpdate(tx.getRepository(Order).createQueryBuilder('o').where('o.id = :id', { id: peek.orderId })).getOneOrFail();
  const refund = await ctx.db.forUpdate(tx.getRepository(Refund).createQueryBuilder('r').where('r.id = :id', { id: peek.id })).getOneOrFail();
  const ref = wechatRefundId ? { wechatRefundId } : {};

  if (status === 'PROCESSING') {
    const res = await tx.createQueryBuilder().update(Refund).set({ status: 'processing', ...ref }).where('id = :id AND status = :s', { id: refund.id, s: 'requested' }).execute();
    return res.affected ? 'applied' : 'unchanged';
  }
  if (status === 'ABNORMAL') {
    // Not final at WeChat (e.g. the card was closed): an operator must act; the amount stays reserved.
    const res = await tx.createQueryBuilder().update(Refund).set({ status: 'abnormal', ...ref }).where('id = :id AND status IN (:...s)', { id: refund.id, s: ['requested', 'processing'] }).execute();
    if (res.affected) await emit(tx, 'refund.failed', { refundId: refund.id, orderId: order.id, status: 'abnormal', reason: 'REFUND.ABNORMAL' }, now);
    return res.affected ? 'applied' : 'unchanged';
  }
  if (status === 'CLOSED') return (await failRefund(tx, outRefundNo, 'closed', 'REFUND.CLOSED', now)) ? 'applied' : 'unchanged';
  if (status !== 'SUCCESS') return 'unchanged';

  const done = await tx
    .createQueryBuilder()
    .update(Refund)
    .set({ status: 'success', completedAt: now, ...ref })
    .where('id = :id AND status IN (:...s)', { id: refund.id, s: ['requested', 'processing', 'abnormal'] })
    .execute();
  if (done.affected !== 1) return 'unchanged';

  await completeRefund(ctx, tx, order, refund, now);
  return 'applied';
}

export interface RefundCompletion {
  full: boolean;
  pointsReturned: number;
  pointsReversed: number;
  pointsUnrecovered: number;
  /** Where a full refund sent the order's coupon back to (null: no coupon, a partial refund, or released before). */
  couponBack: 'issued' | 'expired' | null;
}

/**
 * Everything a successful refund does, once — the caller has decided it happens now (WeChat's SUCCESS by the guarded
 * status update above; a till return by inserting its refund row, UNIQUE(order, requestNo), in modules/sale). The
 * order moves to partially_refunded or refunded and its reservation becomes refunded; points spent are returned and
 * points earned (given points included) reversed, cumulatively and never below a zero balance (the shortfall
 * recorded and announced); purchase statistics go down; a full refund gives the coupon back (if still valid);
 * `order.refunded`. `order` is the row as locked by the caller, its refundPendingFen including this refund's amount.
 */
export async function completeRefund(ctx: Ctx, tx: EntityManager, order: Order, refund: Pick<Refund, 'id' | 'amountFen'>, now: Date): Promise<RefundCompletion> {
  const refundedFen = order.refundedFen + refund.amountFen;
  const full = refundedFen === order.payableFen;
  if (!(await transition(tx, order.id, ['paid', 'partially_refunded'], full ? 'refunded' : 'partially_refunded', {
    refundedFen,
    refundPendingFen: order.refundPendingFen - refund.amountFen,
  })))
    throw new AppError('RETRYABLE_DB_CONFLICT');

  const points = await settleRefundPoints(ctx, tx, order, refund, refundedFen, now);
  await tx.createQueryBuilder().update(Refund).set(points).where('id = :id', { id: refund.id }).execute();
  // Spend statistics are net of refunds; a fully refunded order no longer counts as a purchase.
  if (order.inCustomerStats)
    await tx
      .createQueryBuilder()
      .update(Customer)
      .set({ totalSpendFen: () => `total_spend_fen - ${refund.amountFen}`, ...(full ? { orderCount: () => 'order_count - 1' } : {}) })
      .where('id = :id', { id: order.customerId })
      .execute();
  const couponBack = full && order.couponId ? await orderCoupons().release(ctx, tx, { couponId: order.couponId, orderId: order.id, now }) : null;
  await emit(tx, 'order.refunded', { orderId: order.id, refundId: refund.id, customerId: order.customerId, storeId: order.storeId, clerkId: order.clerkId, amountFen: refund.amountFen, full, at: now.toISOString() }, now);
  return { full, ...points, couponBack };
}

/**
 * Points of a successful refund, computed cumulatively on the order so that the sum over all refunds is
 * exact whatever their order: after refunding R of P fen, floor(used·R/P) spent points have been returned
 * and floor(earned·R/P) earned points reversed (all of both once R = P). Spent points are returned first;
 * the reversal then stops at a zero balance and the shortfall is recorded, never a negative balance.
 */
async function settleRefundPoints(ctx: Ctx, tx: EntityManager, order: Order, refund: Pick<Refund, 'id'>, refundedFen: number, now: Date) {
  const { toReturn, toReverse } = refundPointsDue(order, refundedFen);
  const refId = String(refund.id);
  let balance: number | null = null;
  if (toReturn > 0) balance = (await postPoints(ctx.db, tx, { customerId: order.customerId, delta: toReturn, reason: 'refund_return', refType: 'refund', refId }, now)).balance;
  let reversed = 0;
  if (toReverse > 0) {
    if (balance === null) {
      const c = await ctx.db.forUpdate(tx.getRepository(Customer).createQueryBuilder('c').select(['c.id', 'c.pointsBalance']).where('c.id = :id', { id: order.customerId })).getOneOrFail();
      balance = c.pointsBalance;
    }
    reversed = reversalWithin(toReverse, balance).reversed;
    if (reversed > 0) await postPoints(ctx.db, tx, { customerId: order.customerId, delta: -reversed, reason: 'refund_reversal', refType: 'refund', refId }, now);
  }
  const unrecovered = toReverse - reversed;
  if (unrecovered > 0) await emit(tx, 'points.unrecovered', { customerId: order.customerId, orderId: order.id, refundId: refund.id, points: unrecovered }, now);
  await tx
    .createQueryBuilder()
    .update(Order)
    .set({ pointsUsedReturned: () => `points_used_returned + ${toReturn}`, pointsEarnedReversed: () => `points_earned_reversed + ${toReverse}` })
    .where('id = :id', { id: order.id })
    .execute();
  return { pointsReturned: toReturn, pointsReversed: reversed, pointsUnrecovered: unrecovered };
}

/** A refund that will not happen (refused or closed): final state and the reserved amount released, once. */
async function failRefund(tx: EntityManager, outRefundNo: string, status: 'failed' | 'closed', reason: string, now: Date): Promise<boolean> {
  const refund = await tx.getRepository(Refund).findOneByOrFail({ outRefundNo });
  const res = await tx
    .createQueryBuilder()
    .update(Refund)
    .set({ status, completedAt: now })
    .where('id = :id AND status IN (:...s)', { id: refund.id, s: ['requested', 'processing', 'abnormal'] })
    .execute();
  if (res.affected !== 1) return false;
  await tx
    .createQueryBuilder()
    .update(Order)
    .set({ refundPendingFen: () => `refund_pending_fen - ${refund.amountFen}` })
    .where('id = :id', { id: refund.orderId })
    .execute();
  await emit(tx, 'refund.failed', { refundId: refund.id, orderId: refund.orderId, status, reason }, now);
  return true;
}

export async function listRefunds(ctx: Ctx, orderId: number): Promise<RefundView[]> {
  const rows = await ctx.db.read((em) => em.getRepository(Refund).find({ where: { orderId }, order: { id: 'ASC' } }));
  return rows.map(refundView);
}
