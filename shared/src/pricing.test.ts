import fc from 'fast-check';
import { couponDiscount, priceOrder, type CouponTerms, type PricingInput, type PricingLine } from './pricing';

const snack: PricingLine = { sku: 'NUT-1', quantity: 2, categoryId: 1, priceFen: 250, memberPriceFen: 190, memberPoints: 6 };
const drink: PricingLine = { sku: 'TEA-1', quantity: 1, categoryId: 2, priceFen: 500, memberPriceFen: null, memberPoints: null };
const base: PricingInput = { lines: [snack, drink], isMember: true, pointValueFen: 10, pointsBalance: 1000, maxPointsOffsetPercent: 50 };
const amountOff = (over: Partial<CouponTerms> = {}): CouponTerms => ({
  kind: 'amount_off',
  thresholdFen: 500,
  amountOffFen: 100,
  percentOff: null,
  maxDiscountFen: null,
  giftSku: null,
  categoryIds: [],
  ...over,
});

function priced(input: PricingInput) {
  const r = priceOrder(input);
  if (!r.ok) throw new Error(`unexpected problem ${r.problem.code}`);
  return r.order;
}

describe('priceOrder', () => {
  it('charges members the member price in cash + points (1.9 yuan + 6 points) and fans the sale price', () => {
    const m = priced(base);
    expect(m).toMatchObject({ listFen: 1000, totalFen: 880, memberSavingFen: 120, memberPoints: 12, pointsUsed: 12, payableFen: 880, discountFen: 0 });
    const f = priced({ ...base, isMember: false });
    expect(f).toMatchObject({ listFen: 1000, totalFen: 1000, memberSavingFen: 0, memberPoints: 0, pointsUsed: 0, payableFen: 1000 });
  });

  it('applies the coupon to the cash subtotal, then points as cash capped at the configured share', () => {
    const o = priced({ ...base, coupon: amountOff(), usePoints: 'max' });
    // 880 − 100 = 780; 50 % cap = 390 fen = 39 points
    expect(o).toMatchObject({ couponDiscountFen: 100, offsetPoints: 39, pointsDeductionFen: 390, payableFen: 390, pointsUsed: 12 + 39, discountFen: 490 });
  });

  it('refuses more points than the cap or the balance, with distinct problems', () => {
    expect(priceOrder({ ...base, usePoints: 50 })).toEqual({ ok: false, problem: { code: 'POINTS_OFFSET_TOO_LARGE', requested: 50, max: 44 } });
    expect(priceOrder({ ...base, pointsBalance: 20, usePoints: 10 })).toMatchObject({ ok: false, problem: { code: 'POINTS_INSUFFICIENT' } });
    expect(priceOrder({ ...base, pointsBalance: 5 })).toMatchObject({ ok: false, problem: { code: 'POINTS_INSUFFICIENT', needed: 12, balance: 5 } });
  });

  it('always leaves at least 1 fen to pay', () => {
    const o = priced({ ...base, lines: [{ ...drink, priceFen: 10, quantity: 1 }], maxPointsOffsetPercent: 100, usePoints: 'max' });
    expect(o.payableFen).toBe(10); // 1 point = 10 fen would leave 0: not offered
    expect(priceOrder({ ...base, lines: [{ ...drink, priceFen: 100 }], coupon: amountOff({ thresholdFen: 0, amountOffFen: 100 }) })).toMatchObject({
      ok: false,
      problem: { code: 'ORDER_AMOUNT_INVALID' },
    });
  });

  it('checks the threshold on the coupon category scope only', () => {
    expect(priceOrder({ ...base, coupon: amountOff({ categoryIds: [2], thresholdFen: 600 }) })).toMatchObject({
      ok: false,
      problem: { code: 'COUPON_THRESHOLD_NOT_MET', thresholdFen: 600, eligibleFen: 500 },
    });
    expect(priced({ ...base, coupon: amountOff({ categoryIds: [2], thresholdFen: 500, amountOffFen: 800 }) }).couponDiscountFen).toBe(500);
  });
});

describe('couponDiscount', () => {
  const lines = [{ sku: 'A', categoryId: 1, lineCashFen: 999, unitCashFen: 333 }];
  it('rounds percent-off down and caps it', () => {
    expect(couponDiscount(amountOff({ kind: 'percent_off', percentOff: 15, thresholdFen: 0, amountOffFen: null }), lines)).toEqual({ ok: true, discountFen: 149, eligibleFen: 999 });
    expect(couponDiscount(amountOff({ kind: 'percent_off', percentOff: 50, thresholdFen: 0, maxDiscountFen: 200 }), lines)).toMatchObject({ discountFen: 200 });
  });
  it('gives one gift unit when the gift SKU is in the cart', () => {
    expect(couponDiscount(amountOff({ kind: 'gift', giftSku: 'A', thresholdFen: 0 }), lines)).toMatchObject({ discountFen: 333 });
    expect(couponDiscount(amountOff({ kind: 'gift', giftSku: 'B', thresholdFen: 0 }), lines)).toMatchObject({ ok: false, problem: { code: 'COUPON_GIFT_NOT_IN_CART' } });
  });
});

describe('priceOrder invariants (property)', () => {
  const line = fc.record({
    sku: fc.string({ minLength: 1, maxLength: 4 }),
    quantity: fc.integer({ min: 1, max: 20 }),
    categoryId: fc.integer({ min: 1, max: 3 }),
    priceFen: fc.integer({ min: 1, max: 100_000 }),
    member: fc.option(fc.record({ cash: fc.integer({ min: 0, max: 100_000 }), points: fc.integer({ min: 0, max: 500 }) })),
  });
  it('is exact integer arithmetic: payable = total − coupon − points·value, never below 1 fen, points within balance', () => {
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 100_000 }),
        fc.oneof(fc.constant<'max'>('max'), fc.integer({ min: 0, max: 2000 })),
        fc.integer({ min: 0, max: 100 }),
        (raw, isMember, balance, usePoints, pct) => {
          const lines: PricingLine[] = raw.map((l, i) => ({
            sku: `${l.sku}${i}`,
            quantity: l.quantity,
            categoryId: l.categoryId,
            priceFen: l.priceFen,
            memberPriceFen: l.member ? Math.min(l.member.cash, l.priceFen) : null,
            memberPoints: l.member ? l.member.points : null,
          }));
          const r = priceOrder({ lines, isMember, pointValueFen: 10, pointsBalance: balance, usePoints, maxPointsOffsetPercent: pct });
          if (!r.ok) return;
          const o = r.order;
          expect(Number.isInteger(o.payableFen)).toBe(true);
          expect(o.payableFen).toBe(o.totalFen - o.couponDiscountFen - o.offsetPoints * 10);
          expect(o.payableFen).toBeGreaterThanOrEqual(1);
          expect(o.pointsUsed).toBeLessThanOrEqual(balance);
          expect(o.pointsDeductionFen).toBeLessThanOrEqual(Math.floor(((o.totalFen - o.couponDiscountFen) * pct) / 100));
          expect(o.totalFen).toBeLessThanOrEqual(o.listFen);
        },
      ),
      { numRuns: 500 },
    );
  });
});
