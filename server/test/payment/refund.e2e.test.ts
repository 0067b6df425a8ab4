import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer, member, payInWechat, placeOrder } from '../helpers/flows';
import { makeProduct, makeStaff, makeStore, staffToken } from '../helpers/fixtures';
import { buildNotification, deliver } from '../helpers/wechatpay-notify';
import { Customer } from '../../src/modules/customer/customer.entity';
import { Order } from '../../src/modules/payment/order.entity';
import { Refund } from '../../src/modules/payment/refund.entity';
import { PayNotification } from '../../src/modules/payment/pay-notification.entity';
import { PointsLedger } from '../../src/modules/points/points-ledger.entity';

/** balance = Σ ledger deltas, never negative, and each entry's balanceAfter chains. */
async function expectLedgerInvariants(h: Harness, customerId: number) {
  const { c, ledger } = await h.deps.db.read(async (em) => ({
    c: await em.getRepository(Customer).findOneByOrFail({ id: customerId }),
    ledger: await em.getRepository(PointsLedger).find({ where: { customerId }, order: { id: 'ASC' } }),
  }));
  let running = 0;
  for (const l of ledger) {
    running += l.delta;
    expect(l.balanceAfter).toBe(running);
    expect(running).toBeGreaterThanOrEqual(0);
  }
  expect(c.pointsBalance).toBe(running);
  return { balance: c.pointsBalance, ledger };
}

let phone = 13600000000;

function refundSuite(name: string, payOpts: object, body: (get: () => Harness, ctx: () => { storeId: number; sku: string; admin: string }) => void) {
  describeEachDb(
    name,
    (get) => {
      let storeId: number;
      let sku: string;
      let admin: string;
      beforeAll(async () => {
        const h = get();
        storeId = (await makeStore(h)).id;
        sku = (await makeProduct(h, { priceFen: 500 })).sku;
        admin = staffToken(h, (await makeStaff(h, 'admin')).staff.id);
      });
      body(get, () => ({ storeId, sku, admin }));
    },
    { pay: payOpts },
  );
}

/** A member's paid order: 3 × 5.00 = 15.00, 50 points used as cash → 10.00 paid, 10 points earned. */
async function paidOrder(h: Harness, storeId: number, sku: string) {
  const m = await member(h, String(++phone));
  const res = await placeOrder(h, m.token, { storeId, items: [{ sku, quantity: 3 }], usePoints: 50 });
  expect(res.body.order).toMatchObject({ payableFen: 1000, pointsUsed: 50 });
  payInWechat(h, res.body.payment.package);
  await h.pay!.control.idle();
  return { ...m, order: res.body.order as { id: number; outTradeNo: string } };
}

const refund = (h: Harness, token: string, orderId: number, amountFen: number, requestNo: string) =>
  h.http.post(`/api/admin/orders/${orderId}/refunds`).set(bearer(token)).send({ amountFen, reason: '顾客退货', requestNo });

