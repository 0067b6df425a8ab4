import { priceOrder, type PricedOrder, type PricingLine, type PricingProblem } from '@o2o/shared/pricing';
import type { MenuProduct } from '../api/catalogue';
import type { Cart } from './cart';

/**
 * What the cart costs this customer, computed by the shared `priceOrder` (the function order creation
 * uses), never by page arithmetic. Before checkout there is no coupon and no points offset; member prices
 * (cash + points) apply to members.
 */
export interface CartQuote {
  count: number;
  /** Null for an empty cart or when pricing reports a problem. */
  order: PricedOrder | null;
  problem: PricingProblem | null;
  /** For a fan: what the same cart would cost as a member (the "入会立省" nudge); null otherwise. */
  asMember: PricedOrder | null;
}

// Only the points offset uses these, and the cart quote never asks for an offset.
const NO_OFFSET = { pointValueFen: 10, maxPointsOffsetPercent: 0 } as const;

export function toPricingLines(cart: Cart, products: readonly MenuProduct[]): PricingLine[] {
  const bySku = new Map(products.map((p) => [p.sku, p]));
  const lines: PricingLine[] = [];
  for (const l of cart) {
    const p = bySku.get(l.sku);
    if (!p) continue;
    lines.push({
      sku: p.sku,
      quantity: l.quantity,
      categoryId: p.categoryId,
      priceFen: p.priceFen,
      memberPriceFen: p.memberPriceFen ?? null,
      memberPoints: p.memberPoints ?? null,
      memberPointsGiven: p.memberPointsGiven ?? null,
    });
  }
  return lines;
}

export function quoteCart(
  cart: Cart,
  products: readonly MenuProduct[],
  customer: { isMember: boolean; pointsBalance: number },
): CartQuote {
  const lines = toPricingLines(cart, products);
  const count = lines.reduce((n, l) => n + l.quantity, 0);
  if (count === 0) return { count: 0, order: null, problem: null, asMember: null };

  const priced = priceOrder({ lines, isMember: customer.isMember, pointsBalance: customer.pointsBalance, ...NO_OFFSET });
  let asMember: PricedOrder | null = null;
  if (!customer.isMember) {
    const m = priceOrder({ lines, isMember: true, pointsBalance: Number.MAX_SAFE_INTEGER, ...NO_OFFSET });
    if (m.ok && m.order.memberSavingFen > 0) asMember = m.order;
  }
  return priced.ok
    ? { count, order: priced.order, problem: null, asMember }
    : { count, order: null, problem: priced.problem, asMember };
}
