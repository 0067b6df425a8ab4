import { In, MoreThanOrEqual, type EntityManager } from 'typeorm';
import { couponDiscount, type CheckoutOptionsView, type CouponCandidateView, type CouponTerms, type PricedLine, type PricedOrder, type TOrderPreviewBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import { prepareCart } from '../payment/price-cart';
import { CouponTemplate } from './coupon-template.entity';
import { couponView, storeScopes, termsOf } from './coupon-view';
import { Coupon } from './coupon.entity';

/**
 * Checkout options for the mini-program's coupon picker (`POST /api/app/orders/preview`), a read with no effect.
 *
 * `order` is priced exactly as `createOrder` (payment/order.service.ts) prices the same body: both go through the one
 * `prepareCart` (payment/price-cart.ts) and `priceOrder` — so its errors are creation's errors (PRODUCT_UNAVAILABLE,
 * COUPON_NOT_USABLE, COUPON_THRESHOLD_NOT_MET, POINTS_*…) and a preview that answers 200 creates the same amounts (tested).
 * `coupons` lists every wallet coupon that is issued or locked and not past validTo, each with its discount on this
 * cart and the payable with it, or a reason it cannot be used; the best (largest discount, then expiring first) is
 * suggested. The cart lines are priced once; each candidate is one `couponDiscount` (+ one `priceOrder` if usable).
 */
export async function checkoutOptions(ctx: Ctx, customerId: number, body: TOrderPreviewBody): Promise<CheckoutOptionsView> {
  const now = ctx.clock.now();
  return ctx.db.read(async (em) => {
    const cart = await prepareCart(ctx, em, { storeId: body.storeId, customerId, items: body.items, couponId: body.couponId, usePoints: body.usePoints }, { now });
    const { store, price } = cart;
    // The cart's lines at this customer's prices (independent of the coupon): what each candidate is measured on.
    const cartLines = cart.priced.lines;

    const candidates = await walletCandidates(em, customerId, store.id, now, cartLines, (terms) => {
      const withIt = price(terms);
      if (withIt.ok) return withIt.order.payableFen;
      // Fewer points fit once the coupon lowers the amount: show the payable with as many as still fit.
      if (withIt.problem.code === 'POINTS_OFFSET_TOO_LARGE') {
        const capped = price(terms, 'max');
        if (capped.ok) return capped.order.payableFen;
      }
      return null;
    });
    return { order: orderView(cart.priced, body.couponId ?? null), coupons: candidates, suggestedCouponId: candidates.find((c) => c.usable)?.coupon.id ?? null };
  });
}

async function walletCandidates(
  em: EntityManager,
  customerId: number,
  storeId: number,
  now: Date,
  cartLines: PricedLine[],
  payableWith: (terms: CouponTerms) => number | null,
): Promise<CouponCandidateView[]> {
  const coupons = await em.getRepository(Coupon).find({ where: { customerId, status: In(['issued', 'locked']), validTo: MoreThanOrEqual(now) }, order: { id: 'DESC' }, take: 200 });
  if (coupons.length === 0) return [];
  const templates = await em.getRepository(CouponTemplate).findBy({ id: In([...new Set(coupons.map((c) => c.templateId))]) });
  const byId = new Map(templates.map((t) => [t.id, t]));
  const scopes = await storeScopes(em, templates);
  const out = coupons.map((c): CouponCandidateView => {
    const t = byId.get(c.templateId) as CouponTemplate;
    const scope = scopes.get(t.id) ?? [];
    const view = couponView(c, t, scope);
    const no = (reason: CouponCandidateView['reason'], extra: { shortByFen?: number } = {}): CouponCandidateView => ({ coupon: view, usable: false, discountFen: 0, payableFen: null, reason, ...extra });
    if (c.status === 'locked') return no('in_use');
    if (scope.length && !scope.includes(storeId)) return no('wrong_store');
    if (c.validFrom.getTime() > now.getTime()) return no('not_yet_valid');
    const terms = termsOf(t);
    const d = couponDiscount(terms, cartLines);
    if (!d.ok) {
      if (d.problem.code === 'COUPON_GIFT_NOT_IN_CART') return no('gift_not_in_cart');
      if (d.problem.code === 'COUPON_THRESHOLD_NOT_MET') {
        if (terms.categoryIds.length && d.problem.eligibleFen === 0) return no('category_scope');
        return no('threshold_not_met', { shortByFen: Math.max(1, d.problem.thresholdFen - d.problem.eligibleFen) });
      }
      return no('order_too_small');
    }
    const payableFen = payableWith(terms);
    if (payableFen === null) return no('order_too_small');
    return { coupon: view, usable: true, discountFen: d.discountFen, payableFen };
  });
  const expiry = (c: CouponCandidateView) => new Date(c.coupon.validTo).getTime();
  return out.sort((a, b) => {
    if (a.usable !== b.usable) return a.usable ? -1 : 1;
    if (a.usable) return b.discountFen - a.discountFen || expiry(a) - expiry(b) || a.coupon.id - b.coupon.id;
    return (a.shortByFen ?? Number.MAX_SAFE_INTEGER) - (b.shortByFen ?? Number.MAX_SAFE_INTEGER) || expiry(a) - expiry(b) || a.coupon.id - b.coupon.id;
  });
}

function orderView(p: PricedOrder, couponId: number | null): CheckoutOptionsView['order'] {
  return {
    lines: p.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPriceFen: l.priceFen, unitCashFen: l.unitCashFen, unitPoints: l.unitPoints, lineCashFen: l.lineCashFen })),
    listFen: p.listFen,
    totalFen: p.totalFen,
    memberSavingFen: p.memberSavingFen,
    couponDiscountFen: p.couponDiscountFen,
    pointsDeductionFen: p.pointsDeductionFen,
    discountFen: p.discountFen,
    pointsUsed: p.pointsUsed,
    payableFen: p.payableFen,
    couponId,
  };
}