refundSuite('refunds through WeChat Pay', {}, (get, c) => {
  it('partial then full: points returned and reversed in proportion, exactly, ledger invariants hold', async () => {
    const h = get();
    const { storeId, sku, admin } = c();
    const m = await paidOrder(h, storeId, sku);
    expect((await expectLedgerInvariants(h, m.customerId)).balance).toBe(1000 - 50 + 10);

    const r1 = await refund(h, admin, m.order.id, 300, 'req-partial-1');
    expect(r1.status).toBe(201);
    expect(r1.body.refund).toMatchObject({ amountFen: 300, status: 'processing' });
    await h.pay!.control.idle();
    let o = await h.deps.db.read((em) => em.getRepository(Order).findOneByOrFail({ id: m.order.id }));
    expect(o).toMatchObject({ status: 'partially_refunded', refundedFen: 300, refundPendingFen: 0, pointsUsedReturned: 15, pointsEarnedReversed: 3 });

    const r2 = await refund(h, admin, m.order.id, 700, 'req-rest-2');
    expect(r2.status).toBe(201);
    await h.pay!.control.idle();
    o = await h.deps.db.read((em) => em.getRepository(Order).findOneByOrFail({ id: m.order.id }));
    expect(o).toMatchObject({ status: 'refunded', refundedFen: 1000, pointsUsedReturned: 50, pointsEarnedReversed: 10 });
    const { balance, ledger } = await expectLedgerInvariants(h, m.customerId);
    expect(balance).toBe(1000);
    expect(ledger.map((l) => `${l.reason}:${l.delta}`)).toEqual(['welcome:1000', 'order_spend:-50', 'purchase:10', 'refund_return:15', 'refund_reversal:-3', 'refund_return:35', 'refund_reversal:-7']);
    const cust = await h.deps.db.read((em) => em.getRepository(Customer).findOneByOrFail({ id: m.customerId }));
    expect({ orderCount: cust.orderCount, spend: cust.totalSpendFen }).toEqual({ orderCount: 0, spend: 0 });
    // nothing left to refund
    const r3 = await refund(h, admin, m.order.id, 1, 'req-more-3');
    expect(r3.status).toBe(409);
    expect(r3.body.code).toBe('ORDER_NOT_REFUNDABLE');
  });

  it('a retried request returns the same refund; the same number with another amount is refused', async () => {
    const h = get();
    const { storeId, sku, admin } = c();
    const m = await paidOrder(h, storeId, sku);
    const a = await refund(h, admin, m.order.id, 200, 'req-retry');
    const b = await refund(h, admin, m.order.id, 200, 'req-retry');
    expect(b.status).toBe(201);
    expect(b.body.refund.id).toBe(a.body.refund.id);
    expect(b.body.refund.outRefundNo).toBe(a.body.refund.outRefundNo);
    const other = await refund(h, admin, m.order.id, 300, 'req-retry');
    expect(other.status).toBe(422);
    await h.pay!.control.idle();
    const refunds = await h.deps.db.read((em) => em.getRepository(Refund).findBy({ orderId: m.order.id }));
    expect(refunds).toHaveLength(1);
    expect(h.pay!.control.order(m.order.outTradeNo)!.refunds).toHaveLength(1);
  });

  it('concurrent refund requests never exceed what was paid', async () => {
    const h = get();
    const { storeId, sku, admin } = c();
    const m = await paidOrder(h, storeId, sku);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => refund(h, admin, m.order.id, 400, `req-race-${i}`)));
    const ok = results.filter((r) => r.status === 201);
    expect(ok).toHaveLength(2);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'REFUND_EXCEEDS_PAID')).toBe(true);
    await h.pay!.control.idle();
    const o = await h.deps.db.read((em) => em.getRepository(Order).findOneByOrFail({ id: m.order.id }));
    expect(o.refundedFen + o.refundPendingFen).toBe(800);
    await expectLedgerInvariants(h, m.customerId);
  });

  it('reverses earned points only down to zero when they were already spent, and records the shortfall', async () => {
    const h = get();
    const { storeId, admin } = c();
    const big = (await makeProduct(h, { priceFen: 100_000 })).sku;
    const m = await member(h, String(++phone));
    // order A earns 1,000 points (1,000 yuan paid)
    const a = await placeOrder(h, m.token, { storeId, items: [{ sku: big, quantity: 1 }] });
    payInWechat(h, a.body.payment.package);
    await h.pay!.control.idle();
    // order B spends all 2,000 points as cash, then earns 800 on the 800 yuan paid
    const b = await placeOrder(h, m.token, { storeId, items: [{ sku: big, quantity: 1 }], usePoints: true });
    expect(b.body.order).toMatchObject({ pointsUsed: 2000, payableFen: 80_000 });
    payInWechat(h, b.body.payment.package);
    await h.pay!.control.idle();
    expect((await expectLedgerInvariants(h, m.customerId)).balance).toBe(800);

    // refunding A would take back 1,000 points; only 800 are left
    const r = await refund(h, admin, a.body.order.id, 100_000, 'req-shortfall');
    expect(r.status).toBe(201);
    await h.pay!.control.idle();
    const row = await h.deps.db.read((em) => em.getRepository(Refund).findOneByOrFail({ id: r.body.refund.id }));
    expect(row).toMatchObject({ status: 'success', pointsReturned: 0, pointsReversed: 800, pointsUnrecovered: 200 });
    expect((await expectLedgerInvariants(h, m.customerId)).balance).toBe(0);
  });

  it('store managers refund their own store only; clerks and marketers cannot', async () => {
    const h = get();
    const { storeId, sku } = c();
    const m = await paidOrder(h, storeId, sku);
    const mine = staffToken(h, (await makeStaff(h, 'store_manager', storeId)).staff.id);
    const otherStore = (await makeStore(h)).id;
    const theirs = staffToken(h, (await makeStaff(h, 'store_manager', otherStore)).staff.id);
    const clerk = staffToken(h, (await makeStaff(h, 'clerk', storeId)).staff.id);
    const marketer = staffToken(h, (await makeStaff(h, 'marketer')).staff.id);
    const send = (token: string, path: string) => h.http.post(path).set(bearer(token)).send({ amountFen: 100, reason: '退货', requestNo: `req-${token.slice(-8)}` });
    expect((await send(theirs, `/api/clerk/orders/${m.order.id}/refunds`)).status).toBe(404);
    expect((await send(clerk, `/api/clerk/orders/${m.order.id}/refunds`)).status).toBe(403);
    expect((await send(marketer, `/api/admin/orders/${m.order.id}/refunds`)).status).toBe(403);
    const ok = await send(mine, `/api/clerk/orders/${m.order.id}/refunds`);
    expect(ok.status).toBe(201);
    await h.pay!.control.idle();
  });

  it('a closed refund releases its reservation; the amount can be refunded again', async () => {
    const h = get();
    const { storeId, sku, admin } = c();
    const m = await paidOrder(h, storeId, sku);
    h.pay!.control.setFaults({ refundOutcome: 'CLOSED' });
    try {
      const r = await refund(h, admin, m.order.id, 1000, 'req-closed');
      expect(r.status).toBe(201);
      await h.pay!.control.idle();
    } finally {
      h.pay!.control.setFaults({});
    }
    let o = await h.deps.db.read((em) => em.getRepository(Order).findOneByOrFail({ id: m.order.id }));
    expect(o).toMatchObject({ status: 'paid', refundedFen: 0, refundPendingFen: 0 });
    const again = await refund(h, admin, m.order.id, 1000, 'req-again');
    expect(again.status).toBe(201);
    await h.pay!.control.idle();
    o = await h.deps.db.read((em) => em.getRepository(Order).findOneByOrFail({ id: m.order.id }));
    expect(o.status).toBe('refunded');
    await expectLedgerInvariants(h, m.customerId);
  });
});

