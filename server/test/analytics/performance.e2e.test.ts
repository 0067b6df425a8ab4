import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer, session, newOpenid } from '../helpers/flows';
import { makeStaff, makeStore, staffToken } from '../helpers/fixtures';
import { Customer } from '../../src/modules/customer/customer.entity';
import { CustomerClerk } from '../../src/modules/customer/customer-clerk.entity';
import { Order } from '../../src/modules/payment/order.entity';
import { Redemption } from '../../src/modules/coupon/redemption.entity';

/**
 * GET /api/clerk/performance: exact figures by Asia/Shanghai day, rows placed on both sides of the day and window
 * boundaries (a Shanghai day starts at 16:00 UTC the day before).
 */
describeEachDb('clerk performance figures', (get) => {
  const now = new Date('2026-05-20T02:00:00.000Z'); // 10:00 Shanghai, 2026-05-20
  let storeS: number;
  let storeT: number;
  let clerkA: number;
  let clerkB: number;
  let clerkC: number;
  let manager: number;
  let seq = 0;

  const t = (iso: string) => new Date(iso);
  async function customer(h: Harness, c: { store: number; clerk?: number; firstScan: string; member?: string }) {
    const row = await h.deps.db.transaction(async (tx) => {
      const saved = await tx.getRepository(Customer).save({ openid: newOpenid(), storeId: c.store, firstScanAt: t(c.firstScan), memberSince: c.member ? t(c.member) : null });
      if (c.clerk) await tx.getRepository(CustomerClerk).insert({ customerId: saved.id, staffId: c.clerk, storeId: c.store, rule: 'first_touch' as never, boundAt: t(c.firstScan), protectedUntil: t(c.firstScan) });
      return saved;
    });
    return row.id;
  }
  async function order(h: Harness, o: { store: number; clerk: number | null; status: string; payable: number; refunded?: number; paidAt?: string }) {
    const n = ++seq;
    await h.deps.db.transaction((tx) =>
      tx.getRepository(Order).insert({
        outTradeNo: `PERF${process.pid}${n}${Date.now().toString(36)}`,
        customerId: 1,
        storeId: o.store,
        clerkId: o.clerk,
        status: o.status as never,
        idempotencyKey: `perf-${n}-${Date.now().toString(36)}`,
        requestHash: 'x',
        listFen: o.payable,
        totalFen: o.payable,
        couponDiscountFen: 0,
        pointsDeductionFen: 0,
        payableFen: o.payable,
        pointsUsed: 0,
        pickupCode: '0001',
        expiresAt: now,
        paidAt: o.paidAt ? t(o.paidAt) : null,
        refundedFen: o.refunded ?? 0,
      }),
    );
  }
  async function redemption(h: Harness, r: { store: number; clerk: number; at: string; reversed?: boolean }) {
    const n = ++seq;
    await h.deps.db.transaction((tx) =>
      tx.getRepository(Redemption).insert({
        couponId: n,
        storeId: r.store,
        clerkId: r.clerk,
        requestNo: `perf-${n}-${Date.now().toString(36)}`,
        orderAmountFen: 10_000,
        discountFen: 1_000,
        codeWindow: n,
        redeemedAt: t(r.at),
        reversedAt: r.reversed ? t(r.at) : null,
        reversedBy: r.reversed ? r.clerk : null,
        reverseReason: r.reversed ? '顾客退货' : null,
      }),
    );
  }

  beforeAll(async () => {
    const h = get();
    h.clock.set(now);
    storeS = (await makeStore(h)).id;
    storeT = (await makeStore(h)).id;
    clerkA = (await makeStaff(h, 'clerk', storeS)).staff.id;
    clerkB = (await makeStaff(h, 'clerk', storeS)).staff.id;
    clerkC = (await makeStaff(h, 'clerk', storeT)).staff.id;
    manager = (await makeStaff(h, 'store_manager', storeS)).staff.id;

    // fan the last millisecond of 05-13 (Shanghai), member 05-14
    await customer(h, { store: storeS, clerk: clerkA, firstScan: '2026-05-13T15:59:59.999Z', member: '2026-05-14T00:00:00.000Z' });
    // fan the first millisecond of 05-14, member today (converted)
    await customer(h, { store: storeS, clerk: clerkA, firstScan: '2026-05-13T16:00:00.000Z', member: '2026-05-20T01:00:00.000Z' });
    // fan today at 01:00 Shanghai, still a fan
    await customer(h, { store: storeS, clerk: clerkA, firstScan: '2026-05-19T17:00:00.000Z' });
    await customer(h, { store: storeS, clerk: clerkB, firstScan: '2026-05-18T04:00:00.000Z', member: '2026-05-18T05:00:00.000Z' });
    await customer(h, { store: storeT, clerk: clerkC, firstScan: '2026-05-18T04:00:00.000Z', member: '2026-05-18T05:00:00.000Z' });
    await customer(h, { store: storeS, firstScan: '2026-05-15T04:00:00.000Z' }); // a store-code fan without a clerk

    await order(h, { store: storeS, clerk: clerkA, status: 'paid', payable: 3_000, paidAt: '2026-05-19T15:59:59.999Z' }); // 05-19
    await order(h, { store: storeS, clerk: clerkA, status: 'partially_refunded', payable: 5_000, refunded: 1_200, paidAt: '2026-05-19T16:00:00.000Z' }); // 05-20
    await order(h, { store: storeS, clerk: clerkA, status: 'created', payable: 999 });
    await order(h, { store: storeS, clerk: clerkA, status: 'closed', payable: 888 });
    await order(h, { store: storeS, clerk: clerkB, status: 'paid', payable: 2_000, paidAt: '2026-05-16T04:00:00.000Z' });
    await order(h, { store: storeS, clerk: null, status: 'paid', payable: 7_000, paidAt: '2026-05-16T04:00:00.000Z' }); // no owning clerk: the store's, no clerk's
    await order(h, { store: storeS, clerk: clerkA, status: 'paid', payable: 100, paidAt: '2026-05-13T15:59:59.999Z' }); // 05-13
    await order(h, { store: storeT, clerk: clerkC, status: 'paid', payable: 4_000, paidAt: '2026-05-18T04:00:00.000Z' });

    await redemption(h, { store: storeS, clerk: clerkA, at: '2026-05-17T03:00:00.000Z' });
    await redemption(h, { store: storeS, clerk: clerkA, at: '2026-05-17T03:00:00.000Z', reversed: true });
    await redemption(h, { store: storeS, clerk: clerkB, at: '2026-05-20T01:00:00.000Z' });
    await redemption(h, { store: storeT, clerk: clerkC, at: '2026-05-20T01:00:00.000Z' });
  });
  beforeEach(() => get().clock.set(now));

  const perf = async (h: Harness, staffId: number, days?: number) => {
    const res = await h.http.get(`/api/clerk/performance${days ? `?days=${days}` : ''}`).set(bearer(staffToken(h, staffId)));
    expect(res.status).toBe(200);
    return res.body.performance;
  };
  const zero = { newFans: 0, newMembers: 0, paidOrders: 0, salesFen: 0, redemptions: 0 };

  it("a clerk's own figures over 7 Shanghai days, by day", async () => {
    const p = await perf(get(), clerkA);
    expect(p.scope).toBe('clerk');
    expect(p.byDay).toEqual([
      { date: '2026-05-14', ...zero, newFans: 1, newMembers: 1 },
      { date: '2026-05-15', ...zero },
      { date: '2026-05-16', ...zero },
      { date: '2026-05-17', ...zero, redemptions: 1 },
      { date: '2026-05-18', ...zero },
      { date: '2026-05-19', ...zero, paidOrders: 1, salesFen: 3_000 },
      { date: '2026-05-20', ...zero, newFans: 1, newMembers: 1, paidOrders: 1, salesFen: 3_800 },
    ]);
    expect(p.totals).toEqual({ newFans: 2, newMembers: 2, paidOrders: 2, salesFen: 6_800, redemptions: 1, convertedFans: 1, conversionBp: 5_000 });
  });

  it('30 days reach the rows of 05-13; 1 day is today only', async () => {
    const h = get();
    const month = await perf(h, clerkA, 30);
    expect(month.byDay).toHaveLength(30);
    expect(month.byDay[0].date).toBe('2026-04-21');
    expect(month.byDay.find((d: { date: string }) => d.date === '2026-05-13')).toEqual({ date: '2026-05-13', ...zero, newFans: 1, paidOrders: 1, salesFen: 100 });
    expect(month.totals).toEqual({ newFans: 3, newMembers: 2, paidOrders: 3, salesFen: 6_900, redemptions: 1, convertedFans: 2, conversionBp: 6_666 });
    const today = await perf(h, clerkA, 1);
    expect(today.byDay).toEqual([{ date: '2026-05-20', ...zero, newFans: 1, newMembers: 1, paidOrders: 1, salesFen: 3_800 }]);
    expect(today.totals.conversionBp).toBe(0);
  });

  it("a store manager sees the whole store: every sale (a clerk's or none), store fans, store redemptions", async () => {
    const p = await perf(get(), manager);
    expect(p.scope).toBe('store');
    expect(p.totals).toEqual({ newFans: 4, newMembers: 3, paidOrders: 4, salesFen: 15_800, redemptions: 2, convertedFans: 2, conversionBp: 5_000 });
    expect(p.byDay.find((d: { date: string }) => d.date === '2026-05-16')).toEqual({ date: '2026-05-16', ...zero, paidOrders: 2, salesFen: 9_000 });
  });

  it('the day boundary moves with the clock; bad windows and other principals are refused', async () => {
    const h = get();
    h.clock.set(new Date('2026-05-20T16:00:00.000Z')); // 00:00 Shanghai on 05-21
    const next = await perf(h, clerkA, 1);
    expect(next.byDay).toEqual([{ date: '2026-05-21', ...zero }]);
    h.clock.set(now);
    const bad = await h.http.get('/api/clerk/performance?days=14').set(bearer(staffToken(h, clerkA)));
    expect({ status: bad.status, code: bad.body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    const marketer = (await makeStaff(h, 'marketer')).staff.id;
    expect((await h.http.get('/api/clerk/performance').set(bearer(staffToken(h, marketer)))).status).toBe(403);
    const consumer = await session(h, newOpenid());
    expect((await h.http.get('/api/clerk/performance').set(bearer(consumer.token))).status).toBe(401);
    expect((await h.http.get('/api/clerk/performance')).status).toBe(401);
  });
});
