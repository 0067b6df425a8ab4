/**
 * The one pricing function. Order creation, the checkout preview and the mini-program cart all call
 * `priceOrder`; nothing else computes an amount. Integer fen and integer points only.
 *
 * Order of operations (the order a Chinese retail till applies them, and the one Youzan documents):
 *   1. unit price: the member price (cash + points) for members where the SKU has one, else the sale price;
 *   2. coupon: its discount on the eligible cash subtotal (category scope), after checking the threshold;
 *   3. points offset (积分抵现): whole points at `pointValueFen` each, capped by a share of what is left and
 *      always leaving at least 1 fen to pay (WeChat Pay cannot charge 0).
 * A member price is cash plus points SPENT (memberPoints, "1.9元+6积分") or cash plus points GIVEN
 * (memberPointsGiven, "会员价99元送50积分"); given points are credited when the sale is paid.
 * Finally the payable is allocated over the lines (`paidFen`, largest remainder, summing exactly to the payable):
 * what a till return of a line gives back.
 */
import type { Fen } from './money';

export type CouponKind = 'amount_off' | 'voucher' | 'percent_off' | 'gift';

export interface PricingLine {
  sku: string;
  quantity: number;
  categoryId: number;
  priceFen: Fen;
  memberPriceFen: Fen | null;
  memberPoints: number | null;
  /** Points given per unit with the member price (会员价送积分); null/0 for none. */
  memberPointsGiven?: number | null;
}

/** What a coupon's template says, as far as the price is concerned. */
export interface CouponTerms {
  kind: CouponKind;
  thresholdFen: Fen;
  amountOffFen: Fen | null;
  /** 20 = 20 % off (八折). */
  percentOff: number | null;
  maxDiscountFen: Fen | null;
  giftSku: string | null;
  /** Empty = every category. */
  categoryIds: number[];
}

export interface PricingInput {
  lines: PricingLine[];
  isMember: boolean;
  pointValueFen: number;
  /** Points the customer holds now. */
  pointsBalance: number;
  /** Points to use as cash on top of member prices: a number, 'max', or 0/undefined for none. */
  usePoints?: number | 'max';
  /** Cap of the points offset as a percentage of the amount after the coupon. */
  maxPointsOffsetPercent: number;
  coupon?: CouponTerms | null;
}

export interface PricedLine extends PricingLine {
  unitCashFen: Fen;
  unitPoints: number;
  lineCashFen: Fen;
  linePoints: number;
  unitPointsGiven: number;
  linePointsGiven: number;
  /** This line's share of the payable (cash after coupon and points offset); the lines sum to payableFen. */
  paidFen: Fen;
}

export interface PricedOrder {
  lines: PricedLine[];
  /** At sale prices. */
  listFen: Fen;
  /** At the prices this customer pays (member prices where they apply): the order total. */
  totalFen: Fen;
  memberSavingFen: Fen;
  couponDiscountFen: Fen;
  /** Points that member prices require. */
  memberPoints: number;
  /** Points used as cash. */
  offsetPoints: number;
  pointsDeductionFen: Fen;
  /** couponDiscountFen + pointsDeductionFen. */
  discountFen: Fen;
  pointsUsed: number;
  /** Points the member prices give (credited when paid, members only). */
  pointsGiven: number;
  payableFen: Fen;
}

export type PricingProblem =
  | { code: 'COUPON_THRESHOLD_NOT_MET'; thresholdFen: Fen; eligibleFen: Fen }
  | { code: 'COUPON_GIFT_NOT_IN_CART'; giftSku: string }
  | { code: 'POINTS_INSUFFICIENT'; needed: number; balance: number }
  | { code: 'POINTS_OFFSET_TOO_LARGE'; requested: number; max: number }
  | { code: 'ORDER_AMOUNT_INVALID'; payableFen: Fen };

export type PricingResult = { ok: true; order: PricedOrder } | { ok: false; problem: PricingProblem };

const isInt = (n: number) => Number.isSafeInteger(n);

