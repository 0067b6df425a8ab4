import crypto from 'node:crypto';
import { describeEachDb } from '../helpers/harness';
import { bearer, idemKey, member, payInWechat, placeOrder } from '../helpers/flows';
import { makeProduct, makeStore } from '../helpers/fixtures';
import { Order } from '../../src/modules/payment/order.entity';
import { PointsLedger } from '../../src/modules/points/points-ledger.entity';
import { Customer } from '../../src/modules/customer/customer.entity';
import { CustomerTag } from '../../src/modules/tag/customer-tag.entity';
import { OutboxWorker } from '../../src/events/outbox-worker';
import { Category } from '../../src/modules/catalogue/category.entity';
import { registerHandlers } from '../../src/events/handlers';

describeEachDb(
  'pre-order → WeChat Pay → notification',
  (get) => {
    let storeId: number;
    let nutSku: string;
    let teaSku: string;
    beforeAll(async () => {
      const h = get();
      storeId = (await makeStore(h)).id;
      nutSku = (await makeProduct(h, { category: '坚果', priceFen: 250, memberPriceFen: 190, memberPoints: 6 })).sku;
      teaSku = (await makeProduct(h, { category: '饮品', priceFen: 500 })).sku;
    });

    it('creates an order at member prices with points reserved, and a correctly signed requestPayment', async () => {
      const h = get();
      const m = await member(h, '13800000001');
      const res = await placeOrder(h, m.token, { storeId, items: [{ sku: nutSku, quantity: 2 }, { sku: teaSku, quantity: 1 }] });
      expect(res.status).toBe(201);
      const { order, payment } = res.body;
      expect(order).toMatchObject({ status: 'created', totalFen: 880, memberSavingFen: 120, pointsUsed: 12, payableFen: 880, discountFen: 0, pickupCode: null });
      expect(order.outTradeNo).toMatch(/^\d{8}[0-9A-Z]{16}$/);
      expect(Object.keys(payment).sort()).toEqual(['nonceStr', 'package', 'paySign', 'signType', 'timeStamp']);
      expect(payment.signType).toBe('RSA');
      const message = `${h.config.wechat.appid}\n${payment.timeStamp}\n${payment.nonceStr}\n${payment.package}\n`;
      const merchantPub = new crypto.X509Certificate(h.pay!.keys.merchant.certPem).publicKey;
      expect(crypto.createVerify('RSA-SHA256').update(message).verify(merchantPub, payment.paySign, 'base64')).toBe(true);
      // the 12 member-price points are reserved in the ledger
      const me = await h.http.get('/api/app/me').set(bearer(m.token));
      expect(me.body.customer.pointsBalance).toBe(1000 - 12);
      // WeChat received exactly our amount and our order number
      const wx = h.pay!.control.order(order.outTradeNo)!;
      expect(wx.transaction).toMatchObject({ out_trade_no: order.outTradeNo, trade_state: 'NOTPAY', amount: { total: 880 } });
      expect(wx.notifyUrl).toBe(`${h.baseUrl}/notify/wechat-pay/transaction`);
    });

    it('pays once: order paid, points earned, stats and purchase tags, pickup code shown', async () => {
      const h = get();
      const m = await member(h, '13800000002');
      const { body } = await placeOrder(h, m.token, { storeId, items: [{ sku: teaSku, quantity: 3 }] });
      const paid = payInWechat(h, body.payment.package);
      await h.pay!.control.idle();
      const detail = await h.http.get(`/api/app/orders/${body.order.id}`).set(bearer(m.token));
      expect(detail.body.order).toMatchObject({ status: 'paid', payableFen: 1500, pointsEarned: 15 });
      expect(detail.body.order.pickupCode).toMatch(/^\d{6}$/);
      const ledger = await h.deps.db.read((em) => em.getRepository(PointsLedger).findBy({ customerId: m.customerId }));
      expect(ledger.map((l) => [l.reason, l.delta]).sort()).toEqual([['purchase', 15], ['welcome', 1000]]);
      const c = await h.deps.db.read((em) => em.getRepository(Customer).findOneByOrFail({ id: m.customerId }));
      expect({ orderCount: c.orderCount, totalSpendFen: c.totalSpendFen, balance: c.pointsBalance }).toEqual({ orderCount: 1, totalSpendFen: 1500, balance: 1015 });
      expect(c.lastPurchaseAt).not.toBeNull();
      // The category-preference tag follows after commit, from `order.paid` (the tag module's handler).
      const worker = new OutboxWorker(h.deps, { pollMs: 50, backoffMs: () => 0 });
      registerHandlers(worker, h.deps);
      while ((await worker.runOnce()) > 0);
      const tags = await h.deps.db.read((em) => em.getRepository(CustomerTag).findBy({ customerId: m.customerId }));
      const tea = await h.deps.db.read((em) => em.getRepository(Category).findOneByOrFail({ name: '饮品' }));
      expect(tags.filter((t) => t.source === 'purchase')).toEqual([expect.objectContaining({ tagId: tea.tagId })]);
      // the emulator saw one acknowledged delivery
      const sent = h.pay!.control.deliveries().filter((d) => d.notificationId === paid.notificationId);
      expect(sent.map((d) => d.status)).toEqual([204]);
    });

    it('is idempotent by Idempotency-Key: same body → same order; other body → 422; none → 400', async () => {
      const h = get();
      const m = await member(h, '13800000003');
      const key = idemKey();
      const body = { storeId, items: [{ sku: teaSku, quantity: 1 }] };
      const a = await placeOrder(h, m.token, body, key);
      const b = await placeOrder(h, m.token, { ...body, items: [...body.items] }, key);
      expect(a.status).toBe(201);
      expect(b.status).toBe(201);
      expect(b.body.order.id).toBe(a.body.order.id);
      expect(b.body.payment.package).toBe(a.body.payment.package);
      const c = await placeOrder(h, m.token, { ...body, items: [{ sku: teaSku, quantity: 2 }] }, key);
      expect(c.status).toBe(422);
      expect(c.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      const d = await h.http.post('/api/app/orders').set(bearer(m.token)).send(body);
      expect(d.status).toBe(400);
      expect(d.body.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
      const count = await h.deps.db.read((em) => em.getRepository(Order).countBy({ customerId: m.customerId }));
      expect(count).toBe(1);
    });

    it('concurrent requests with one key create one order and reserve points once', async () => {
      const h = get();
      const m = await member(h, '13800000004');
      const key = idemKey();
      const results = await Promise.all(Array.from({ length: 8 }, () => placeOrder(h, m.token, { storeId, items: [{ sku: nutSku, quantity: 1 }] }, key)));
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
      expect(new Set(results.map((r) => r.body.order.id)).size).toBe(1);
      const me = await h.http.get('/api/app/me').set(bearer(m.token));
      expect(me.body.customer.pointsBalance).toBe(1000 - 6);
    });

    it('re-initiating payment for an unpaid order reuses its out_trade_no', async () => {
      const h = get();
      const m = await member(h, '13800000005');
      const { body } = await placeOrder(h, m.token, { storeId, items: [{ sku: teaSku, quantity: 1 }] });
      const again = await h.http.post(`/api/app/orders/${body.order.id}/payment`).set(bearer(m.token));
      expect(again.status).toBe(200);
      expect(again.body.payment.package).toBe(body.payment.package);
      expect(h.pay!.control.state.orders.size).toBeGreaterThan(0);
      const other = await member(h, '13800000006');
      expect((await h.http.post(`/api/app/orders/${body.order.id}/payment`).set(bearer(other.token))).status).toBe(404);
      expect((await h.http.get(`/api/app/orders/${body.order.id}`).set(bearer(other.token))).status).toBe(404);
    });

    it('rejects bad orders with clear codes and changes nothing', async () => {
      const h = get();
      const m = await member(h, '13800000007');
      const cases: [object, number, string][] = [
        [{ storeId, items: [{ sku: 'NOPE', quantity: 1 }] }, 409, 'PRODUCT_UNAVAILABLE'],
        [{ storeId: 999999, items: [{ sku: teaSku, quantity: 1 }] }, 404, 'NOT_FOUND'],
        [{ storeId, items: [] }, 400, 'VALIDATION_FAILED'],
        [{ storeId, items: [{ sku: teaSku, quantity: 0 }] }, 400, 'VALIDATION_FAILED'],
        [{ storeId, items: [{ sku: teaSku, quantity: 1 }, { sku: teaSku, quantity: 1 }] }, 400, 'VALIDATION_FAILED'],
        [{ storeId, items: [{ sku: teaSku, quantity: 1 }], usePoints: 100_000 }, 409, 'POINTS_INSUFFICIENT'],
        [{ storeId, items: [{ sku: teaSku, quantity: 1 }], usePoints: 26 }, 409, 'POINTS_OFFSET_TOO_LARGE'],
        [{ storeId, items: [{ sku: teaSku, quantity: 1 }], couponId: 1 }, 409, 'COUPON_NOT_USABLE'],
        [{ storeId, items: [{ sku: teaSku, quantity: 1.5 }] }, 400, 'VALIDATION_FAILED'],
        [{ storeId, items: [{ sku: teaSku, quantity: 1 }], extra: true }, 400, 'VALIDATION_FAILED'],
      ];
      for (const [body, status, code] of cases) {
        const res = await placeOrder(h, m.token, body);
        expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status, code });
      }
      const count = await h.deps.db.read((em) => em.getRepository(Order).countBy({ customerId: m.customerId }));
      expect(count).toBe(0);
      const me = await h.http.get('/api/app/me').set(bearer(m.token));
      expect(me.body.customer.pointsBalance).toBe(1000);
    });

    it('uses points as cash within the cap and earns on the cash paid', async () => {
      const h = get();
      const m = await member(h, '13800000008');
      const res = await placeOrder(h, m.token, { storeId, items: [{ sku: teaSku, quantity: 1 }], usePoints: true });
      expect(res.body.order).toMatchObject({ pointsUsed: 25, pointsDeductionFen: 250, payableFen: 250, discountFen: 250 });
      payInWechat(h, res.body.payment.package);
      await h.pay!.control.idle();
      const me = await h.http.get('/api/app/me').set(bearer(m.token));
      expect(me.body.customer.pointsBalance).toBe(1000 - 25 + 2);
    });
  },
  { pay: true },
);
