import type { EntityManager } from 'typeorm';
import type { Ctx } from '../../context';
import type { Deferred } from '../../db/group-commit';
import { emitAll, type PendingEvent } from '../../events/outbox';
import { AppError } from '../../lib/app-error';
import { Customer } from '../customer/customer.entity';
import { PointsLedger } from '../points/points-ledger.entity';
import { orderCoupons } from './order-coupons';
import { Order } from './order.entity';
import { PayNotification } from './pay-notification.entity';
import { transactionMismatch } from './settlement';
import type { WechatTransaction } from './wechatpay/wechatpay.types';

/** The pay_notification row a verified, decrypted notification becomes. */
export type NotificationRecord = Pick<PayNotification, 'notifyId' | 'kind' | 'eventType' | 'outTradeNo' | 'outRefundNo' | 'status' | 'reason' | 'serial' | 'headers' | 'body' | 'resource'>;

export interface GroupItem {
  record: NotificationRecord;
  t: WechatTransaction;
}

/** `done`: settled (or a duplicate) inside the group's transaction. `defer`: take the one-by-one path. */
export type GroupResult = { kind: 'done'; outcome: 'paid' | 'duplicate' } | Deferred;

/**
 * Settles a group of TRANSACTION.SUCCESS notifications in ONE transaction with a fixed number of statements
 * (group commit): the hot path at peak is many distinct orders paid at once, and per-statement round trips
 * and per-transaction commits were most of its cost.
 *
 * Only the plain case is done here: a known order, still `created`, whose appid/mchid/amount/currency/state
 * match, one notification per order in the group. Everything else — duplicates of the same order, late
 * payments, quarantines, a repeat of an already-paid order — is returned as `defer` and goes through
 * `settlePayment` one by one, so the rare paths keep one implementation.
 *
 * Invariants (the same as `settlePayment`): orders and their customers are locked before any write (orders
 * by out_trade_no, then customers in id order, so two groups never lock in opposite orders); each order moves
 * created → paid by one guarded UPDATE whose affected-row count must equal the group size; each points credit
 * is a ledger row unique by (purchase, order) with `balanceAfter` computed per customer in order; each
 * customer's balance moves by compare-and-set against the value read under the lock. Any surprise throws,
 * the whole group rolls back, and the caller retries every member one by one.
 */
