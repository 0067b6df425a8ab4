import crypto from 'node:crypto';
import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer, idemKey } from '../helpers/flows';
import { makeProduct, makeStore } from '../helpers/fixtures';
import { makeTemplate, marketerToken } from '../coupon/helpers';
import { Customer } from '../../src/modules/customer/customer.entity';
import { claimCoupon } from '../../src/modules/coupon/issue.service';
import { issueMemberCode } from '../../src/modules/sale/member-code';
import { commitSale, quoteSale } from '../../src/modules/sale/sale.service';
import { cashier, givingProduct, posTill } from './sale-fixtures';

const SEED = Number(process.env.SALE_PRICING_SEED ?? 20260520);
const CASES = 100;

/**
 * One price wherever a basket is rung up. For random baskets (member prices in cash, in cash + points spent, in cash
 * + points given), coupons (amount off, percent off with a cap, voucher, category-scoped, gift) and points choices,
 * for a member or a fan with a random balance:
 *   - the pre-order (`POST /api/app/orders`), the checkout preview (`POST /api/app/orders/preview`), the POS actor's
 *     quote and the clerk cashier's quote (`POST /api/clerk/sales/quote`) give the same amounts — or the same refusal;
 *   - the commit records exactly what the quote said (amounts, each line's paidFen, the points earned).
 * Each case uses two customers in the same state (the pre-order side reserves points and locks the coupon, so it
 * cannot share a customer with the till side). The seed is printed on failure; SALE_PRICING_SEED replays a run.
 */
