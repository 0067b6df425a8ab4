import { LessThan } from 'typeorm';
import type { Ctx } from '../../context';
import { emit } from '../../events/outbox';
import { AppError } from '../../lib/app-error';
import { startPeriodic } from '../../lib/periodic';
import { postPoints } from '../points/points.service';
import { orderCoupons } from './order-coupons';
import { transition } from './order-state';
import { Order } from './order.entity';
import { requirePay } from './order.service';
import { applyRefundOutcome, submitRefund } from './refund.service';
import { Refund } from './refund.entity';
import { settlePayment } from './settlement';
import { WechatPayError } from './wechatpay/wechatpay-errors';

export type ReconcileResult = 'paid' | 'closed' | 'pending' | 'quarantined' | 'unchanged';

/**
 * Closes an unpaid order in our books: created → closed, its reserved points given back (order_release)
 * and its coupon released, once (guarded transition). Only called once WeChat has confirmed the order
 * cannot be paid any more (closed there, or never known there and past its window).
 */
export async function closeOrderLocally(ctx: Ctx, orderId: number, reason: string): Promise<boolean> {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const order = await ctx.db.forUpdate(tx.getRepository(Order).createQueryBuilder('o').where('o.id = :orderId', { orderId })).getOneOrFail();
    if (!(await transition(tx, orderId, ['created'], 'closed', { closedAt: now, pointsUsedReturned: order.pointsUsed }))) return false;
    if (order.pointsUsed > 0)
      await postPoints(ctx.db, tx, { customerId: order.customerId, delta: order.pointsUsed, reason: 'order_release', refType: 'order', refId: String(orderId) }, now);
    if (order.couponId) await orderCoupons().release(ctx, tx, { couponId: order.couponId, orderId, now });
    await emit(tx, 'order.closed', { orderId, customerId: order.customerId, reason, at: now.toISOString() }, now);
    return true;
  });
}

/**
 * Brings one `created` order in line with WeChat Pay: paid there → settled exactly as a notification would;
 * unpaid and past its window → closed at WeChat first, then here (if WeChat says it was paid meanwhile,
 * the next query settles it); unknown there and past its window → closed here.
 */
export async function reconcileOrder(ctx: Ctx, orderId: number): Promise<ReconcileResult> {
  const pay = requirePay(ctx);
  const order = await ctx.db.read((em) => em.getRepository(Order).findOneByOrFail({ id: orderId }));
  if (order.status !== 'created') return 'unchanged';
  const now = ctx.clock.now();
  const t = await pay.queryOrder(order.outTradeNo);
  if (t?.trade_state === 'SUCCESS') {
    const outcome = await ctx.db.transaction(async (tx) => {
      const o = await settlePayment(ctx, tx, t, now);
      if (o.kind === 'quarantined') await emit(tx, 'payment.quarantined', { notificationId: null, outTradeNo: t.out_trade_no, reason: o.reason }, now);
      return o;
    });
    return outcome.kind === 'quarantined' ? 'quarantined' : 'paid';
  }
  const expired = now >= order.expiresAt;
  if (!t) return expired && (await closeOrderLocally(ctx, orderId, 'expired, unknown to WeChat Pay')) ? 'closed' : 'pending';
  if (t.trade_state === 'CLOSED') return (await closeOrderLocally(ctx, orderId, 'closed at WeChat Pay')) ? 'closed' : 'unchanged';
  if (!expired) return 'pending';
  if ((await pay.closeOrder(order.outTradeNo)) === 'paid') return 'pending';
  return (await closeOrderLocally(ctx, orderId, 'payment window passed')) ? 'closed' : 'unchanged';
}

export interface ReconcileReport {
  orders: Record<ReconcileResult | 'error', number>;
  refundsSubmitted: number;
  refundsQueried: number;
}

/**
 * One pass of the reconciliation job: orders still `created` after RECONCILE_AFTER_MINUTES are queried
 * and settled or closed; refunds left `requested` are sent again (same out_refund_no); refunds
 * `processing` for as long are queried. Safe to run in several processes: every step is idempotent.
 */
export async function reconcileOnce(ctx: Ctx, batch = 200): Promise<ReconcileReport> {
  requirePay(ctx);
  const now = ctx.clock.now();
  const cutoff = new Date(now.getTime() - ctx.config.reconcile.afterMinutes * 60_000);
  const report: ReconcileReport = { orders: { paid: 0, closed: 0, pending: 0, quarantined: 0, unchanged: 0, error: 0 }, refundsSubmitted: 0, refundsQueried: 0 };
  const orders = await ctx.db.read((em) =>
    em.getRepository(Order).find({ where: { status: 'created', createdAt: LessThan(cutoff) }, select: { id: true }, order: { id: 'ASC' }, take: batch }),
  );
  for (const { id } of orders) {
    try {
      report.orders[await reconcileOrder(ctx, id)]++;
    } catch (err) {
      report.orders.error++;
      logFailure(ctx, { orderId: id }, err);
    }
  }
  const refunds = await ctx.db.read((em) =>
    em.getRepository(Refund).find({ where: [{ status: 'requested', updatedAt: LessThan(new Date(now.getTime() - 30_000)) }, { status: 'processing', updatedAt: LessThan(cutoff) }], order: { id: 'ASC' }, take: batch }),
  );
  for (const r of refunds) {
    try {
      if (r.status === 'requested') {
        await submitRefund(ctx, r.id);
        report.refundsSubmitted++;
      } else {
        const answer = await requirePay(ctx).queryRefund(r.outRefundNo);
        if (answer) await ctx.db.transaction((tx) => applyRefundOutcome(ctx, tx, r.outRefundNo, answer.status ?? answer.refund_status ?? '', answer.refund_id, now));
        report.refundsQueried++;
      }
    } catch (err) {
      logFailure(ctx, { refundId: r.id }, err);
    }
  }
  return report;
}

function logFailure(ctx: Ctx, ids: object, err: unknown): void {
  if (err instanceof WechatPayError || err instanceof AppError) ctx.log.warn({ ...ids, err: err.message }, 'reconciliation step failed; retried next pass');
  else ctx.log.error({ ...ids, err }, 'reconciliation step failed');
}

/** The periodic job (every process; idempotent). */
export function startReconciler(ctx: Ctx, intervalMs: number): { stop(): Promise<void> } {
  return startPeriodic(ctx.log, 'reconciliation pass', intervalMs, async () => {
    const r = await reconcileOnce(ctx);
    const moved = r.orders.paid + r.orders.closed + r.orders.quarantined + r.refundsSubmitted + r.refundsQueried;
    if (moved) ctx.log.info(r, 'reconciliation pass');
  });
}
