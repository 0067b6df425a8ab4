import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer, member, placeOrder } from '../helpers/flows';
import { makeProduct, makeStore } from '../helpers/fixtures';
import { claim, makeTemplate, marketerToken } from './helpers';

let phone = 13200000000;

describeEachDb(
  'checkout options (coupon picker) and the claim centre',
  (get) => {
    let storeId: number;
    let otherStore: number;
    let nuts: { sku: string; categoryId: number };
    let drink: { sku: string; categoryId: number };
    let mk: string;
    const t: Record<string, number> = {};
    beforeAll(async () => {
      const h = get();
      mk = await marketerToken(h);
      storeId = (await makeStore(h)).id;
      otherStore = (await makeStore(h)).id;
      nuts = await makeProduct(h, { priceFen: 5_000, memberPriceFen: 4_500, category: '坚果' });
      drink = await makeProduct(h, { priceFen: 2_000, category: '饮品' });
      const now = h.clock.now().getTime();
      t.off20 = (await makeTemplate(h, mk, { perCustomerLimit: 5 })).id; // 满100减20
      t.pct = (await makeTemplate(h, mk, { kind: 'percent_off', thresholdFen: 0, amountOffFen: undefined, percentOff: 10, maxDiscountFen: 5_000, title: '9折' })).id;
      t.drinks = (await makeTemplate(h, mk, { categoryIds: [drink.categoryId], thresholdFen: 3_000, amountOffFen: 500, title: '饮品满30减5' })).id;
      t.gift = (await makeTemplate(h, mk, { kind: 'gift', thresholdFen: 0, amountOffFen: undefined, giftSku: drink.sku, title: '赠饮品' })).id;
      t.elsewhere = (await makeTemplate(h, mk, { storeIds: [otherStore], title: '别店券' })).id;
      t.later = (await makeTemplate(h, mk, { validDays: undefined, validFrom: new Date(now + 3 * 86_400_000).toISOString(), validTo: new Date(now + 9 * 86_400_000).toISOString(), title: '下周券' })).id;
      t.cover = (await makeTemplate(h, mk, { kind: 'voucher', thresholdFen: 0, amountOffFen: 100_000, title: '大额代金' })).id;
    });

    const preview = (h: Harness, token: string, body: object) => h.http.post('/api/app/orders/preview').set(bearer(token)).send(body);
    const wallet = async (h: Harness) => {
      const m = await member(h, String(++phone));
      const ids: Record<string, number> = {};
      for (const [k, id] of Object.entries(t)) {
        const r = await claim(h, m.token, id);
        if (r.status !== 201) throw new Error(`${k} ${JSON.stringify(r.body)}`);
        ids[k] = r.body.coupon.id;
      }
      return { ...m, ids };
    };

    it('lists every wallet coupon with its discount or a reason, suggests the best, and prices the order exactly', async () => {
      const h = get();
      const m = await wallet(h);
      // one more 满100减20 locked in a pre-order → in_use
      const spare = (await claim(h, m.token, t.off20)).body.coupon.id;
      expect((await placeOrder(h, m.token, { storeId, items: [{ sku: nuts.sku, quantity: 3 }], couponId: spare })).status).toBe(201);

      const res = await preview(h, m.token, { storeId, items: [{ sku: nuts.sku, quantity: 3 }] });
      expect(res.status).toBe(200);
      // member price 45.00 × 3
      expect(res.body.order).toMatchObject({ totalFen: 13_500, listFen: 15_000, memberSavingFen: 1_500, couponDiscountFen: 0, payableFen: 13_500, couponId: null });
      const by = Object.fromEntries(res.body.coupons.map((c: { coupon: { id: number } }) => [c.coupon.id, c]));
      expect(by[m.ids.off20]).toMatchObject({ usable: true, discountFen: 2_000, payableFen: 11_500 });
      expect(by[m.ids.pct]).toMatchObject({ usable: true, discountFen: 1_350, payableFen: 12_150 });
      expect(by[m.ids.drinks]).toMatchObject({ usable: false, reason: 'category_scope', payableFen: null });
      expect(by[m.ids.gift]).toMatchObject({ usable: false, reason: 'gift_not_in_cart' });
      expect(by[m.ids.elsewhere]).toMatchObject({ usable: false, reason: 'wrong_store' });
      expect(by[m.ids.later]).toMatchObject({ usable: false, reason: 'not_yet_valid' });
      expect(by[m.ids.cover]).toMatchObject({ usable: false, reason: 'order_too_small' });
      expect(by[spare]).toMatchObject({ usable: false, reason: 'in_use' });
      expect(res.body.suggestedCouponId).toBe(m.ids.off20);
      // usable first, best first
      expect(res.body.coupons.slice(0, 2).map((c: { coupon: { id: number } }) => c.coupon.id)).toEqual([m.ids.off20, m.ids.pct]);

      // a smaller cart: the threshold is missed by an exact amount; drinks in the cart make the scoped ones usable
      const small = await preview(h, m.token, { storeId, items: [{ sku: nuts.sku, quantity: 1 }, { sku: drink.sku, quantity: 2 }] });
      const s = Object.fromEntries(small.body.coupons.map((c: { coupon: { id: number } }) => [c.coupon.id, c]));
      expect(s[m.ids.off20]).toMatchObject({ usable: false, reason: 'threshold_not_met', shortByFen: 10_000 - 8_500 });
      expect(s[m.ids.drinks]).toMatchObject({ usable: true, discountFen: 500 });
      expect(s[m.ids.gift]).toMatchObject({ usable: true, discountFen: 2_000 });
      expect(small.body.suggestedCouponId).toBe(m.ids.gift);
      expect((await preview(h, m.token, { storeId, items: [{ sku: drink.sku, quantity: 1 }] })).body.coupons.find((c: { coupon: { id: number } }) => c.coupon.id === m.ids.drinks)).toMatchObject({
        reason: 'threshold_not_met',
        shortByFen: 1_000,
      });
    });

    it('a preview prices exactly what order creation charges (coupon, points, member prices), and refuses what creation refuses', async () => {
      const h = get();
      const m = await wallet(h);
      for (const body of [
        { storeId, items: [{ sku: nuts.sku, quantity: 3 }], couponId: m.ids.off20, usePoints: true },
        { storeId, items: [{ sku: nuts.sku, quantity: 2 }, { sku: drink.sku, quantity: 1 }], couponId: m.ids.pct, usePoints: 120 },
        { storeId, items: [{ sku: drink.sku, quantity: 2 }], couponId: m.ids.gift },
      ]) {
        const pre = await preview(h, m.token, body);
        expect(pre.status).toBe(200);
        const created = await placeOrder(h, m.token, body);
        expect(created.status).toBe(201);
        const o = created.body.order;
        expect(pre.body.order).toMatchObject({ totalFen: o.totalFen, couponDiscountFen: o.couponDiscountFen, pointsDeductionFen: o.pointsDeductionFen, pointsUsed: o.pointsUsed, payableFen: o.payableFen, couponId: o.couponId });
        // the candidate's figure for the chosen coupon agrees with the order
        const cand = (await preview(h, m.token, { ...body, couponId: undefined })).body.coupons.find((c: { coupon: { id: number } }) => c.coupon.id === body.couponId);
        expect(cand.reason).toBe('in_use'); // now locked by the order just created
      }
      // the same refusals as creation
      const other = await member(h, String(++phone));
      const cases: [object, string, string][] = [
        [{ storeId, items: [{ sku: nuts.sku, quantity: 1 }], couponId: (await claim(h, m.token, t.off20)).body.coupon.id }, 'COUPON_THRESHOLD_NOT_MET', 'under threshold'],
        [{ storeId, items: [{ sku: nuts.sku, quantity: 3 }], couponId: m.ids.elsewhere }, 'COUPON_NOT_USABLE', 'wrong store'],
        [{ storeId, items: [{ sku: nuts.sku, quantity: 3 }], couponId: m.ids.later }, 'COUPON_NOT_USABLE', 'not yet valid'],
        [{ storeId, items: [{ sku: 'NOPE', quantity: 1 }] }, 'PRODUCT_UNAVAILABLE', 'unknown sku'],
        [{ storeId, items: [{ sku: nuts.sku, quantity: 1 }], usePoints: 1_000_000 }, 'POINTS_INSUFFICIENT', 'points'],
      ];
      for (const [body, code, why] of cases) {
        const pre = await preview(h, m.token, body);
        const made = await placeOrder(h, m.token, body);
        expect({ why, pre: [pre.status, pre.body.code] }).toEqual({ why, pre: [made.status, code] });
      }
      // someone else's coupon: refused like a coupon that does not exist
      const notMine = await preview(h, other.token, { storeId, items: [{ sku: nuts.sku, quantity: 3 }], couponId: m.ids.pct });
      expect({ status: notMine.status, code: notMine.body.code }).toEqual({ status: 409, code: 'COUPON_NOT_USABLE' });
      expect((await preview(h, other.token, { storeId, items: [{ sku: nuts.sku, quantity: 3 }] })).body).toMatchObject({ coupons: [], suggestedCouponId: null });
      for (const bad of [{ storeId }, { storeId, items: [{ sku: nuts.sku, quantity: 0 }] }, { storeId, items: [{ sku: nuts.sku, quantity: 1 }], extra: 1 }]) {
        expect((await preview(h, m.token, bad)).status).toBe(400);
      }
      expect((await preview(h, m.token, { storeId: 999_999, items: [{ sku: nuts.sku, quantity: 1 }] })).status).toBe(404);
      expect((await h.http.post('/api/app/orders/preview').send({ storeId, items: [{ sku: nuts.sku, quantity: 1 }] })).status).toBe(401);
    });

    it('claim centre: active claimable templates in the store scope, with stock left and what this customer may still claim', async () => {
      const h = get();
      const m = await member(h, String(++phone));
      const stocked = (await makeTemplate(h, mk, { totalStock: 2, perCustomerLimit: 2, title: '限量' })).id;
      const scopedHere = (await makeTemplate(h, mk, { storeIds: [storeId], title: '本店' })).id;
      const draft = (await makeTemplate(h, mk, { status: 'draft', title: '草稿' })).id;
      const hidden = (await makeTemplate(h, mk, { claimable: false, title: '不可领' })).id;
      const over = (await makeTemplate(h, mk, { validDays: undefined, validFrom: '2020-01-01T00:00:00+08:00', validTo: '2020-01-31T23:59:59.999+08:00', title: '已过期' })).id;
      const list = async (q = '') => {
        const res = await h.http.get(`/api/app/coupons/claimable${q}`).set(bearer(m.token));
        expect(res.status).toBe(200);
        return new Map<number, { remainingStock: number | null; remainingForMe: number; canClaim: boolean; template: { title: string } }>(res.body.items.map((i: { template: { id: number } }) => [i.template.id, i]));
      };
      let here = await list(`?storeId=${storeId}`);
      expect(here.get(stocked)).toMatchObject({ remainingStock: 2, remainingForMe: 2, canClaim: true, template: { title: '限量' } });
      expect(here.get(scopedHere)).toMatchObject({ remainingStock: null, remainingForMe: 1, canClaim: true });
      expect(here.has(t.elsewhere)).toBe(false);
      for (const id of [draft, hidden, over]) expect(here.has(id)).toBe(false);
      const there = await list(`?storeId=${otherStore}`);
      expect(there.has(t.elsewhere)).toBe(true);
      expect(there.has(scopedHere)).toBe(false);
      expect((await list()).has(scopedHere)).toBe(true); // no store: every active claimable template

      expect((await claim(h, m.token, stocked)).status).toBe(201);
      expect((await claim(h, m.token, scopedHere)).status).toBe(201);
      here = await list(`?storeId=${storeId}`);
      expect(here.get(stocked)).toMatchObject({ remainingStock: 1, remainingForMe: 1, canClaim: true });
      expect(here.get(scopedHere)).toMatchObject({ remainingForMe: 0, canClaim: false });
      const other = await member(h, String(++phone));
      expect((await claim(h, other.token, stocked)).status).toBe(201);
      expect((await list(`?storeId=${storeId}`)).get(stocked)).toMatchObject({ remainingStock: 0, remainingForMe: 1, canClaim: false });
      expect((await h.http.get('/api/app/coupons/claimable?storeId=abc').set(bearer(m.token))).status).toBe(400);
      expect((await h.http.get('/api/app/coupons/claimable?x=1').set(bearer(m.token))).status).toBe(400);
    });
  },
  { pay: true },
);