export async function settleGroup(ctx: Ctx, tx: EntityManager, items: readonly GroupItem[], now: Date): Promise<GroupResult[]> {
  const results: GroupResult[] = items.map(() => ({ kind: 'defer' }));
  const seenNotify = new Set<string>();
  const firstOf = new Map<string, number>(); // out_trade_no → item index
  items.forEach((it, i) => {
    if (seenNotify.has(it.record.notifyId) || firstOf.has(it.t.out_trade_no)) return; // later copies: one by one
    seenNotify.add(it.record.notifyId);
    firstOf.set(it.t.out_trade_no, i);
  });
  if (firstOf.size === 0) return results;

  const known = await tx
    .getRepository(PayNotification)
    .createQueryBuilder('n')
    .select('n.notifyId', 'notifyId')
    .where('n.notifyId IN (:...ids)', { ids: [...firstOf.values()].map((i) => items[i].record.notifyId) })
    .getRawMany<{ notifyId: string }>();
  const duplicates = new Set(known.map((r) => r.notifyId));
  for (const [no, i] of firstOf) {
    if (!duplicates.has(items[i].record.notifyId)) continue;
    results[i] = { kind: 'done', outcome: 'duplicate' };
    firstOf.delete(no);
  }
  if (firstOf.size === 0) return results;

  const orders = await ctx.db
    .forUpdate(tx.getRepository(Order).createQueryBuilder('o').where('o.outTradeNo IN (:...nos)', { nos: [...firstOf.keys()] }).orderBy('o.outTradeNo'))
    .getMany();
  const plain: { i: number; order: Order; t: WechatTransaction; paidAt: Date }[] = [];
  for (const order of orders) {
    const i = firstOf.get(order.outTradeNo) as number;
    const t = items[i].t;
    if (order.status !== 'created' || transactionMismatch(ctx, t, order)) continue; // deferred: the careful path
    const paidAt = t.success_time ? new Date(t.success_time) : now;
    plain.push({ i, order, t, paidAt: Number.isNaN(paidAt.getTime()) ? now : paidAt });
  }
  if (plain.length === 0) return results;

  const customerIds = [...new Set(plain.map((p) => p.order.customerId))].sort((a, b) => a - b);
  const customers = await ctx.db
    .forUpdate(tx.getRepository(Customer).createQueryBuilder('c').select(['c.id', 'c.pointsBalance', 'c.memberSince']).where('c.id IN (:...ids)', { ids: customerIds }).orderBy('c.id'))
    .getMany();
  if (customers.length !== customerIds.length) throw new AppError('RETRYABLE_DB_CONFLICT');
  const balance = new Map(customers.map((c) => [c.id, { expected: c.pointsBalance, now: c.pointsBalance, member: c.memberSince !== null, orders: 0, spend: 0, last: null as Date | null }]));

  // Points per order, balances advanced per customer in group order (the ledger reads like one-by-one posting).
  const credits: { order: Order; points: number; balanceAfter: number }[] = [];
  const earned = new Map<number, number>();
  for (const p of plain) {
    const c = balance.get(p.order.customerId)!;
    const points = c.member ? Math.floor((p.order.payableFen * ctx.config.rules.pointsPerYuan) / 100) : 0;
    earned.set(p.order.id, points);
    c.orders += 1;
    c.spend += p.order.payableFen;
    if (!c.last || p.paidAt > c.last) c.last = p.paidAt;
    if (points > 0) {
      c.now += points;
      credits.push({ order: p.order, points, balanceAfter: c.now });
    }
  }

  await tx
    .createQueryBuilder()
    .insert()
    .into(PayNotification)
    .values(plain.map((p) => items[p.i].record))
    .updateEntity(false)
    .execute();

  // CASE expressions are built (and their parameters bound) before the query builder reads them.
  const params: Record<string, unknown> = {};
  const orderCase = (col: string, value: (p: (typeof plain)[number]) => unknown) => caseById('id', plain.map((p) => [p.order.id, value(p)]), params, col);
  const txIdCase = orderCase('tx', (p) => p.t.transaction_id);
  const paidAtCase = orderCase('at', (p) => p.paidAt);
  const earnedCase = orderCase('pe', (p) => earned.get(p.order.id));
  const paid = await tx
    .createQueryBuilder()
    .update(Order)
    .set({ status: 'paid', paidLate: false, inCustomerStats: true, transactionId: () => txIdCase, paidAt: () => paidAtCase, pointsEarned: () => earnedCase } as never)
    .where('id IN (:...orderIds) AND status = :created', { orderIds: plain.map((p) => p.order.id), created: 'created' })
    .setParameters(params)
    .execute();
  if (paid.affected !== plain.length) throw new AppError('RETRYABLE_DB_CONFLICT');

  for (const p of plain) if (p.order.couponId) await orderCoupons().redeem(ctx, tx, { couponId: p.order.couponId, orderId: p.order.id, storeId: p.order.storeId, now });

  const ledgerIds = new Map<number, number>();
  if (credits.length) {
    await tx
      .createQueryBuilder()
      .insert()
      .into(PointsLedger)
      .values(credits.map((c) => ({ customerId: c.order.customerId, delta: c.points, reason: 'purchase' as const, refType: 'order', refId: String(c.order.id), balanceAfter: c.balanceAfter })))
      .updateEntity(false)
      .execute();
    const rows = await tx
      .getRepository(PointsLedger)
      .createQueryBuilder('l')
      .select(['l.id', 'l.refId'])
      .where('l.reason = :r AND l.refType = :t AND l.refId IN (:...refs)', { r: 'purchase', t: 'order', refs: credits.map((c) => String(c.order.id)) })
      .getMany();
    for (const r of rows) ledgerIds.set(Number(r.refId), r.id);
  }

  const cs = [...balance.entries()];
  const cp: Record<string, unknown> = {};
  const custCase = (col: string, value: (c: (typeof cs)[number][1]) => unknown) => caseById('id', cs.map(([id, c]) => [id, value(c)]), cp, col);
  const balanceCase = custCase('pb', (c) => c.now);
  const ordersCase = custCase('oc', (c) => c.orders);
  const spendCase = custCase('ts', (c) => c.spend);
  const lastCase = custCase('lp', (c) => c.last);
  const expectedCase = custCase('ex', (c) => c.expected);
  const moved = await tx
    .createQueryBuilder()
    .update(Customer)
    .set({ pointsBalance: () => balanceCase, orderCount: () => `order_count + ${ordersCase}`, totalSpendFen: () => `total_spend_fen + ${spendCase}`, lastPurchaseAt: () => lastCase })
    .where(`id IN (:...customerIds) AND points_balance = ${expectedCase}`, { customerIds: cs.map(([id]) => id) })
    .setParameters(cp)
    .execute();
  if (moved.affected !== cs.length) throw new AppError('RETRYABLE_DB_CONFLICT');

  const events: PendingEvent[] = [];
  for (const c of credits) {
    const ledgerId = ledgerIds.get(c.order.id);
    if (!ledgerId) throw new AppError('RETRYABLE_DB_CONFLICT');
    events.push({ type: 'points.changed', payload: { customerId: c.order.customerId, delta: c.points, reason: 'purchase', balanceAfter: c.balanceAfter, ledgerId } });
  }
  for (const p of plain) {
    const o = p.order;
    events.push({
      type: 'order.paid',
      payload: { orderId: o.id, customerId: o.customerId, storeId: o.storeId, clerkId: o.clerkId, payableFen: o.payableFen, pointsEarned: earned.get(o.id) ?? 0, paidLate: false, categoryTagIds: tagIdsOf(o), at: now.toISOString() },
    });
    results[p.i] = { kind: 'done', outcome: 'paid' };
  }
  await emitAll(tx, events, now);
  return results;
}

export const tagIdsOf = (o: Order): number[] => (o.categoryTagIds ? o.categoryTagIds.split(',').map(Number) : []);

/** `CASE <key> WHEN :k0 THEN :v0 … END` with its values bound as parameters (never interpolated). */
function caseById(key: string, pairs: [number, unknown][], params: Record<string, unknown>, prefix: string): string {
  const whens = pairs.map(([id, value], i) => {
    params[`${prefix}k${i}`] = id;
    params[`${prefix}v${i}`] = value;
    return `WHEN :${prefix}k${i} THEN :${prefix}v${i}`;
  });
  return `CASE ${key} ${whens.join(' ')} END`;
}