describeEachDb(
  'one price for a basket: pre-order, preview, POS and clerk quotes, and the commit',
  (get) => {
    it(`${CASES} random baskets price identically everywhere (seed ${SEED})`, async () => {
      const h = get();
      h.clock.set(new Date('2026-05-23T05:00:01.000Z'));
      const storeId = (await makeStore(h)).id;
      const clerk = await cashier(h, storeId);
      const till = posTill(storeId, 91);
      const products = [
        await makeProduct(h, { priceFen: 1_290, category: '坚果' }),
        await makeProduct(h, { priceFen: 5_000, memberPriceFen: 4_500, category: '坚果' }),
        await makeProduct(h, { priceFen: 250, memberPriceFen: 190, memberPoints: 6, category: '零食' }),
        await makeProduct(h, { priceFen: 3_999, memberPriceFen: 2_999, memberPoints: 40, category: '零食' }),
        await givingProduct(h, { priceFen: 12_000, memberPriceFen: 9_900, given: 50, category: '礼盒' }),
        await givingProduct(h, { priceFen: 880, memberPriceFen: 799, given: 3, category: '饮品' }),
      ];
      const mk = await marketerToken(h);
      const templates = [
        (await makeTemplate(h, mk, { perCustomerLimit: 10 })).id, // 满100减20
        (await makeTemplate(h, mk, { kind: 'percent_off', thresholdFen: 0, amountOffFen: undefined, percentOff: 15, maxDiscountFen: 1_500, perCustomerLimit: 10, title: '85折' })).id,
        (await makeTemplate(h, mk, { kind: 'voucher', thresholdFen: 0, amountOffFen: 500, perCustomerLimit: 10, title: '5元' })).id,
        (await makeTemplate(h, mk, { categoryIds: [products[2].categoryId], thresholdFen: 1_000, amountOffFen: 300, perCustomerLimit: 10, title: '零食满10减3' })).id,
        (await makeTemplate(h, mk, { kind: 'gift', thresholdFen: 2_000, amountOffFen: undefined, giftSku: products[5].sku, perCustomerLimit: 10, title: '满20送饮品' })).id,
      ];

      const rnd = prng(SEED);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
      const cases = Array.from({ length: CASES }, () => {
        const isMember = rnd() < 0.8;
        const items = products.filter(() => rnd() < 0.45).map((p) => ({ sku: p.sku, quantity: 1 + Math.floor(rnd() * 5) }));
        if (items.length === 0) items.push({ sku: pick(products).sku, quantity: 1 + Math.floor(rnd() * 3) });
        return {
          isMember,
          balance: isMember ? pick([30, 300, 1_000, 5_000, 5_000]) : 0,
          items,
          template: rnd() < 0.55 ? pick(templates) : null,
          usePoints: pick([undefined, undefined, true, 0, 15, 120, 900] as const),
        };
      });

      const customers = await twins(h, cases.map((c) => ({ isMember: c.isMember, balance: c.balance })));
      let n = 0;
      const tally: Record<string, number> = {};
      try {
        for (const [i, c] of cases.entries()) {
          n = i;
          const [a, b] = customers[i];
          const couponA = c.template ? (await claimCoupon(h.ctx, a.id, c.template, `p-${i}-a`)).id : undefined;
          const couponB = c.template ? (await claimCoupon(h.ctx, b.id, c.template, `p-${i}-b`)).id : undefined;
          const usePoints = c.usePoints;
          const memberCode = (await issueMemberCode(h.ctx, b.id)).digits;

          const preview = await h.http.post('/api/app/orders/preview').set(bearer(a.token)).send({ storeId, items: c.items, couponId: couponA, usePoints });
          const preorder = await h.http.post('/api/app/orders').set(bearer(a.token)).set('idempotency-key', idemKey()).send({ storeId, items: c.items, couponId: couponA, usePoints });
          const clerkQuote = await h.http.post('/api/clerk/sales/quote').set(bearer(clerk.token)).send({ memberCode, items: c.items, couponId: couponB, usePoints });
          const posQuote = await settle(quoteSale(h.ctx, till, { memberCode, items: c.items, couponId: couponB, usePoints }));
          const commit = await settle(commitSale(h.ctx, i % 2 ? till : clerk.actor, { memberCode, items: c.items, couponId: couponB, usePoints, receiptNo: `PP-${SEED}-${i}` }));

          const outcomes = {
            preview: preview.status === 200 ? 'ok' : preview.body.code,
            preorder: preorder.status === 201 ? 'ok' : preorder.body.code,
            clerkQuote: clerkQuote.status === 200 ? 'ok' : clerkQuote.body.code,
            posQuote: posQuote.ok ? 'ok' : posQuote.code,
            commit: commit.ok ? 'ok' : commit.code,
          };
          const first = outcomes.preview;
          tally[first] = (tally[first] ?? 0) + 1;
          expect(outcomes).toEqual({ preview: first, preorder: first, clerkQuote: first, posQuote: first, commit: first });
          if (first !== 'ok' || !posQuote.ok || !commit.ok) continue;

          const amounts = (o: Record<string, unknown>) => ({
            totalFen: o.totalFen,
            memberSavingFen: o.memberSavingFen,
            couponDiscountFen: o.couponDiscountFen,
            pointsDeductionFen: o.pointsDeductionFen,
            pointsUsed: o.pointsUsed,
            payableFen: o.payableFen,
          });
          const q = posQuote.value;
          const want = amounts(q as never);
          expect(amounts(preview.body.order)).toEqual(want);
          expect(amounts(preorder.body.order)).toEqual(want);
          expect(clerkQuote.body.quote).toEqual(q);
          const s = commit.value;
          expect({ ...amounts(s as never), listFen: s.listFen, pointsGiven: s.pointsGiven, pointsEarned: s.pointsEarned }).toEqual({ ...want, listFen: q.listFen, pointsGiven: q.pointsGiven, pointsEarned: q.pointsEarned });
          expect(s.lines).toEqual(q.lines);
          expect(s.pointsBalanceAfter).toBe(c.balance - q.pointsUsed + q.pointsEarned);
          // the pre-order's lines are the same lines
          expect(preorder.body.order.items.map((l: { sku: string; quantity: number; unitCashFen: number }) => [l.sku, l.quantity, l.unitCashFen])).toEqual(q.lines.map((l) => [l.sku, l.quantity, l.unitCashFen]));
        }
      } catch (err) {
        throw new Error(`sale pricing property failed at case ${n} (seed ${SEED}, replay with SALE_PRICING_SEED=${SEED}): ${JSON.stringify(cases[n])}\n${(err as Error).message}`);
      }
      // The cases mostly price (the comparison of amounts is the point); the refusals seen are agreed refusals.
      console.log(`[${h.target}] seed ${SEED}: ${JSON.stringify(tally)}`);
      expect(tally.ok).toBeGreaterThanOrEqual(CASES * 0.4);
    }, 300_000);
  },
  { pay: true },
);

type Settled<T> = { ok: true; value: T } | { ok: false; code: string };
async function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await p };
  } catch (err) {
    return { ok: false, code: (err as { code?: string }).code ?? String(err) };
  }
}

/** Pairs of customers in the same state (member or fan, balance), each with a consumer token. */
async function twins(h: Harness, states: { isMember: boolean; balance: number }[]): Promise<[{ id: number; token: string }, { id: number; token: string }][]> {
  const tag = crypto.randomBytes(4).toString('hex');
  const now = h.clock.now();
  const rows = states.flatMap((s, i) => [0, 1].map((k) => ({ openid: `o_twin_${tag}_${i}_${k}`, memberSince: s.isMember ? now : null, pointsBalance: s.balance })));
  await h.deps.db.transaction((tx) => tx.createQueryBuilder().insert().into(Customer).values(rows).updateEntity(false).execute());
  const found = await h.deps.db.read((em) => em.getRepository(Customer).createQueryBuilder('c').select(['c.id', 'c.openid']).where('c.openid LIKE :p', { p: `o_twin_${tag}_%` }).getMany());
  const byOpenid = new Map(found.map((c) => [c.openid, c.id]));
  const one = (i: number, k: number) => {
    const id = byOpenid.get(`o_twin_${tag}_${i}_${k}`) as number;
    return { id, token: h.deps.tokens.issue({ aud: 'app', sub: id }, 3600, now).token };
  };
  return states.map((_, i) => [one(i, 0), one(i, 1)]);
}

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
