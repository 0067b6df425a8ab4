import { describeEachDb } from '../helpers/harness';
import { bearer, member, placeOrder } from '../helpers/flows';
import { makeProduct, makeStaff, makeStore, staffToken } from '../helpers/fixtures';
import { claim, makeTemplate, marketerToken } from '../coupon/helpers';
import { AuditLog } from '../../src/modules/audit/audit-log.entity';
import { refundPointsDue, reversalWithin } from '../../src/modules/payment/refund-points';
import { balanceOf, nextPhone, orderRow, paidOrder, previewVia, refundRow, refundVia } from './order-helpers';

describeEachDb(
  'console orders: list filters and store scoping, detail, refund preview = what the refund does',
  (get) => {
    let storeA: number;
    let storeB: number;
    let sku: string;
    let admin: string;
    let marketer: string;
    let managerA: string;
    let a1: Awaited<ReturnType<typeof paidOrder>>;
    let b1: Awaited<ReturnType<typeof paidOrder>>;
    let unpaidId: number;

    beforeAll(async () => {
      const h = get();
      storeA = (await makeStore(h)).id;
      storeB = (await makeStore(h)).id;
      sku = (await makeProduct(h, { priceFen: 500 })).sku;
      admin = staffToken(h, (await makeStaff(h, 'admin')).staff.id);
      marketer = staffToken(h, (await makeStaff(h, 'marketer')).staff.id);
      managerA = staffToken(h, (await makeStaff(h, 'store_manager', storeA)).staff.id);
      a1 = await paidOrder(h, storeA, sku, { usePoints: 50 });
      b1 = await paidOrder(h, storeB, sku);
      const m = await member(h, nextPhone());
      unpaidId = (await placeOrder(h, m.token, { storeId: storeA, items: [{ sku, quantity: 1 }] })).body.order.id;
    });

    const list = (token: string, q: Record<string, string | number> = {}) => get().http.get('/api/admin/orders').query(q).set(bearer(token));
    const ids = (res: { body: { items: { id: number }[] } }) => res.body.items.map((o) => o.id);

    it('lists newest first with a total, and filters by store, status, channel, dates, customer and order number', async () => {
      const all = await list(admin);
      expect(all.status).toBe(200);
      expect(ids(all)).toEqual([unpaidId, b1.order.id, a1.order.id]);
      expect(all.body.total).toBe(3);
      const row = all.body.items.find((o: { id: number }) => o.id === a1.order.id);
      expect(row).toMatchObject({ outTradeNo: a1.order.outTradeNo, status: 'paid', channel: 'preorder', storeId: storeA, customerId: a1.customerId, payableFen: 1000, pointsUsed: 50 });
      expect(row.storeName).toMatch(/^店/);
      expect(row.customerPhoneMasked).toMatch(/^\d{3}\*{4}\d{4}$/);

      expect(ids(await list(admin, { storeId: storeA }))).toEqual([unpaidId, a1.order.id]);
      expect(ids(await list(admin, { status: 'paid' }))).toEqual([b1.order.id, a1.order.id]);
      expect(ids(await list(admin, { status: 'created', storeId: storeB }))).toEqual([]);
      expect(ids(await list(admin, { channel: 'preorder' }))).toHaveLength(3);
      expect((await list(admin, { channel: 'pos' })).body).toEqual({ items: [], total: 0 });
      expect(ids(await list(admin, { customerId: b1.customerId }))).toEqual([b1.order.id]);
      expect(ids(await list(admin, { outTradeNo: a1.order.outTradeNo }))).toEqual([a1.order.id]);
      const dayMs = 86_400_000;
      const now = Date.now();
      expect(ids(await list(admin, { from: new Date(now - dayMs).toISOString(), to: new Date(now + dayMs).toISOString() }))).toHaveLength(3);
      expect(ids(await list(admin, { from: new Date(now + dayMs).toISOString() }))).toEqual([]);
      expect(ids(await list(admin, { to: new Date(now - dayMs).toISOString() }))).toEqual([]);

      // paging: page 2 of size 2 holds the oldest; the total stays exact
      const p2 = await list(admin, { current: 2, pageSize: 2 });
      expect(p2.body).toMatchObject({ total: 3 });
      expect(ids(p2)).toEqual([a1.order.id]);
      // bad filters are a 400, never a 500
      for (const bad of [{ status: 'lost' }, { channel: 'web' }, { from: '2026-01-01' }, { pageSize: 500 }, { storeId: 'x' }, { extra: 1 }]) {
        const res = await list(admin, bad as unknown as Record<string, string | number>);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
    });

    it('keeps the keyset answer for cursor callers', async () => {
      const first = await list(admin, { limit: 2 });
      expect(first.status).toBe(200);
      expect(ids(first)).toEqual([unpaidId, b1.order.id]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const next = await list(admin, { limit: 2, cursor: first.body.nextCursor });
      expect(ids(next)).toEqual([a1.order.id]);
      expect(next.body.nextCursor).toBeNull();
      expect(ids(await list(managerA, { limit: 10 }))).toEqual([unpaidId, a1.order.id]);
    });

    it('a store manager sees their store only; the marketer reads the brand', async () => {
      expect(ids(await list(managerA))).toEqual([unpaidId, a1.order.id]);
      expect((await list(managerA, { storeId: storeB })).body).toEqual({ items: [], total: 0 });
      expect(ids(await list(managerA, { storeId: storeA }))).toEqual([unpaidId, a1.order.id]);
      expect(ids(await list(marketer))).toHaveLength(3);
      const h = get();
      expect((await h.http.get(`/api/admin/orders/${b1.order.id}`).set(bearer(managerA))).status).toBe(404);
      expect((await h.http.get(`/api/admin/orders/${a1.order.id}`).set(bearer(marketer))).status).toBe(200);
      const clerk = staffToken(h, (await makeStaff(h, 'clerk', storeA)).staff.id);
      expect((await list(clerk)).status).toBe(403);
    });

    it('shows the detail: lines, amounts, customer (masked), store, points, refunds and pay notifications', async () => {
      const h = get();
      const res = await h.http.get(`/api/admin/orders/${a1.order.id}`).set(bearer(managerA));
      expect(res.status).toBe(200);
      expect(res.body.order).toMatchObject({
        id: a1.order.id,
        status: 'paid',
        channel: 'preorder',
        storeId: storeA,
        totalFen: 1500,
        pointsDeductionFen: 500,
        payableFen: 1000,
        pointsUsed: 50,
        pointsEarned: 10,
        refundableFen: 1000,
        refundPendingFen: 0,
        pointsUsedReturned: 0,
        pointsEarnedReversed: 0,
        // no member price on this SKU: the list total is the total, and all 50 points were used as cash
        listFen: 1500,
        memberSavingFen: 0,
        memberPoints: 0,
        offsetPoints: 50,
      });
      expect(res.body.order.items).toEqual([expect.objectContaining({ sku, quantity: 3 })]);
      expect(res.body.customer).toMatchObject({ id: a1.customerId, isMember: true, pointsBalance: 1000 - 50 + 10 });
      expect(res.body.customer.phoneMasked).toMatch(/^\d{3}\*{4}\d{4}$/);
      expect(res.body.store).toMatchObject({ id: storeA });
      expect(res.body.coupon).toBeNull();
      expect(res.body.refunds).toEqual([]);
      expect(res.body.payNotifications).toEqual([expect.objectContaining({ kind: 'transaction', status: 'processed' })]);
      expect(res.body.payNotifications[0]).not.toHaveProperty('body');
      expect((await h.http.get('/api/admin/orders/99999999').set(bearer(admin))).status).toBe(404);
    });

    it('splits a member-priced order: list total, member saving, points at member prices and points as cash', async () => {
      const h = get();
      const memberSku = (await makeProduct(h, { priceFen: 2990, memberPriceFen: 2490, memberPoints: 20 })).sku;
      const m = await paidOrder(h, storeA, memberSku, { quantity: 2, usePoints: 30 });
      const d = (await h.http.get(`/api/admin/orders/${m.order.id}`).set(bearer(admin))).body.order;
      // 2 × 29.90 list, 2 × (24.90 + 20 points) at member prices, then 30 points as cash (0.10 each)
      expect(d).toMatchObject({ listFen: 5980, totalFen: 4980, memberSavingFen: 1000, couponDiscountFen: 0, pointsDeductionFen: 300, payableFen: 4680 });
      expect(d).toMatchObject({ pointsUsed: 70, memberPoints: 40, offsetPoints: 30 });
      expect(d.listFen - d.memberSavingFen - d.couponDiscountFen - d.pointsDeductionFen).toBe(d.payableFen);
      const row = (await list(admin, { outTradeNo: m.order.outTradeNo })).body.items[0];
      expect(row).toMatchObject({ listFen: 5980, totalFen: 4980, pointsDeductionFen: 300, payableFen: 4680, pointsUsed: 70 });
    });

    it('the preview shows what a partial then a full refund do, and the refunds then do exactly that', async () => {
      const h = get();
      const m = await paidOrder(h, storeA, sku, { usePoints: 50 }); // 15.00 − 50 points = 10.00 paid, 10 earned
      const before = await balanceOf(h, m.customerId);

      const p1 = await previewVia(h, managerA, m.order.id, 300);
      expect(p1.status).toBe(200);
      expect(p1.body.preview).toEqual({
        orderId: m.order.id,
        amountFen: 300,
        payableFen: 1000,
        refundedFen: 0,
        refundPendingFen: 0,
        refundableFen: 1000,
        full: false,
        pointsReturned: 15,
        pointsToReverse: 3,
        pointsReversed: 3,
        pointsUnrecovered: 0,
        balance: before,
        balanceAfter: before + 15 - 3,
        coupon: null,
        otherRefundsPending: false,
      });
      // a preview changes nothing
      expect(await orderRow(h, m.order.id)).toMatchObject({ refundPendingFen: 0, refundedFen: 0 });

      const r1 = await refundVia(h, managerA, m.order.id, 300, 'console-part-1');
      expect(r1.status).toBe(201);
      await h.pay!.control.idle();
      expect(await refundRow(h, r1.body.refund.id)).toMatchObject({ status: 'success', pointsReturned: 15, pointsReversed: 3, pointsUnrecovered: 0 });
      expect(await balanceOf(h, m.customerId)).toBe(p1.body.preview.balanceAfter);

      const p2 = (await previewVia(h, admin, m.order.id, 700)).body.preview;
      expect(p2).toMatchObject({ refundedFen: 300, refundableFen: 700, full: true, pointsReturned: 35, pointsToReverse: 7, pointsReversed: 7, pointsUnrecovered: 0 });
      const r2 = await refundVia(h, admin, m.order.id, 700, 'console-full-2');
      await h.pay!.control.idle();
      const row2 = await refundRow(h, r2.body.refund.id);
      expect({ returned: row2.pointsReturned, reversed: row2.pointsReversed, unrecovered: row2.pointsUnrecovered }).toEqual({
        returned: p2.pointsReturned,
        reversed: p2.pointsReversed,
        unrecovered: p2.pointsUnrecovered,
      });
      expect(await balanceOf(h, m.customerId)).toBe(p2.balanceAfter);

      // nothing left: the preview refuses exactly as the refund does
      const done = await previewVia(h, admin, m.order.id, 1);
      expect(done.status).toBe(409);
      expect(done.body.code).toBe('ORDER_NOT_REFUNDABLE');
    });

    it('previews the shortfall when the earned points were already spent, as settlement records it', async () => {
      const h = get();
      const big = (await makeProduct(h, { priceFen: 100_000 })).sku;
      const m = await member(h, nextPhone());
      const a = await paidOrder(h, storeA, big, { quantity: 1, m }); // earns 1,000
      await paidOrder(h, storeA, big, { quantity: 1, usePoints: true, m }); // spends 2,000, earns 800
      const p = (await previewVia(h, admin, a.order.id, 100_000)).body.preview;
      expect(p).toMatchObject({ full: true, pointsReturned: 0, pointsToReverse: 1000, pointsReversed: 800, pointsUnrecovered: 200, balance: 800, balanceAfter: 0 });
      const r = await refundVia(h, admin, a.order.id, 100_000, 'console-shortfall');
      await h.pay!.control.idle();
      expect(await refundRow(h, r.body.refund.id)).toMatchObject({ status: 'success', pointsReturned: 0, pointsReversed: 800, pointsUnrecovered: 200 });
    });

    it('previews the coupon going back on a full refund only', async () => {
      const h = get();
      const mk = await marketerToken(h);
      const t = await makeTemplate(h, mk, { title: '满20减5', thresholdFen: 2_000, amountOffFen: 500 });
      const m = await member(h, nextPhone());
      const couponId = (await claim(h, m.token, t.id)).body.coupon.id as number;
      const o = await paidOrder(h, storeA, sku, { quantity: 5, couponId, m }); // 25.00 − 5.00 = 20.00
      expect(o.order.payableFen).toBe(2000);
      const part = (await previewVia(h, admin, o.order.id, 500)).body.preview;
      expect(part.coupon).toEqual({ id: couponId, title: '满20减5', released: false, returnsAs: null });
      const full = (await previewVia(h, admin, o.order.id, 2000)).body.preview;
      expect(full.coupon).toEqual({ id: couponId, title: '满20减5', released: true, returnsAs: 'issued' });
      const detail = await h.http.get(`/api/admin/orders/${o.order.id}`).set(bearer(admin));
      expect(detail.body.coupon).toMatchObject({ id: couponId, templateId: t.id, title: '满20减5', kind: 'amount_off', status: 'redeemed' });
    });

    it('refuses a preview above what is refundable, for another store, or for a marketer', async () => {
      const h = get();
      const m = await paidOrder(h, storeA, sku);
      const over = await previewVia(h, admin, m.order.id, 1501);
      expect(over.status).toBe(409);
      expect(over.body).toMatchObject({ code: 'REFUND_EXCEEDS_PAID', details: { refundableFen: 1500 } });
      expect((await previewVia(h, admin, unpaidId, 100)).body.code).toBe('ORDER_NOT_REFUNDABLE');
      expect((await previewVia(h, managerA, b1.order.id, 100)).status).toBe(404);
      expect((await previewVia(h, marketer, m.order.id, 100)).status).toBe(403);
      expect((await refundVia(h, marketer, m.order.id, 100, 'console-mk')).status).toBe(403);
      expect((await refundVia(h, managerA, b1.order.id, 100, 'console-other')).status).toBe(404);
      const bad = await h.http.post(`/api/admin/orders/${m.order.id}/refunds/preview`).set(bearer(admin)).send({ amountFen: 0 });
      expect(bad.status).toBe(400);
    });

    it('audits a refund request once, in the store it belongs to (a retried request adds nothing)', async () => {
      const h = get();
      const m = await paidOrder(h, storeA, sku);
      const first = await refundVia(h, managerA, m.order.id, 200, 'console-audit-1');
      const again = await refundVia(h, managerA, m.order.id, 200, 'console-audit-1');
      expect(again.body.refund.id).toBe(first.body.refund.id);
      await h.pay!.control.idle();
      const rows = await h.deps.db.read((em) => em.getRepository(AuditLog).findBy({ action: 'refund.request', targetId: String(m.order.id) }));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ targetType: 'order', storeId: storeA, summary: `申请退款 ¥2.00（订单 ${m.order.outTradeNo}）` });
      expect(JSON.parse(rows[0].details!)).toMatchObject({ refundId: first.body.refund.id, amountFen: 200, requestNo: 'console-audit-1' });
    });
  },
  { pay: true },
);

