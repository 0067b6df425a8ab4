import type { EntityManager } from 'typeorm';
import type { Ctx } from '../../context';
import type { Deferred } from '../../db/group-commit';
import { emitAll, type PendingEvent } from '../../events/outbox';
import { exec, inList, sqlTime, tuples } from '../../db/raw-sql';
import { AppError } from '../../lib/app-error';
import { orderCoupons } from './order-coupons';
import type { Order } from './order.entity';
import type { PayNotification } from './pay-notification.entity';
import { transactionMismatch } from './settlement';
import type { WechatTransaction } from './wechatpay/wechatpay.types';
import { pointsEarnedFor } from './price-cart';

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

  // Raw, bound SQL on this path (both dialects): query building and entity hydration were a fifth of the
  // request thread at peak, and every statement saved is a round trip per group.
  const lock = ctx.db.lockSuffix;
  const notifyIds = [...firstOf.values()].map((i) => items[i].record.notifyId);
  const known: { notify_id: string; resource: string }[] = await tx.query(`SELECT notify_id, resource FROM pay_notification WHERE notify_id IN ${inList(notifyIds)}`, notifyIds);
  const resourceOf = new Map(known.map((r) => [r.notify_id, r.resource]));
  for (const [no, i] of firstOf) {
    const prior = resourceOf.get(items[i].record.notifyId);
    if (prior === undefined) continue;
    // A known id: a redelivery when the content is the same; other content is the careful path's (quarantine).
    if (prior === items[i].record.resource) results[i] = { kind: 'done', outcome: 'duplicate' };
    firstOf.delete(no);
  }
  if (firstOf.size === 0) return results;

  const nos = [...firstOf.keys()].sort();
  const orders = ((await tx.query(
    `SELECT id, out_trade_no, customer_id, store_id, clerk_id, status, payable_fen, points_given, coupon_id, category_tag_ids FROM orders WHERE out_trade_no IN ${inList(nos)} ORDER BY out_trade_no${lock}`,
    nos,
  )) as OrderRow[]).map(orderOf);
  const plain: { i: number; order: GroupOrder; t: WechatTransaction; paidAt: Date }[] = [];
  for (const order of orders) {
    const i = firstOf.get(order.outTradeNo) as number;
    const t = items[i].t;
    if (order.status !== 'created' || transactionMismatch(ctx, t, order)) continue; // deferred: the careful path
    const paidAt = t.success_time ? new Date(t.success_time) : now;
    plain.push({ i, order, t, paidAt: Number.isNaN(paidAt.getTime()) ? now : paidAt });
  }
  if (plain.length === 0) return results;

  const customerIds = [...new Set(plain.map((p) => p.order.customerId))].sort((a, b) => a - b);
  const customers: { id: number; points_balance: number; member_since: unknown }[] = await tx.query(
    `SELECT id, points_balance, member_since FROM customer WHERE id IN ${inList(customerIds)} ORDER BY id${lock}`,
    customerIds,
  );
  if (customers.length !== customerIds.length) throw new AppError('RETRYABLE_DB_CONFLICT');
  const balance = new Map(
    customers.map((c) => {
      const b = Number(c.points_balance);
      return [Number(c.id), { expected: b, now: b, member: c.member_since !== null, orders: 0, spend: 0, last: null as Date | null }];
    }),
  );

  // Points per order, balances advanced per customer in group order (the ledger reads like one-by-one posting).
  const credits: { order: GroupOrder; points: number; balanceAfter: number }[] = [];
  const earned = new Map<number, number>();
  for (const p of plain) {
    const c = balance.get(p.order.customerId)!;
    const points = pointsEarnedFor(ctx, c.member, p.order.payableFen, p.order.pointsGiven);
    earned.set(p.order.id, points);
    c.orders += 1;
    c.spend += p.order.payableFen;
    if (!c.last || p.paidAt > c.last) c.last = p.paidAt;
    if (points > 0) {
      c.now += points;
      credits.push({ order: p.order, points, balanceAfter: c.now });
    }
  }

  const notes = plain.map((p) => items[p.i].record);
  await exec(
    tx,
    `INSERT INTO pay_notification (notify_id, kind, event_type, out_trade_no, out_refund_no, status, reason, serial, headers, body, resource) VALUES ${tuples(notes.length, 11)}`,
    notes.flatMap((r) => [r.notifyId, r.kind, r.eventType, r.outTradeNo, r.outRefundNo, r.status, r.reason, r.serial, r.headers, r.body, r.resource]),
  );

  const orderIds = plain.map((p) => p.order.id);
  const byOrder = (value: (p: (typeof plain)[number]) => unknown) => caseById(plain.map((p) => [p.order.id, value(p)]));
  const txIdCase = byOrder((p) => p.t.transaction_id);
  const paidAtCase = byOrder((p) => sqlTime(p.paidAt));
  const earnedCase = byOrder((p) => earned.get(p.order.id));
  // version + 1 and updated_at as TypeORM's versioned update does (readers compare versions).
  const paid = await exec(
    tx,
    `UPDATE orders SET status = 'paid', paid_late = 0, in_customer_stats = 1, transaction_id = ${txIdCase.sql}, paid_at = ${paidAtCase.sql}, points_earned = ${earnedCase.sql}, ` +
      `version = version + 1, updated_at = CURRENT_TIMESTAMP WHERE id IN ${inList(orderIds)} AND status = 'created'`,
    [...txIdCase.params, ...paidAtCase.params, ...earnedCase.params, ...orderIds],
  );
  if (paid !== plain.length) throw new AppError('RETRYABLE_DB_CONFLICT');

  for (const p of plain) if (p.order.couponId) await orderCoupons().redeem(ctx, tx, { couponId: p.order.couponId, orderId: p.order.id, storeId: p.order.storeId, now });

  const ledgerIds = new Map<number, number>();
  if (credits.length) {
    await exec(
      tx,
      `INSERT INTO points_ledger (customer_id, delta, reason, ref_type, ref_id, balance_after) VALUES ${tuples(credits.length, 6)}`,
      credits.flatMap((c) => [c.order.customerId, c.points, 'purchase', 'order', String(c.order.id), c.balanceAfter]),
    );
    const refs = credits.map((c) => String(c.order.id));
    const rows: { id: number; ref_id: string }[] = await tx.query(`SELECT id, ref_id FROM points_ledger WHERE reason = 'purchase' AND ref_type = 'order' AND ref_id IN ${inList(refs)}`, refs);
    for (const r of rows) ledgerIds.set(Number(r.ref_id), Number(r.id));
  }

  const cs = [...balance.entries()];
  const byCustomer = (value: (c: (typeof cs)[number][1]) => unknown) => caseById(cs.map(([id, c]) => [id, value(c)]));
  const balanceCase = byCustomer((c) => c.now);
  const ordersCase = byCustomer((c) => c.orders);
  const spendCase = byCustomer((c) => c.spend);
  const lastCase = byCustomer((c) => (c.last ? sqlTime(c.last) : null));
  const expectedCase = byCustomer((c) => c.expected);
  const ids = cs.map(([id]) => id);
  const moved = await exec(
    tx,
    `UPDATE customer SET points_balance = ${balanceCase.sql}, order_count = order_count + ${ordersCase.sql}, total_spend_fen = total_spend_fen + ${spendCase.sql}, ` +
      `last_purchase_at = ${lastCase.sql}, updated_at = CURRENT_TIMESTAMP WHERE id IN ${inList(ids)} AND points_balance = ${expectedCase.sql}`,
    [...balanceCase.params, ...ordersCase.params, ...spendCase.params, ...lastCase.params, ...ids, ...expectedCase.params],
  );
  if (moved !== cs.length) throw new AppError('RETRYABLE_DB_CONFLICT');

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
      payload: { orderId: o.id, channel: 'preorder', customerId: o.customerId, storeId: o.storeId, clerkId: o.clerkId, payableFen: o.payableFen, pointsEarned: earned.get(o.id) ?? 0, paidLate: false, categoryTagIds: tagIdsOf(o), at: now.toISOString() },
    });
    results[p.i] = { kind: 'done', outcome: 'paid' };
  }
  await emitAll(tx, events, now);
  return results;
}

