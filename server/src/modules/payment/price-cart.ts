import type { EntityManager } from 'typeorm';
import { priceOrder, type CouponTerms, type PricedOrder, type PricingLine, type PricingProblem, type PricingResult } from '@o2o/shared';
import type { Ctx } from '../../context';
import { AppError } from '../../lib/app-error';
import { Category } from '../catalogue/category.entity';
import { Product } from '../catalogue/product.entity';
import { Customer } from '../customer/customer.entity';
import { Store } from '../store/store.entity';
import { orderCoupons } from './order-coupons';

/**
 * The one preparation of a cart for pricing: every quote in the product goes through here and then through the
 * one `priceOrder` (shared/pricing.ts) — the pre-order (`createOrderTx`), the checkout preview (`checkoutOptions`),
 * the POS quote and commit, and the clerk cashier (modules/sale). So a till, a clerk and the mini-program can never
 * price the same basket differently (a property test checks they agree).
 *
 * Checks, in order, each with its stable error: the store exists and is active (NOT_FOUND / STORE_INACTIVE), every
 * SKU is an active product (PRODUCT_UNAVAILABLE with the missing skus), the coupon belongs to the customer, is usable
 * now and in this store (the coupon hook's `terms`: COUPON_*), then the price itself (COUPON_THRESHOLD_NOT_MET,
 * POINTS_*, ORDER_AMOUNT_INVALID). Reads only; in a transaction with `lock: true` the customer row is locked so the
 * balance priced is the balance spent.
 */
export interface CartRequest {
  storeId: number;
  /** null: an anonymous quote at sale prices (no coupon, no points). */
  customerId: number | null;
  items: { sku: string; quantity: number }[];
  couponId?: number | null;
  usePoints?: number | boolean;
}

export interface CartCustomer {
  id: number;
  memberSince: Date | null;
  pointsBalance: number;
}

export interface PreparedCart {
  store: Store;
  customer: CartCustomer | null;
  bySku: Map<string, Product>;
  /** Tag ids of the items' categories (purchase-preference tags when paid). */
  categoryTagIds: number[];
  lines: PricingLine[];
  coupon: CouponTerms | null;
  priced: PricedOrder;
  /** Points credited when this cart is paid (members only). */
  pointsEarned: number;
  /** Prices the same lines again with another coupon or points choice (the preview's candidates). */
  price(coupon: CouponTerms | null, usePoints?: number | 'max'): PricingResult;
}

export async function prepareCart(ctx: Ctx, em: EntityManager, req: CartRequest, opts: { now: Date; lock?: boolean }): Promise<PreparedCart> {
  const store = await em.getRepository(Store).findOneBy({ id: req.storeId });
  if (!store) throw new AppError('NOT_FOUND', 'Store not found');
  if (store.status !== 'active') throw new AppError('STORE_INACTIVE');

  let customer: CartCustomer | null = null;
  if (req.customerId !== null) {
    const qb = em.getRepository(Customer).createQueryBuilder('c').select(['c.id', 'c.memberSince', 'c.pointsBalance']).where('c.id = :id', { id: req.customerId });
    const c = await (opts.lock ? ctx.db.forUpdate(qb) : qb).getOne();
    if (!c) throw new AppError('NOT_FOUND', 'Customer not found');
    customer = { id: c.id, memberSince: c.memberSince, pointsBalance: c.pointsBalance };
  }
  const skus = req.items.map((i) => i.sku);
  // Products with their category's preference tag in one statement (every quote and sale runs this).
  const found = await em
    .getRepository(Product)
    .createQueryBuilder('p')
    .innerJoin(Category, 'c', 'c.id = p.category_id')
    .addSelect('c.tag_id', 'category_tag_id')
    .where('p.sku IN (:...skus) AND p.status = :active', { skus, active: 'active' })
    .getRawAndEntities();
  const bySku = new Map(found.entities.map((p) => [p.sku, p]));
  const missing = skus.filter((s) => !bySku.has(s));
  if (missing.length) throw new AppError('PRODUCT_UNAVAILABLE', undefined, { skus: missing });
  const tagIds = (found.raw as { category_tag_id: number | string | null }[]).map((r) => (r.category_tag_id === null ? null : Number(r.category_tag_id)));

  if (req.couponId && !customer) throw new AppError('COUPON_NOT_USABLE', 'A coupon needs a member');
  const coupon = req.couponId && customer ? await orderCoupons().terms(ctx, em, { customerId: customer.id, couponId: req.couponId, storeId: store.id, now: opts.now }) : null;
  const lines: PricingLine[] = req.items.map((i) => {
    const p = bySku.get(i.sku) as Product;
    return { sku: p.sku, quantity: i.quantity, categoryId: p.categoryId, priceFen: p.priceFen, memberPriceFen: p.memberPriceFen, memberPoints: p.memberPoints, memberPointsGiven: p.memberPointsGiven };
  });
  const usePoints = req.usePoints === true ? 'max' : req.usePoints === false ? 0 : req.usePoints;
  const price = (terms: CouponTerms | null, points: number | 'max' | undefined = usePoints) =>
    priceOrder({
      lines,
      isMember: customer?.memberSince != null,
      pointValueFen: ctx.config.rules.pointValueFen,
      pointsBalance: customer?.pointsBalance ?? 0,
      usePoints: customer ? points : 0,
      maxPointsOffsetPercent: ctx.config.rules.pointsMaxOffsetPercent,
      coupon: terms,
    });
  const result = price(coupon);
  if (!result.ok) throw pricingError(result.problem);
  return {
    store,
    customer,
    bySku,
    categoryTagIds: [...new Set(tagIds.filter((t): t is number => t !== null))],
    lines,
    coupon,
    priced: result.order,
    pointsEarned: pointsEarnedFor(ctx, customer?.memberSince != null, result.order.payableFen, result.order.pointsGiven),
    price,
  };
}

/**
 * Points a paid sale credits: POINTS_PER_YUAN per yuan of the payable plus the member prices' given points, for
 * members only (a fan earns nothing, given points included). Settlement (one and batched) and the till use this.
 */
export function pointsEarnedFor(ctx: Ctx, isMember: boolean, payableFen: number, pointsGiven: number): number {
  if (!isMember) return 0;
  return Math.floor((payableFen * ctx.config.rules.pointsPerYuan) / 100) + pointsGiven;
}

/** A pricing problem as the API's error (the same codes for every channel). */
export function pricingError(problem: PricingProblem): AppError {
  const { code, ...details } = problem;
  return new AppError(code === 'COUPON_GIFT_NOT_IN_CART' ? 'COUPON_NOT_USABLE' : code, undefined, details);
}
