import crypto from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { SaleReturnView, TSaleReturnBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import { exec, inList } from '../../db/raw-sql';
import { AppError } from '../../lib/app-error';
import { Coupon } from '../coupon/coupon.entity';
import { newOutRefundNo } from '../payment/order-numbers';
import { OrderItem } from '../payment/order-item.entity';
import { Order } from '../payment/order.entity';
import { RefundLine } from '../payment/refund-line.entity';
import { Refund } from '../payment/refund.entity';
import { completeRefund } from '../payment/refund.service';
import { saleKeyOf, type SaleActor } from './sale-actor';
import { loadSale } from './sale-view';

/**
 * A till return (退货) of a sale rung up under this actor's key space (the terminal's receipts, or the store's
 * clerk-cashier receipts); any other receipt is SALE_NOT_FOUND. `lines` omitted: everything not yet returned.
 *
 * Idempotent by (sale, returnNo): the refund row's UNIQUE(order, requestNo) with the request's hash, so a retry returns
 * the same return and the same returnNo with other lines is IDEMPOTENCY_KEY_REUSED. One transaction, the order row
 * locked first (returns of one sale take turns; every write below happens under that lock):
 *   1. per line a conditional update `returned_quantity + q <= quantity` (all lines in one statement, every row must
 *      move), else RETURN_EXCEEDS_SOLD and nothing changed;
 *   2. the cash given back per line, cumulative so that returns in any pieces add up exactly:
 *        after n of Q units are returned, floor(paidFen × n / Q) has been given back, and all of paidFen at n = Q;
 *      a return of units before → after gives the difference (the last unit takes the rounding remainder);
 *   3. the amount reserved on the order (refunded + pending + amount ≤ payable), the refund (`via: 'till'`: the till
 *      hands the cash back, so it is recorded already successful) and its lines inserted;
 *   4. `completeRefund` — the one success path WeChat refunds use too: spent points returned and earned points (given
 *      points included) reversed in proportion, never below a zero balance (shortfall recorded + points.unrecovered),
 *      purchase statistics, `order.refunded`, and the coupon rule below.
 *
 * Coupon rule (ARCHITECTURE "Till returns"): a partial return keeps the coupon redeemed. Its discount is already spread
 * over the lines' paidFen, so the customer gets back exactly what they paid for the returned units — as WeChat Pay
 * does for a partial refund of an order paid with a 代金券 — even when what is kept no longer reaches the coupon's
 * threshold. The return that completes the sale (everything returned, refunded = payable) gives the coupon back to the
 * wallet if it is still valid (→ expired otherwise), through the same release as a full WeChat refund.
 */
export async function returnSale(ctx: Ctx, actor: SaleActor, receiptNo: string, body: TSaleReturnBody): Promise<SaleReturnView> {
  const now = ctx.clock.now();
  const saleKey = saleKeyOf(actor, receiptNo);
  const requestHash = returnRequestHash(body);
  const done = await ctx.db.transaction((tx) => returnTx(ctx, tx, actor, saleKey, body, requestHash, now));
  return ctx.db.read((em) => returnView(ctx, em, body.returnNo, done));
}

interface ReturnDone {
  orderId: number;
  refundId: number;
  /** Known when this call made the return; null for a retry (derived from the coupon's state). */
  couponReturned: boolean | null;
}

async function returnTx(ctx: Ctx, tx: EntityManager, actor: SaleActor, saleKey: string, body: TSaleReturnBody, requestHash: string, now: Date): Promise<ReturnDone> {
  const order = await ctx.db.forUpdate(tx.getRepository(Order).createQueryBuilder('o').where('o.sale_key = :saleKey', { saleKey })).getOne();
  if (!order) throw new AppError('SALE_NOT_FOUND');
  const prior = await tx.getRepository(Refund).findOne({ where: { orderId: order.id, requestNo: body.returnNo }, select: { id: true, via: true, requestHash: true } });
  if (prior) {
    if (prior.via !== 'till' || prior.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
    return { orderId: order.id, refundId: prior.id, couponReturned: null };
  }
  if (order.status !== 'paid' && order.status !== 'partially_refunded') throw new AppError('SALE_NOT_RETURNABLE', undefined, { status: order.status });

  const items = await tx.getRepository(OrderItem).find({ where: { orderId: order.id }, order: { id: 'ASC' } });
  const wanted = body.lines ?? items.filter((i) => i.returnedQuantity < i.quantity).map((i) => ({ sku: i.sku, quantity: i.quantity - i.returnedQuantity }));
  if (wanted.length === 0) throw new AppError('SALE_NOT_RETURNABLE', 'Everything was returned already');
  const bySku = new Map(items.map((i) => [i.sku, i]));
  const lines = wanted.map((w) => {
    const item = bySku.get(w.sku);
    const before = item?.returnedQuantity ?? 0;
    if (!item || before + w.quantity > item.quantity) throw new AppError('RETURN_EXCEEDS_SOLD', undefined, { sku: w.sku, returnable: item ? item.quantity - before : 0 });
    return { item, quantity: w.quantity, amountFen: givenBackAfter(item, before + w.quantity) - givenBackAfter(item, before) };
  });

  // The guard itself (the check above only names the line): every row must move, or nothing does.
  const qty = caseById(lines.map((l) => [l.item.id, l.quantity]));
  const ids = lines.map((l) => l.item.id);
  const moved = await exec(
    tx,
    `UPDATE order_item SET returned_quantity = returned_quantity + ${qty.sql} WHERE id IN ${inList(ids)} AND returned_quantity + ${qty.sql} <= quantity`,
    [...qty.params, ...ids, ...qty.params],
  );
  if (moved !== lines.length) throw new AppError('RETURN_EXCEEDS_SOLD');

  const amountFen = lines.reduce((s, l) => s + l.amountFen, 0);
  const reserved = await tx
    .createQueryBuilder()
    .update(Order)
    .set({ refundPendingFen: () => `refund_pending_fen + ${amountFen}` })
    .where('id = :id AND status IN (:...s) AND refunded_fen + refund_pending_fen + :amountFen <= payable_fen', { id: order.id, s: ['paid', 'partially_refunded'], amountFen })
    .execute();
  // Only a refund outside the till (the console) could have taken this money already.
  if (reserved.affected !== 1) throw new AppError('SALE_NOT_RETURNABLE', 'The sale was refunded otherwise', { refundableFen: order.payableFen - order.refundedFen - order.refundPendingFen });

  const refundId = await ctx.db.insertReturningId(tx, Refund, {
    outRefundNo: newOutRefundNo(now),
    orderId: order.id,
    requestNo: body.returnNo,
    amountFen,
    reason: body.reason ?? '门店退货',
    status: 'success',
    via: 'till',
    requestHash,
    requestedBy: actor.staffId,
    completedAt: now,
  });
  await tx
    .createQueryBuilder()
    .insert()
    .into(RefundLine)
    .values(lines.map((l) => ({ refundId, orderItemId: l.item.id, quantity: l.quantity, amountFen: l.amountFen })))
    .updateEntity(false)
    .execute();
  const outcome = await completeRefund(ctx, tx, { ...order, refundPendingFen: order.refundPendingFen + amountFen }, { id: refundId, amountFen }, now);
  return { orderId: order.id, refundId, couponReturned: outcome.couponBack === 'issued' };
}

/** Cash given back once `n` of the line's units are returned (cumulative: see returnSale, step 2). */
const givenBackAfter = (item: Pick<OrderItem, 'paidFen' | 'quantity'>, n: number) => (n === item.quantity ? item.paidFen : Math.floor((item.paidFen * n) / item.quantity));

async function returnView(ctx: Ctx, em: EntityManager, returnNo: string, done: ReturnDone): Promise<SaleReturnView> {
  const refund = await em.getRepository(Refund).findOneByOrFail({ id: done.refundId });
  const lines = (await em.query(
    'SELECT i.sku AS sku, l.quantity AS quantity, l.amount_fen AS amount_fen FROM refund_line l JOIN order_item i ON i.id = l.order_item_id WHERE l.refund_id = ? ORDER BY i.id',
    [done.refundId],
  )) as { sku: string; quantity: number | string; amount_fen: number | string }[];
  const { order, view } = await loadSale(ctx, em, { id: done.orderId });
  return {
    returnNo,
    refundId: refund.id,
    amountFen: refund.amountFen,
    lines: lines.map((l) => ({ sku: l.sku, quantity: Number(l.quantity), amountFen: Number(l.amount_fen) })),
    pointsReturned: refund.pointsReturned,
    pointsReversed: refund.pointsReversed,
    pointsUnrecovered: refund.pointsUnrecovered,
    couponReturned: done.couponReturned ?? (await couponWasReturned(em, order, refund.id)),
    sale: view,
  };
}

/**
 * For a retried return: did it give the coupon back? Only the return that completed the sale can have, and then the
 * coupon is no longer held by the sale (it may since have been used again elsewhere). A coupon released as already
 * expired counts as not given back, as on the first answer.
 */
async function couponWasReturned(em: EntityManager, order: Order, refundId: number): Promise<boolean> {
  if (order.status !== 'refunded' || order.couponId === null) return false;
  const [last] = (await em.query("SELECT MAX(id) AS id FROM refund WHERE order_id = ? AND status = 'success'", [order.id])) as { id: number | string | null }[];
  if (Number(last?.id) !== refundId) return false;
  const c = await em.getRepository(Coupon).findOne({ where: { id: order.couponId }, select: { id: true, status: true, lockedOrderId: true } });
  return !!c && c.lockedOrderId !== order.id && c.status !== 'expired';
}

/** The lines asked for, in a canonical form (null = "everything not yet returned", a request of its own). */
function returnRequestHash(body: TSaleReturnBody): string {
  const lines = body.lines ? [...body.lines].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0)).map((l) => [l.sku, l.quantity]) : null;
  return crypto.createHash('sha256').update(JSON.stringify({ lines })).digest('hex');
}

/** `CASE id WHEN ? THEN ? … END` with its values bound in order (never interpolated). */
function caseById(pairs: [number, number][]): { sql: string; params: number[] } {
  return { sql: `CASE id ${pairs.map(() => 'WHEN ? THEN ?').join(' ')} END`, params: pairs.flat() };
}
