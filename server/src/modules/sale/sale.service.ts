import crypto from 'node:crypto';
import { LessThanOrEqual, MoreThanOrEqual, type EntityManager } from 'typeorm';
import type { CouponView, MemberAtTillView, SaleQuoteView, SaleView, TIdentifyBody, TSaleCommitBody, TSaleQuoteBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import { isDuplicateKeyError } from '../../db/db';
import type { PendingEvent } from '../../events/outbox';
import { AppError } from '../../lib/app-error';
import { Product } from '../catalogue/product.entity';
import { couponViews } from '../coupon/coupon-view';
import { Coupon } from '../coupon/coupon.entity';
import { phoneMaskedOf } from '../customer/customer-view';
import { orderCoupons } from '../payment/order-coupons';
import { newOutTradeNo } from '../payment/order-numbers';
import { OrderItem } from '../payment/order-item.entity';
import { Order } from '../payment/order.entity';
import { prepareCart, type CartCustomer, type PreparedCart } from '../payment/price-cart';
import { bookPaidSale, type PaidSale } from '../payment/settlement';
import { MemberCodeUse } from './member-code-use.entity';
import { presentedKey } from './member-code';
import { saleKeyOf, type SaleActor } from './sale-actor';
import { loadSale, pricedAmounts, pricedLineView, saleView } from './sale-view';
import { findTillCustomer, type TillCustomer } from './till-customer';

export { returnSale } from './sale-return';

/**
 * The in-store sale use cases. The POS API (channel `pos`, one SaleActor per signed terminal) and the clerk cashier
 * (channel `clerk`) call exactly these; both price through the same `prepareCart` + `priceOrder` as pre-orders and
 * the checkout preview, so a basket has one price wherever it is rung up.
 *
 *   identifyMember  member code or phone → the member, their points and the coupons usable in this store now;
 *   quoteSale       the exact amounts, anonymous allowed (sale prices); reads only, the code is not consumed;
 *   commitSale      the sale, recorded paid (the money was taken at the till), idempotent by receipt;
 *   returnSale      (sale-return.ts) full or partial, idempotent by return number.
 */

/** Who is buying at the till; the presented member code or phone (see till-customer.ts for the refusals). */
async function tillCustomer(ctx: Ctx, em: EntityManager, who: { memberCode?: string; phone?: string }, now: Date): Promise<TillCustomer> {
  const found = await findTillCustomer(ctx, em, who, now);
  if (!found.customer) throw new AppError('MEMBER_NOT_FOUND'); // only a commit (with a sale key) can find a sale instead
  return found.customer;
}

export async function identifyMember(ctx: Ctx, actor: SaleActor, body: TIdentifyBody): Promise<MemberAtTillView> {
  const now = ctx.clock.now();
  return ctx.db.read(async (em) => {
    const c = await tillCustomer(ctx, em, body, now);
    return {
      customerId: c.id,
      phoneMasked: phoneMaskedOf(ctx.pii, c.phoneEnc),
      isMember: c.isMember,
      level: c.level,
      pointsBalance: c.pointsBalance,
      coupons: await couponsUsableAt(em, c.id, actor.storeId, now),
    };
  });
}

/**
 * The customer's coupons a till can take now: issued, inside their validity, and in this store's scope — the wallet's
 * rows shown through the wallet's own views (coupon-view.ts). Soonest to expire first.
 */
async function couponsUsableAt(em: EntityManager, customerId: number, storeId: number, now: Date): Promise<CouponView[]> {
  const coupons = await em.getRepository(Coupon).find({
    where: { customerId, status: 'issued', validFrom: LessThanOrEqual(now), validTo: MoreThanOrEqual(now) },
    order: { validTo: 'ASC', id: 'ASC' },
    take: 200,
  });
  return (await couponViews(em, coupons)).filter((v) => v.storeIds.length === 0 || v.storeIds.includes(storeId));
}

export async function quoteSale(ctx: Ctx, actor: SaleActor, body: TSaleQuoteBody): Promise<SaleQuoteView> {
  const now = ctx.clock.now();
  return ctx.db.read(async (em) => {
    const c = body.memberCode || body.phone ? await tillCustomer(ctx, em, body, now) : null;
    const cart = await prepareCart(ctx, em, { storeId: actor.storeId, customerId: c?.id ?? null, items: body.items, couponId: body.couponId, usePoints: body.usePoints }, { now });
    return {
      ...pricedAmounts(cart.priced, cart.pointsEarned),
      member: cart.customer ? { customerId: cart.customer.id, isMember: cart.customer.memberSince !== null, pointsBalance: cart.customer.pointsBalance } : null,
      lines: linesOf(cart),
      couponId: body.couponId ?? null,
    };
  });
}

const linesOf = (cart: PreparedCart) => cart.priced.lines.map((l) => pricedLineView(l, (cart.bySku.get(l.sku) as Product).name));

/**
 * Records an in-store sale, paid (the till took the money). Idempotent by `saleKey` (terminal or store + receipt):
 * the sale under that key is looked up first — in the same statement that finds the customer — so a retry returns
 * the same sale even after the member code expired; the same receipt with another body (who, items, coupon, points)
 * → IDEMPOTENCY_KEY_REUSED. Concurrent copies: the UNIQUE sale_key insert decides and the losers answer with the
 * winner's sale.
 *
 * ONE transaction, the customer row locked first (by `prepareCart`, so the balance priced is the balance spent):
 * the order already `paid` with its items (one insert), the member code's window spent (`member_code_use` primary
 * key: twenty tills racing one code make one sale, the others MEMBER_CODE_USED), the coupon issued → redeemed by one
 * conditional update (taken meanwhile → COUPON_ALREADY_REDEEMED), then the paid bookkeeping shared with WeChat Pay
 * settlement (`bookPaidSale`: points spent and earned, purchase statistics, `order.paid` and the points events in one
 * outbox insert). Any refusal rolls everything back: nothing is spent. A balance lower than the quote needed is
 * POINTS_INSUFFICIENT from the pricing itself, before any write.
 *
 * `usePoints: true` means "as many as allowed at commit": a till that showed the customer a quote should send the
 * quoted number instead, so the commit charges exactly what was shown (or refuses).
 */
export async function commitSale(ctx: Ctx, actor: SaleActor, body: TSaleCommitBody): Promise<SaleView> {
  const now = ctx.clock.now();
  const saleKey = saleKeyOf(actor, body.receiptNo);
  const requestHash = saleRequestHash(ctx, body);
  const found = await ctx.db.read((em) => findTillCustomer(ctx, em, body, now, saleKey));
  if (found.customer === null) return priorSale(ctx, { id: found.saleId }, requestHash);

  try {
    return await ctx.db.transaction((tx) => recordSale(ctx, tx, actor, body, found.customer, { saleKey, requestHash, now }));
  } catch (err) {
    if (!(err instanceof SaleKeyTaken)) throw err;
  }
  return priorSale(ctx, { saleKey }, requestHash);
}

async function priorSale(ctx: Ctx, by: { id: number } | { saleKey: string }, requestHash: string): Promise<SaleView> {
  const { order, view } = await ctx.db.read((em) => loadSale(ctx, em, by));
  if (order.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
  return view;
}

/**
 * A concurrent copy of the same receipt inserted the sale first. Thrown, not returned: the loser's transaction has
 * nothing to keep, so it rolls back (no commit to flush while it holds the customer's row lock, which the next copy
 * is waiting for) and the caller answers with the winner's sale.
 */
class SaleKeyTaken extends Error {}

/** The commit's transaction (SaleKeyTaken when a concurrent copy of the same receipt inserted the sale first). */
async function recordSale(
  ctx: Ctx,
  tx: EntityManager,
  actor: SaleActor,
  body: TSaleCommitBody,
  who: TillCustomer,
  k: { saleKey: string; requestHash: string; now: Date },
): Promise<SaleView> {
  const { now } = k;
  const cart = await prepareCart(ctx, tx, { storeId: actor.storeId, customerId: who.id, items: body.items, couponId: body.couponId, usePoints: body.usePoints }, { now, lock: true });
  const p = cart.priced;
  const customer = cart.customer as CartCustomer; // locked: it is the LockedCustomer the points are posted against
  const sale: Omit<PaidSale, 'id'> = { channel: actor.channel, customerId: who.id, storeId: actor.storeId, clerkId: who.clerkId, payableFen: p.payableFen, categoryTagIds: cart.categoryTagIds.join(',') };
  const row = {
    ...sale,
    outTradeNo: newOutTradeNo(now),
    staffId: actor.staffId,
    terminalId: actor.terminalId,
    receiptNo: body.receiptNo,
    saleKey: k.saleKey,
    status: 'paid' as const,
    // Pre-orders' key space is (customer, Idempotency-Key) of [A-Za-z0-9_.:-]; '#' keeps a till sale out of it.
    idempotencyKey: `#${k.saleKey}`,
    requestHash: k.requestHash,
    listFen: p.listFen,
    totalFen: p.totalFen,
    couponDiscountFen: p.couponDiscountFen,
    pointsDeductionFen: p.pointsDeductionFen,
    pointsUsed: p.pointsUsed,
    couponId: body.couponId ?? null,
    pointsGiven: p.pointsGiven,
    pointsEarned: cart.pointsEarned,
    pickupCode: '', // nothing to pick up: the customer leaves with the goods
    expiresAt: now,
    paidAt: now,
    inCustomerStats: true,
    refundedFen: 0,
  };
  let orderId: number;
  try {
    orderId = await ctx.db.insertReturningId(tx, Order, row);
  } catch (err) {
    if (isDuplicateKeyError(err)) throw new SaleKeyTaken(); // the same receipt, committed concurrently: the caller answers with it
    throw err;
  }
  await tx
    .createQueryBuilder()
    .insert()
    .into(OrderItem)
    .values(
      p.lines.map((l) => {
        const prod = cart.bySku.get(l.sku) as Product;
        return { orderId, productId: prod.id, sku: l.sku, name: prod.name, categoryId: l.categoryId, quantity: l.quantity, unitPriceFen: l.priceFen, unitCashFen: l.unitCashFen, unitPoints: l.unitPoints, unitPointsGiven: l.unitPointsGiven, paidFen: l.paidFen };
      }),
    )
    .updateEntity(false)
    .execute();
  if (who.codeWindow !== null && !(await ctx.db.insertOnce(tx, MemberCodeUse, { customerId: who.id, codeWindow: who.codeWindow, orderId, usedAt: now })))
    throw new AppError('MEMBER_CODE_USED');
  const events: PendingEvent[] = [];
  if (body.couponId)
    await orderCoupons().redeemAtTill(ctx, tx, { couponId: body.couponId, customerId: who.id, orderId, storeId: actor.storeId, staffId: actor.staffId, discountFen: p.couponDiscountFen, now, events });
  await bookPaidSale(ctx, tx, customer, { id: orderId, ...sale }, { paidAt: now, paidLate: false, pointsEarned: cart.pointsEarned, pointsSpent: p.pointsUsed }, now, events);
  return saleView(ctx, { id: orderId, ...row }, linesOf(cart), who.phoneEnc, customer.pointsBalance);
}

/**
 * The canonical content of a commit, for the idempotency check: who (the code as presented, or the phone's blind
 * index — never the phone itself), the basket in SKU order, the coupon and the points choice (false, 0 and absent
 * are the same choice). The receipt number is the key, so it is not part of the content.
 */
function saleRequestHash(ctx: Ctx, body: TSaleCommitBody): string {
  const key = presentedKey(ctx, body);
  const canonical = {
    who: key.by === 'handle' ? `m:${key.handle}${key.otp}` : `p:${key.phoneHash}`,
    items: [...body.items].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0)).map((i) => [i.sku, i.quantity]),
    couponId: body.couponId ?? null,
    usePoints: body.usePoints === true ? 'max' : body.usePoints || 0,
  };
  return crypto.createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