export function priceOrder(input: PricingInput): PricingResult {
  if (!isInt(input.pointValueFen) || input.pointValueFen < 1) throw new RangeError('pointValueFen must be a positive integer');
  const lines = input.lines.map((l): PricedLine => {
    if (!isInt(l.quantity) || l.quantity < 1) throw new RangeError(`quantity of ${l.sku} must be a positive integer`);
    const member = input.isMember && l.memberPriceFen !== null;
    const unitCashFen = member ? (l.memberPriceFen as number) : l.priceFen;
    const unitPoints = member ? (l.memberPoints ?? 0) : 0;
    const unitPointsGiven = member ? (l.memberPointsGiven ?? 0) : 0;
    return { ...l, unitCashFen, unitPoints, lineCashFen: unitCashFen * l.quantity, linePoints: unitPoints * l.quantity, unitPointsGiven, linePointsGiven: unitPointsGiven * l.quantity, paidFen: 0 };
  });
  const listFen = sum(lines.map((l) => l.priceFen * l.quantity));
  const totalFen = sum(lines.map((l) => l.lineCashFen));
  const memberPoints = sum(lines.map((l) => l.linePoints));

  let couponDiscountFen = 0;
  if (input.coupon) {
    const d = couponDiscount(input.coupon, lines);
    if (!d.ok) return d;
    couponDiscountFen = d.discountFen;
  }
  const afterCoupon = totalFen - couponDiscountFen;

  const available = Math.max(0, input.pointsBalance - memberPoints);
  const capFen = Math.min(Math.floor((afterCoupon * input.maxPointsOffsetPercent) / 100), afterCoupon - 1);
  const maxOffset = Math.max(0, Math.min(Math.floor(capFen / input.pointValueFen), available));
  let offsetPoints = 0;
  if (input.usePoints === 'max') offsetPoints = maxOffset;
  else if (input.usePoints) {
    if (!isInt(input.usePoints) || input.usePoints < 0) throw new RangeError('usePoints must be a non-negative integer');
    if (input.usePoints > maxOffset) {
      if (input.usePoints > available)
        return { ok: false, problem: { code: 'POINTS_INSUFFICIENT', needed: memberPoints + input.usePoints, balance: input.pointsBalance } };
      return { ok: false, problem: { code: 'POINTS_OFFSET_TOO_LARGE', requested: input.usePoints, max: maxOffset } };
    }
    offsetPoints = input.usePoints;
  }
  if (memberPoints > input.pointsBalance)
    return { ok: false, problem: { code: 'POINTS_INSUFFICIENT', needed: memberPoints + offsetPoints, balance: input.pointsBalance } };

  const pointsDeductionFen = offsetPoints * input.pointValueFen;
  const payableFen = afterCoupon - pointsDeductionFen;
  if (payableFen < 1) return { ok: false, problem: { code: 'ORDER_AMOUNT_INVALID', payableFen } };
  const paid = allocate(payableFen, lines.map((l) => l.lineCashFen));
  return {
    ok: true,
    order: {
      lines: lines.map((l, i) => ({ ...l, paidFen: paid[i] })),
      listFen,
      totalFen,
      memberSavingFen: listFen - totalFen,
      couponDiscountFen,
      memberPoints,
      offsetPoints,
      pointsDeductionFen,
      discountFen: couponDiscountFen + pointsDeductionFen,
      pointsUsed: memberPoints + offsetPoints,
      pointsGiven: sum(lines.map((l) => l.linePointsGiven)),
      payableFen,
    },
  };
}

/**
 * A coupon's discount on an order's lines (also used by in-store redemption with a single "line" of the
 * typed order amount). The eligible subtotal is the cash of lines in the coupon's category scope.
 */
export function couponDiscount(
  c: CouponTerms,
  lines: Pick<PricedLine, 'sku' | 'categoryId' | 'lineCashFen' | 'unitCashFen'>[],
): { ok: true; discountFen: Fen; eligibleFen: Fen } | { ok: false; problem: PricingProblem } {
  const scoped = c.categoryIds.length ? lines.filter((l) => c.categoryIds.includes(l.categoryId)) : lines;
  const eligibleFen = sum(scoped.map((l) => l.lineCashFen));
  if (eligibleFen < c.thresholdFen || eligibleFen === 0)
    return { ok: false, problem: { code: 'COUPON_THRESHOLD_NOT_MET', thresholdFen: c.thresholdFen, eligibleFen } };
  let discountFen: number;
  switch (c.kind) {
    case 'amount_off':
    case 'voucher':
      discountFen = Math.min(c.amountOffFen ?? 0, eligibleFen);
      break;
    case 'percent_off':
      // Rounded down: the customer never gets a fraction of a fen more than the rule says.
      discountFen = Math.floor((eligibleFen * (c.percentOff ?? 0)) / 100);
      if (c.maxDiscountFen !== null) discountFen = Math.min(discountFen, c.maxDiscountFen);
      break;
    case 'gift': {
      const gift = lines.find((l) => l.sku === c.giftSku);
      if (!gift) return { ok: false, problem: { code: 'COUPON_GIFT_NOT_IN_CART', giftSku: c.giftSku ?? '' } };
      discountFen = gift.unitCashFen;
      break;
    }
  }
  return { ok: true, discountFen, eligibleFen };
}

/**
 * Splits `amount` over `weights` in proportion, in whole fen, summing exactly to `amount`: each gets the floor of
 * its share and the fen left over go to the largest remainders (ties: the earlier line). All weights 0 → equal shares.
 */
export function allocate(amount: Fen, weights: number[]): Fen[] {
  if (weights.length === 0) return [];
  const w = weights.every((x) => x === 0) ? weights.map(() => 1) : weights;
  const total = sum(w);
  const base = w.map((x) => Math.floor((amount * x) / total));
  let left = amount - sum(base);
  const order = w.map((x, i) => ({ i, rem: (amount * x) % total })).sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    base[i] += 1;
    left -= 1;
  }
  return base;
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  if (!isInt(s)) throw new RangeError('amount overflow');
  return s;
}
