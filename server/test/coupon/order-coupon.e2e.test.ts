import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer, member, payInWechat, placeOrder } from '../helpers/flows';
import { makeProduct, makeStaff, makeStore, staffToken } from '../helpers/fixtures';
import { closeOrderLocally, reconcileOnce } from '../../src/modules/payment/reconciliation';
import { Order } from '../../src/modules/payment/order.entity';
import { Coupon } from '../../src/modules/coupon/coupon.entity';
import { OutboxEvent } from '../../src/events/outbox-event.entity';
import { claim, expectIssueInvariants, makeTemplate, marketerToken } from './helpers';

let phone = 13300000000;

/**
 * Coupon ⇄ order invariants, by SQL over the whole database:
 *  - a locked coupon is held by an order still `created`; an order `created` with a coupon holds it locked;
 *  - a paid (or partially refunded) order's coupon is redeemed by that order; a coupon redeemed online belongs to
 *    a paid or partially refunded order — so no coupon is both redeemed and returned;
 *  - a closed or fully refunded order holds no coupon; each coupon was returned at most once per order.
 */
async function expectOrderCouponInvariants(h: Harness) {
  const q = (sql: string) => h.deps.db.read((em) => em.query(sql));
  expect(await q(`SELECT c.id FROM coupon c LEFT JOIN orders o ON o.id = c.locked_order_id WHERE c.status = 'locked' AND (o.id IS NULL OR o.status <> 'created')`)).toEqual([]);
  expect(await q(`SELECT c.id FROM coupon c JOIN orders o ON o.id = c.locked_order_id WHERE c.status = 'redeemed' AND o.status NOT IN ('paid', 'partially_refunded')`)).toEqual([]);
  expect(
    await q(`SELECT o.id FROM orders o JOIN coupon c ON c.id = o.coupon_id WHERE
      (o.status = 'created' AND NOT (c.status = 'locked' AND c.locked_order_id = o.id)) OR
      (o.status IN ('paid', 'partially_refunded') AND NOT (c.status = 'redeemed' AND c.locked_order_id = o.id)) OR
      (o.status IN ('closed', 'refunded') AND c.locked_order_id = o.id)`),
  ).toEqual([]);
  const returned = await h.deps.db.read((em) => em.getRepository(OutboxEvent).findBy({ type: 'coupon.returned' }));
  const keys = returned.map((e) => {
    const p = JSON.parse(e.payload);
    return `${p.couponId}/${p.orderId}`;
  });
  expect(new Set(keys).size).toBe(keys.length);
  await expectIssueInvariants(h);
}