refundSuite('refund notifications out of order and duplicated', { refundDelayMs: 3_600_000_000 }, (get, c) => {
  it('applies each refund once whatever the order of arrival, with exact cumulative points', async () => {
    const h = get();
    const { storeId, sku, admin } = c();
    const m = await paidOrder(h, storeId, sku);
    const r1 = (await refund(h, admin, m.order.id, 333, 'ooo-first')).body.refund;
    const r2 = (await refund(h, admin, m.order.id, 667, 'ooo-second')).body.refund;
    const note = (r: { outRefundNo: string; amountFen: number }) =>
      buildNotification(
        h.pay!.keys,
        {
          mchid: h.pay!.keys.mchid,
          out_trade_no: m.order.outTradeNo,
          transaction_id: '4200000000000000000000000001',
          out_refund_no: r.outRefundNo,
          refund_id: `50000${r.outRefundNo.slice(-10)}`,
          refund_status: 'SUCCESS',
          success_time: '2026-11-22T10:00:12+08:00',
          user_received_account: '支付用户零钱',
          amount: { total: 1000, refund: r.amountFen, payer_total: 1000, payer_refund: r.amountFen },
        },
        { eventType: 'REFUND.SUCCESS', originalType: 'refund' },
      );
    const n1 = note(r1);
    const n2 = note(r2);
    // the second refund's notification first, then duplicates of both, concurrently
    expect((await deliver(h, n2, 'refund')).status).toBe(204);
    const statuses = await Promise.all([n1, n2, n1, n1, n2].map((n) => deliver(h, n, 'refund')));
    expect(statuses.map((s) => s.status)).toEqual([204, 204, 204, 204, 204]);
    const o = await h.deps.db.read((em) => em.getRepository(Order).findOneByOrFail({ id: m.order.id }));
    expect(o).toMatchObject({ status: 'refunded', refundedFen: 1000, refundPendingFen: 0, pointsUsedReturned: 50, pointsEarnedReversed: 10 });
    const { balance } = await expectLedgerInvariants(h, m.customerId);
    expect(balance).toBe(1000);
    // a refund notification for an amount we never asked for is quarantined
    const forged = note({ outRefundNo: r1.outRefundNo, amountFen: 999 });
    expect((await deliver(h, forged, 'refund')).status).toBe(204);
    const stored = await h.deps.db.read((em) => em.getRepository(PayNotification).findOneByOrFail({ notifyId: forged.id }));
    expect(stored).toMatchObject({ status: 'quarantined', reason: 'refund amount 999 != 333' });
  });
});