/** The order columns a group reads (under its lock). */
type GroupOrder = Pick<Order, 'id' | 'outTradeNo' | 'customerId' | 'storeId' | 'clerkId' | 'status' | 'payableFen' | 'pointsGiven' | 'couponId' | 'categoryTagIds'>;
type OrderRow = { id: number; out_trade_no: string; customer_id: number; store_id: number; clerk_id: number | null; status: string; payable_fen: number; points_given: number; coupon_id: number | null; category_tag_ids: string | null };
const orderOf = (r: OrderRow): GroupOrder => ({
  id: Number(r.id),
  outTradeNo: r.out_trade_no,
  customerId: Number(r.customer_id),
  storeId: Number(r.store_id),
  clerkId: r.clerk_id === null ? null : Number(r.clerk_id),
  status: r.status as Order['status'],
  payableFen: Number(r.payable_fen),
  pointsGiven: Number(r.points_given),
  couponId: r.coupon_id === null ? null : Number(r.coupon_id),
  categoryTagIds: r.category_tag_ids ?? '',
});

export const tagIdsOf = (o: Pick<Order, 'categoryTagIds'>): number[] => (o.categoryTagIds ? o.categoryTagIds.split(',').map(Number) : []);

/** `CASE id WHEN ? THEN ? … END` with its values bound in order (never interpolated). */
function caseById(pairs: [number, unknown][]): { sql: string; params: unknown[] } {
  return { sql: `CASE id ${pairs.map(() => 'WHEN ? THEN ?').join(' ')} END`, params: pairs.flat() };
}
