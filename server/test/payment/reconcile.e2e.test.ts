import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer, member, payInWechat, placeOrder } from '../helpers/flows';
import { makeProduct, makeStore } from '../helpers/fixtures';
import { mapPool } from '../helpers/pool';
import { reconcileOnce } from '../../src/modules/payment/reconciliation';
import { Order } from '../../src/modules/payment/order.entity';
import { Refund } from '../../src/modules/payment/refund.entity';
import { PointsLedger } from '../../src/modules/points/points-ledger.entity';

let phone = 13500000000;

describeEachDb(
  'reconciliation: lost notifications, expired orders, payments after close',
  (get) => {
    let storeId: number;
    let sku: string;
    beforeAll(async () => {
      const h = get();
      storeId = (await makeStore(h)).id;
      sku = (await makeProduct(h, { priceFen: 800 })).sku;
    });
    const minutes = (h: Harness, n: number) => h.clock.advance(n * 60_000);
    const order = (h: Harness, id: number) => h.deps.db.read((em) => em.getRepository(Order).findOneByOrFail({ id }));

    it('repairs every order whose notification WeChat dropped (10 %), crediting each exactly once', async () => {
      const h = get();
      const placed = await mapPool(Array.from({ length: 40 }, (_, i) => i), 6, async () => {
        const m = await member(h, String(++phone));
        const res = await placeOrder(h, m.token, { storeId, items: [{ sku, quantity: 1 }] });
        return { customerId: m.customerId, id: res.body.order.id as number, pkg: res.body.payment.package as string };
      });
      h.pay!.control.setFaults({ dropRate: 0.1, seed: 7 });
      try {
        for (const p of placed) payInWechat(h, p.pkg);
        await h.pay!.control.idle();
      } finally {
        h.pay!.control.setFaults({});
      }
      const dropped = h.pay!.control.deliveries().filter((d) => d.dropped).length;
      const unpaid = (await Promise.all(placed.map((p) => order(h, p.id)))).filter((o) => o.status === 'created');
      expect(dropped).toBeGreaterThan(0);
      expect(unpaid.length).toBe(dropped);

      minutes(h, 6); // past RECONCILE_AFTER_MINUTES (5), inside the 15-minute payment window
      const report = await reconcileOnce(h.ctx);
      expect(report.orders.paid).toBe(unpaid.length);
      for (const p of placed) {
        expect((await order(h, p.id)).status).toBe('paid');
        const credits = await h.deps.db.read((em) => em.getRepository(PointsLedger).countBy({ customerId: p.customerId, reason: 'purchase' }));
        expect(credits).toBe(1);
      }
      // a second pass finds nothing to do
      expect((await reconcileOnce(h.ctx)).orders.paid).toBe(0);
    }, 60_000);

    it('closes an order past its payment window at WeChat and here, giving back its points; a late payment re-instates them', async () => {
      const h = get();
      const m = await member(h, String(++phone));
      const res = await placeOrder(h, m.token, { storeId, items: [{ sku, quantity: 2 }], usePoints: 40 });
      expect(res.body.order.pointsUsed).toBe(40);
      minutes(h, 16);
      const report = await reconcileOnce(h.ctx);
      expect(report.orders.closed).toBeGreaterThanOrEqual(1);
      expect((await order(h, res.body.order.id)).status).toBe('closed');
      expect(h.pay!.control.order(res.body.order.outTradeNo)!.transaction.trade_state).toBe('CLOSED');
      const me = await h.http.get('/api/app/me').set(bearer(m.token));
      expect(me.body.customer.pointsBalance).toBe(1000);
      // paying a closed order again is refused
      const again = await h.http.post(`/api/app/orders/${res.body.order.id}/payment`).set(bearer(m.token));
      expect(again.status).toBe(409);

      // the payment lands anyway (e.g. the customer paid in the last second)
      payInWechat(h, res.body.payment.package, { ignoreClosed: true });
      await h.pay!.control.idle();
      const o = await order(h, res.body.order.id);
      expect(o).toMatchObject({ status: 'paid', paidLate: true, pointsUsedReturned: 0 });
      const ledger = await h.deps.db.read((em) => em.getRepository(PointsLedger).find({ where: { customerId: m.customerId }, order: { id: 'ASC' } }));
      expect(ledger.map((l) => `${l.reason}:${l.delta}`)).toEqual(['welcome:1000', 'order_spend:-40', 'order_release:40', 'order_reinstate:-40', `purchase:${o.pointsEarned}`]);
    });

    it('refunds a late payment automatically when its points are gone, and never returns them twice', async () => {
      const h = get();
      const m = await member(h, String(++phone));
      const res = await placeOrder(h, m.token, { storeId, items: [{ sku, quantity: 2 }], usePoints: 40 });
      minutes(h, 16);
      await reconcileOnce(h.ctx);
      expect((await order(h, res.body.order.id)).status).toBe('closed');
      // the released points are spent on another order before the late payment arrives
      const big = (await makeProduct(h, { priceFen: 500_000 })).sku;
      const spend = await placeOrder(h, m.token, { storeId, items: [{ sku: big, quantity: 1 }], usePoints: true });
      expect(spend.body.order.pointsUsed).toBe(1000);

      payInWechat(h, res.body.payment.package, { ignoreClosed: true });
      await h.pay!.control.idle();
      const o = await order(h, res.body.order.id);
      expect(o).toMatchObject({ status: 'paid', paidLate: true, refundPendingFen: o.payableFen, pointsEarned: 0 });
      const [auto] = await h.deps.db.read((em) => em.getRepository(Refund).findBy({ orderId: o.id }));
      expect(auto).toMatchObject({ status: 'requested', amountFen: o.payableFen, requestedBy: null });

      // the outbox handler sends it in production; here the reconciler's sweep does
      minutes(h, 1);
      const report = await reconcileOnce(h.ctx);
      expect(report.refundsSubmitted).toBe(1);
      await h.pay!.control.idle();
      expect(await order(h, o.id)).toMatchObject({ status: 'refunded', refundedFen: o.payableFen, pointsUsedReturned: 40 });
      const me = await h.http.get('/api/app/me').set(bearer(m.token));
      expect(me.body.customer.pointsBalance).toBe(0); // 1000 − 40 + 40 (release) − 1000: not returned a second time
    });
  },
  { pay: true },
);
