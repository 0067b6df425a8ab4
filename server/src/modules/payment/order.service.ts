import crypto from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { OrderView, PaymentParams, TCreateOrderBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import { isDuplicateKeyError } from '../../db/db';
import { emit } from '../../events/outbox';
import { AppError } from '../../lib/app-error';
import { Product } from '../catalogue/product.entity';
import { CustomerClerk } from '../customer/customer-clerk.entity';
import { Customer } from '../customer/customer.entity';
import { postPoints } from '../points/points.service';
import { Store } from '../store/store.entity';
import { orderCoupons } from './order-coupons';
import { prepareCart } from './price-cart';
import { newOutTradeNo, newPickupCode } from './order-numbers';
import { OrderItem } from './order-item.entity';
import { loadOrderView } from './order-view';
import { Order } from './order.entity';
import type { WechatPayApi } from './wechatpay/wechatpay.types';

/** A prepay_id is valid for 2 hours at WeChat; we re-ask a little before that. */
const PREPAY_REUSE_MS = 110 * 60_000;

export function requirePay(ctx: Ctx): WechatPayApi {
  if (!ctx.pay) throw new AppError('PAYMENT_NOT_CONFIGURED');
  return ctx.pay;
}

/**
 * Creates a pre-order and its WeChat Pay prepayment.
 *
 * Idempotent by (customer, Idempotency-Key): the same key with the same body returns the same order (and a
 * freshly signed payment for it); with another body → IDEMPOTENCY_KEY_REUSED. In one transaction: prices
 * from `priceOrder` (member prices for members), points reserved in the ledger (order_spend), the coupon
 * locked through the coupon hook, the owning clerk attributed. The prepay call happens after commit (no
 * network inside a transaction); if it fails the order exists and the same request retries it.
 */
export async function createOrder(ctx: Ctx, customerId: number, body: TCreateOrderBody, idempotencyKey: string): Promise<{ order: OrderView; payment: PaymentParams | null }> {
  const pay = requirePay(ctx);
  const requestHash = hashRequest(body);
  const findByKey = () => ctx.db.read((em) => em.getRepository(Order).findOneBy({ customerId, idempotencyKey }));
  let order = await findByKey();
  if (!order) {
    const created = await ctx.db.transaction((tx) => createOrderTx(ctx, tx, customerId, body, idempotencyKey, requestHash));
    // null: a concurrent request with the same key won the insert; answer with its order.
    order = created ?? (await findByKey());
    if (!order) throw new AppError('RETRYABLE_DB_CONFLICT');
  }
  if (order.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
  const payment = order.status === 'created' ? await ensurePrepay(ctx, pay, order) : null;
  return { order: await loadOrderView(ctx, order.id), payment };
}

/** Payment parameters for an unpaid order (re-initiating payment reuses its out_trade_no). */
export async function initiatePayment(ctx: Ctx, customerId: number, orderId: number): Promise<{ payment: PaymentParams }> {
  const pay = requirePay(ctx);
  const order = await ctx.db.read((em) => em.getRepository(Order).findOneBy({ id: orderId, customerId }));
  if (!order) throw new AppError('NOT_FOUND', 'Order not found');
  if (order.status !== 'created') throw new AppError('ORDER_NOT_PAYABLE');
  return { payment: await ensurePrepay(ctx, pay, order) };
}

async function ensurePrepay(ctx: Ctx, pay: WechatPayApi, order: Order): Promise<PaymentParams> {
  const now = ctx.clock.now();
  if (now >= order.expiresAt) throw new AppError('ORDER_NOT_PAYABLE', 'The payment window of this order has passed');
  if (order.prepayId && order.prepayAt && now.getTime() - order.prepayAt.getTime() < PREPAY_REUSE_MS) return pay.paymentParams(order.prepayId, now);

  const { customer, store, firstItem } = await ctx.db.read(async (em) => ({
    customer: await em.getRepository(Customer).findOneOrFail({ where: { id: order.customerId }, select: { id: true, openid: true } }),
    store: await em.getRepository(Store).findOneByOrFail({ id: order.storeId }),
    firstItem: await em.getRepository(OrderItem).findOneOrFail({ where: { orderId: order.id }, order: { id: 'ASC' } }),
  }));
  // Identical parameters every time: WeChat then answers a repeat with a usable prepay_id for the same order.
  const { prepayId } = await pay.jsapiPrepay({
    description: `${store.name}-${firstItem.name}`.slice(0, 127),
    outTradeNo: order.outTradeNo,
    timeExpire: order.expiresAt,
    notifyUrl: `${ctx.config.publicBaseUrl}/notify/wechat-pay/transaction`,
    totalFen: order.payableFen,
    openid: customer.openid,
    storeId: order.storeId,
  });
  await ctx.db.transaction((tx) =>
    tx.createQueryBuilder().update(Order).set({ prepayId, prepayAt: now }).where('id = :id AND status = :s', { id: order.id, s: 'created' }).execute(),
  );
  return pay.paymentParams(prepayId, now);
}

async function createOrderTx(ctx: Ctx, tx: EntityManager, customerId: number, body: TCreateOrderBody, idempotencyKey: string, requestHash: string): Promise<Order | null> {
  const now = ctx.clock.now();
  const cart = await prepareCart(ctx, tx, { storeId: body.storeId, customerId, items: body.items, couponId: body.couponId, usePoints: body.usePoints }, { now, lock: true });
  const { store, bySku } = cart;
  const p = cart.priced;

  const owner = await tx.getRepository(CustomerClerk).findOneBy({ customerId });
  let orderId: number;
  try {
    orderId = await ctx.db.insertReturningId(tx, Order, {
        outTradeNo: newOutTradeNo(now),
        customerId,
        storeId: store.id,
        clerkId: owner?.staffId ?? null,
        status: 'created',
        idempotencyKey,
        requestHash,
        listFen: p.listFen,
        totalFen: p.totalFen,
        couponDiscountFen: p.couponDiscountFen,
        pointsDeductionFen: p.pointsDeductionFen,
        payableFen: p.payableFen,
        pointsUsed: p.pointsUsed,
        couponId: body.couponId ?? null,
        pointsGiven: p.pointsGiven,
        categoryTagIds: cart.categoryTagIds.join(','),
        pickupCode: newPickupCode(),
        expiresAt: new Date(now.getTime() + ctx.config.rules.orderPayWindowMinutes * 60_000),
    });
  } catch (err) {
    if (isDuplicateKeyError(err)) return null;
    throw err;
  }
  await tx
    .createQueryBuilder()
    .insert()
    .into(OrderItem)
    .values(
      p.lines.map((l) => {
        const prod = bySku.get(l.sku) as Product;
        return { orderId, productId: prod.id, sku: l.sku, name: prod.name, categoryId: l.categoryId, quantity: l.quantity, unitPriceFen: l.priceFen, unitCashFen: l.unitCashFen, unitPoints: l.unitPoints, unitPointsGiven: l.unitPointsGiven, paidFen: l.paidFen };
      }),
    )
    .updateEntity(false)
    .execute();
  if (p.pointsUsed > 0) await postPoints(ctx.db, tx, { customerId, delta: -p.pointsUsed, reason: 'order_spend', refType: 'order', refId: String(orderId) }, now);
  if (body.couponId) await orderCoupons().lock(ctx, tx, { couponId: body.couponId, customerId, orderId, now });
  await emit(tx, 'order.created', { orderId, customerId, storeId: store.id, payableFen: p.payableFen, at: now.toISOString() }, now);
  return tx.getRepository(Order).findOneByOrFail({ id: orderId });
}

/** Canonical form of the request: key order and item order do not matter, the content does. */
function hashRequest(body: TCreateOrderBody): string {
  const canonical = {
    storeId: body.storeId,
    items: [...body.items].sort((a, b) => a.sku.localeCompare(b.sku)).map((i) => [i.sku, i.quantity]),
    couponId: body.couponId ?? null,
    usePoints: body.usePoints ?? null,
  };
  return crypto.createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