describeEachDb(
  'coupons in pre-orders: locked at creation, redeemed on payment, returned on close or full refund',
  (get) => {
    let storeId: number;
    let otherStore: number;
    let sku: string;
    let anyStore: number;
    let storeOnly: number;
    let admin: string;
    beforeAll(async () => {
      const h = get();
      storeId = (await makeStore(h)).id;
      otherStore = (await makeStore(h)).id;
      sku = (await makeProduct(h, { priceFen: 5_000 })).sku;
      const mk = await marketerToken(h);
      anyStore = (await makeTemplate(h, mk, { perCustomerLimit: 5 })).id; // 满100减20
      storeOnly = (await makeTemplate(h, mk, { storeIds: [storeId], perCustomerLimit: 5 })).id;
      admin = staffToken(h, (await makeStaff(h, 'admin')).staff.id);
    });
    afterEach(async () => {
      await expectOrderCouponInvariants(get());
    });

    const holder = async (h: Harness, templateId = anyStore) => {
      const m = await member(h, String(++phone));
      const c = await claim(h, m.token, templateId);
      return { ...m, couponId: c.body.coupon.id as number };
    };
    const coupon = (h: Harness, id: number) => h.deps.db.read((em) => em.getRepository(Coupon).findOneByOrFail({ id }));

    it('lock → pay → redeemed; the coupon cannot be used again', async () => {
      const h = get();
      const m = await holder(h);
      const res = await placeOrder(h, m.token, { storeId, items: [{ sku, quantity: 3 }], couponId: m.couponId });
      expect(res.status).toBe(201);
      expect(res.body.order).toMatchObject({ totalFen: 15_000, couponDiscountFen: 2_000, payableFen: 13_000, couponId: m.couponId });
      expect(await coupon(h, m.couponId)).toMatchObject({ status: 'locked', lockedOrderId: res.body.order.id });
      expect((await h.http.get(`/api/app/coupons/${m.couponId}/code`).set(bearer(m.token))).body.code).toBe('COUPON_NOT_USABLE');
      const again = await placeOrder(h, m.token, { storeId, items: [{ sku, quantity: 3 }], couponId: m.couponId });
      expect(again.body.code).toBe('COUPON_NOT_USABLE');
      payInWechat(h, res.body.payment.package);
      await h.pay!.control.idle();
      expect(await coupon(h, m.couponId)).toMatchObject({ status: 'redeemed', lockedOrderId: res.body.order.id, redeemedStoreId: storeId });
      const third = await placeOrder(h, m.token, { storeId, items: [{ sku, quantity: 3 }], couponId: m.couponId });
      expect(third.body.code).toBe('COUPON_ALREADY_REDEEMED');
    });

    it('lock → close → returned (once, even when the close is repeated)', async () => {
      const h = get();
      const m = await holder(h);
      const res = await placeOrder(h, m.token, { storeId, items: [{ sku, quantity: 2 }], couponId: m.couponId });
      expect(res.status).toBe(201);
      expect(await closeOrderLocally(h.ctx, res.body.order.id, 'test')).toBe(true);
      expect(await closeOrderLocally(h.ctx, res.body.order.id, 'test')).toBe(false);
      expect(await coupon(h, m.couponId)).toMatchObject({ status: 'issued', lockedOrderId: null });
      // usable again
      const next = await placeOrder(h, m.token, { storeId, items: [{ sku, quantity: 2 }], couponId: m.couponId });
      expect(next.status).toBe(201);
    });

    it('pay → full refund → returned', async () => {
      const h = get();
      const m = await holder(h);
      const res = await placeOrder(h, m.token, { storeId, items: [{ sku, quantity: 2 }], couponId: m.couponId });
      payInWechat(h, res.body.payment.package);
      await h.pay!.control.idle();
      expect((await coupon(h, m.couponId)).status).toBe('redeemed');
      // a partial refund keeps the coupon redeemed
      const part = await h.http.post(`/api/admin/orders/${res.body.order.id}/refunds`).set(bearer(admin)).send({ amountFen: 1_000, reason: '部分退款', requestNo: `cp-part-${m.couponId}` });
      expect(part.status).toBe(201);
      await h.pay!.control.idle();
      expect((await coupon(h, m.couponId)).status).toBe('redeemed');
      const rest = await h.http.post(`/api/admin/orders/${res.body.order.id}/refunds`).set(bearer(admin)).send({ amountFen: 7_000, reason: '全部退款', requestNo: `cp-full-${m.couponId}` });
      expect(rest.status).toBe(201);
      await h.pay!.control.idle();
      expect(await coupon(h, m.couponId)).toMatchObject({ status: 'issued', lockedOrderId: null, redeemedAt: null });
    });

    it('lock → close → late payment: the coupon is taken again and redeemed by the order (once)', async () => {
      const h = get();
      const m = await holder(h);
      const res = await placeOrder(h, m.token, { storeId, items: [{ sku, quantity: 3 }], couponId: m.couponId });
      expect(await closeOrderLocally(h.ctx, res.body.order.id, 'test')).toBe(true);
      expect((await coupon(h, m.couponId)).status).toBe('issued');
      payInWechat(h, res.body.payment.package, { ignoreClosed: true });
      await h.pay!.control.idle();
      expect(await coupon(h, m.couponId)).toMatchObject({ status: 'redeemed', lockedOrderId: res.body.order.id });
      const events = await h.deps.db.read((em) => em.getRepository(OutboxEvent).findBy({ type: 'coupon.redeemed' }));
      expect(events.filter((e) => JSON.parse(e.payload).couponId === m.couponId)).toHaveLength(1);
    });

    it('lock → close → coupon used in store → late payment: the coupon stays with the store redemption, the order is refunded in full', async () => {
      const h = get();
      const m = await holder(h);
      const res = await placeOrder(h, m.token, { storeId, items: [{ sku, quantity: 3 }], couponId: m.couponId });
      expect(await closeOrderLocally(h.ctx, res.body.order.id, 'test')).toBe(true);
      const clerk = staffToken(h, (await makeStaff(h, 'clerk', storeId)).staff.id);
      const code = (await h.http.get(`/api/app/coupons/${m.couponId}/code`).set(bearer(m.token))).body;
      const red = await h.http.post('/api/clerk/redemptions').set(bearer(clerk)).send({ token: code.token, orderAmountFen: 20_000, requestNo: `late-${m.couponId}` });
      expect(red.status).toBe(201);
      payInWechat(h, res.body.payment.package, { ignoreClosed: true });
      await h.pay!.control.idle();
      // the refund of the late payment is sent by the reconciler's sweep here (the outbox handler in production)
      h.clock.advance(60_000);
      await reconcileOnce(h.ctx);
      await h.pay!.control.idle();
      const o = await h.deps.db.read((em) => em.getRepository(Order).findOneByOrFail({ id: res.body.order.id }));
      expect(o.status).toBe('refunded');
      expect(await coupon(h, m.couponId)).toMatchObject({ status: 'redeemed', lockedOrderId: null, redeemedClerkId: expect.any(Number) });
    });

    it('refuses coupons that are not usable here: other store, under threshold, someone else’s, concurrently used', async () => {
      const h = get();
      const m = await holder(h, storeOnly);
      const wrongStore = await placeOrder(h, m.token, { storeId: otherStore, items: [{ sku, quantity: 3 }], couponId: m.couponId });
      expect({ status: wrongStore.status, code: wrongStore.body.code }).toEqual({ status: 409, code: 'COUPON_NOT_USABLE' });
      const under = await placeOrder(h, m.token, { storeId, items: [{ sku, quantity: 1 }], couponId: m.couponId });
      expect(under.body.code).toBe('COUPON_THRESHOLD_NOT_MET');
      const other = await member(h, String(++phone));
      const notMine = await placeOrder(h, other.token, { storeId, items: [{ sku, quantity: 3 }], couponId: m.couponId });
      expect(notMine.body.code).toBe('COUPON_NOT_USABLE');
      // two checkouts at once with the same coupon: one order
      const race = await Promise.all(Array.from({ length: 6 }, () => placeOrder(h, m.token, { storeId, items: [{ sku, quantity: 3 }], couponId: m.couponId })));
      expect(race.filter((r) => r.status === 201)).toHaveLength(1);
      expect(race.filter((r) => r.status !== 201).every((r) => r.status === 409 && r.body.code === 'COUPON_NOT_USABLE')).toBe(true);
      expect((await coupon(h, m.couponId)).status).toBe('locked');
    });
  },
  { pay: true },
);