describe('refund points rule (pure): cumulative shares, reversal stops at the balance', () => {
  const o = { payableFen: 1000, pointsUsed: 50, pointsEarned: 10, pointsUsedReturned: 0, pointsEarnedReversed: 0 };
  it('splits exactly over any sequence of partial refunds', () => {
    // three refunds 333 + 333 + 334: the sums equal the totals whatever the rounding of each
    let state = { ...o };
    let refunded = 0;
    const moved = { returned: 0, reversed: 0 };
    for (const r of [333, 333, 334]) {
      refunded += r;
      const d = refundPointsDue(state, refunded);
      moved.returned += d.toReturn;
      moved.reversed += d.toReverse;
      state = { ...state, pointsUsedReturned: state.pointsUsedReturned + d.toReturn, pointsEarnedReversed: state.pointsEarnedReversed + d.toReverse };
    }
    expect(moved).toEqual({ returned: 50, reversed: 10 });
    expect(refundPointsDue(o, 300)).toEqual({ toReturn: 15, toReverse: 3 });
  });
  it('never reverses below zero', () => {
    expect(reversalWithin(10, 4)).toEqual({ reversed: 4, unrecovered: 6 });
    expect(reversalWithin(10, 40)).toEqual({ reversed: 10, unrecovered: 0 });
    expect(reversalWithin(3, 0)).toEqual({ reversed: 0, unrecovered: 3 });
  });
});
