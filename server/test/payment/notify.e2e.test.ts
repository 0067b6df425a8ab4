import http from 'node:http';
import fc from 'fast-check';
import { Formatter } from 'wechatpay-axios-plugin';
import { describeEachDb, type Harness } from '../helpers/harness';
import { member, placeOrder } from '../helpers/flows';
import { makeProduct, makeStore } from '../helpers/fixtures';
import { buildNotification, deliver, paidTransaction, sign } from '../helpers/wechatpay-notify';
import { Order } from '../../src/modules/payment/order.entity';
import { PayNotification } from '../../src/modules/payment/pay-notification.entity';
import { PointsLedger } from '../../src/modules/points/points-ledger.entity';
import { OutboxEvent } from '../../src/events/outbox-event.entity';

describeEachDb(
  'WeChat Pay notifications: verification, decryption, idempotency',
  (get) => {
    let storeId: number;
    let sku: string;
    let phone = 13900000000;
    beforeAll(async () => {
      const h = get();
      storeId = (await makeStore(h)).id;
      sku = (await makeProduct(h, { priceFen: 1990 })).sku;
    });

    async function unpaidOrder(h: Harness) {
      const m = await member(h, String(++phone));
      const res = await placeOrder(h, m.token, { storeId, items: [{ sku, quantity: 1 }] });
      if (res.status !== 201) throw new Error(JSON.stringify(res.body));
      return { ...m, order: res.body.order as { id: number; outTradeNo: string; payableFen: number } };
    }
    const orderRow = (h: Harness, id: number) => get().deps.db.read((em) => em.getRepository(Order).findOneByOrFail({ id }));
    const notifications = (h: Harness, outTradeNo: string) => h.deps.db.read((em) => em.getRepository(PayNotification).findBy({ outTradeNo }));

    it('accepts a notification built by an independent implementation (public-key and certificate mode) and pays once', async () => {
      const h = get();
      for (const certMode of [false, true]) {
        const { order, customerId } = await unpaidOrder(h);
        const n = buildNotification(h.pay!.keys, paidTransaction(h, order), { certMode });
        const res = await deliver(h, n);
        expect(res.status).toBe(204);
        const replay = await deliver(h, n);
        expect(replay.status).toBe(204);
        expect((await orderRow(h, order.id)).status).toBe('paid');
        expect(await notifications(h, order.outTradeNo)).toHaveLength(1);
        const earned = await h.deps.db.read((em) => em.getRepository(PointsLedger).findBy({ customerId, reason: 'purchase' }));
        expect(earned.map((l) => l.delta)).toEqual([19]);
      }
    });

    it('verifies the raw bytes: bodies whose parse/stringify round trip changes them still verify', async () => {
      const h = get();
      const serializers = [
        (e: object) => JSON.stringify(e, null, 2),
        (e: object) => JSON.stringify(e).replace(/支付成功/g, '\\u652f\\u4ed8\\u6210\\u529f'),
        (e: object) => `  ${JSON.stringify(e).replace(/,/g, ' , ')}\n`,
      ];
      for (const serialize of serializers) {
        const { order } = await unpaidOrder(h);
        const n = buildNotification(h.pay!.keys, paidTransaction(h, order), { serialize });
        expect(JSON.stringify(JSON.parse(n.body))).not.toBe(n.body);
        expect((await deliver(h, n)).status).toBe(204);
        expect((await orderRow(h, order.id)).status).toBe('paid');
        const [stored] = await notifications(h, order.outTradeNo);
        expect(stored.body).toBe(n.body);
      }
    });

    it('rejects every tampered, mis-keyed, stale or probing notification with FAIL and no state change (property, ≥1,000 mutations)', async () => {
      const h = get();
      const { order } = await unpaidOrder(h);
      const good = buildNotification(h.pay!.keys, paidTransaction(h, order));
      const now = Math.floor(h.clock.now().getTime() / 1000);
      const mutation = fc.oneof(
        // one byte of the body flipped anywhere
        fc.record({ kind: fc.constant('flip' as const), at: fc.nat({ max: good.body.length - 1 }), bit: fc.integer({ min: 0, max: 6 }) }),
        // a header byte changed
        fc.record({ kind: fc.constant('header' as const), name: fc.constantFrom('Wechatpay-Signature', 'Wechatpay-Nonce', 'Wechatpay-Timestamp'), at: fc.nat(), bit: fc.integer({ min: 0, max: 5 }) }),
        fc.record({ kind: fc.constant('stale' as const), skew: fc.oneof(fc.integer({ min: 301, max: 86_400 }), fc.integer({ min: -86_400, max: -301 })) }),
        fc.record({ kind: fc.constant('serial' as const), serial: fc.constantFrom('PUB_KEY_ID_0000000000000000000000000000000000', '5157F09EFDC096DE15EBE81A47057A7232F1B8E1', h.pay!.keys.merchant.serial, '') }),
        fc.record({ kind: fc.constant('probe' as const), suffix: fc.string({ maxLength: 20 }) }),
        fc.record({ kind: fc.constant('wrongKey' as const) }),
        fc.record({ kind: fc.constant('gcmTag' as const), at: fc.integer({ min: 1, max: 16 }) }),
        fc.record({ kind: fc.constant('aad' as const), aad: fc.constantFrom('', 'refund', 'certificate', 'transactionX') }),
      );
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(mutation, async (m) => {
          runs++;
          let body: string | Buffer = good.body;
          let headers = { ...good.headers };
          switch (m.kind) {
            case 'flip': {
              const bytes = Buffer.from(good.body, 'utf8');
              bytes[m.at % bytes.length] ^= 1 << m.bit; // sent as raw bytes: may not even be valid UTF-8
              body = bytes;
              break;
            }
            case 'header': {
              // another printable character (a header can only carry those)
              const v = headers[m.name];
              const i = m.at % v.length;
              const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
              const c = alphabet[(alphabet.indexOf(v[i]) + 1 + m.bit) % alphabet.length];
              headers[m.name] = v.slice(0, i) + c + v.slice(i + 1);
              break;
            }
            case 'stale':
              headers = sign(h.pay!.keys, good.body, { ts: now + m.skew });
              break;
            case 'serial':
              headers['Wechatpay-Serial'] = m.serial;
              break;
            case 'probe':
              headers['Wechatpay-Signature'] = `WECHATPAY/SIGNTEST/${m.suffix}`;
              break;
            case 'wrongKey':
              // signed by the certificate key but announced as the public key id
              headers = { ...sign(h.pay!.keys, good.body, { certMode: true }), 'Wechatpay-Serial': h.pay!.keys.platform.publicKeyId };
              break;
            case 'gcmTag': {
              const env = JSON.parse(good.body);
              const ct = Buffer.from(env.resource.ciphertext, 'base64');
              ct[ct.length - m.at] ^= 0x01;
              env.resource.ciphertext = ct.toString('base64');
              body = JSON.stringify(env);
              headers = sign(h.pay!.keys, body); // validly signed: only the GCM tag can catch it
              break;
            }
            case 'aad': {
              const env = JSON.parse(good.body);
              env.resource.associated_data = m.aad;
              body = JSON.stringify(env);
              headers = sign(h.pay!.keys, body);
              break;
            }
          }
          const res = await deliver(h, { body, headers });
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(await res.json()).toMatchObject({ code: 'FAIL' });
        }),
        { numRuns: 1000 },
      );
      expect(runs).toBeGreaterThanOrEqual(1000);
      expect((await orderRow(h, order.id)).status).toBe('created');
      expect(await notifications(h, order.outTradeNo)).toHaveLength(0);
      // the untouched notification still works afterwards
      expect((await deliver(h, good)).status).toBe(204);
      expect((await orderRow(h, order.id)).status).toBe('paid');
    }, 120_000);

    it('quarantines signed but inconsistent payments: no credit, an alert event', async () => {
      const h = get();
      const variants: [string, (t: ReturnType<typeof paidTransaction>) => object][] = [
        ['amount', (t) => ({ ...t, amount: { ...t.amount, total: t.amount.total - 1 } })],
        ['appid', (t) => ({ ...t, appid: 'wx0000000000000bad' })],
        ['mchid', (t) => ({ ...t, mchid: '1999999999' })],
        ['currency', (t) => ({ ...t, amount: { ...t.amount, currency: 'USD' } })],
        ['state', (t) => ({ ...t, trade_state: 'NOTPAY' })],
      ];
      for (const [what, mutate] of variants) {
        const { order, customerId } = await unpaidOrder(h);
        const n = buildNotification(h.pay!.keys, mutate(paidTransaction(h, order)));
        expect((await deliver(h, n)).status).toBe(204);
        expect({ what, status: (await orderRow(h, order.id)).status }).toEqual({ what, status: 'created' });
        const [stored] = await notifications(h, order.outTradeNo);
        expect({ what, status: stored.status }).toEqual({ what, status: 'quarantined' });
        const earned = await h.deps.db.read((em) => em.getRepository(PointsLedger).countBy({ customerId, reason: 'purchase' }));
        expect(earned).toBe(0);
        const alerts = await h.deps.db.read((em) => em.getRepository(OutboxEvent).createQueryBuilder('e').where('e.type = :t AND e.payload LIKE :p', { t: 'payment.quarantined', p: `%${order.outTradeNo}%` }).getCount());
        expect(alerts).toBe(1);
      }
      // an unknown order is quarantined too
      const stray = buildNotification(h.pay!.keys, paidTransaction(h, { outTradeNo: 'NOSUCHORDER0001', payableFen: 100 }));
      expect((await deliver(h, stray)).status).toBe(204);
      expect((await notifications(h, 'NOSUCHORDER0001'))[0].status).toBe('quarantined');
    });

    it('ignores other event types at the transaction URL (recorded, no effect)', async () => {
      const h = get();
      const { order } = await unpaidOrder(h);
      const n = buildNotification(h.pay!.keys, paidTransaction(h, order), { eventType: 'REFUND.SUCCESS' });
      expect((await deliver(h, n)).status).toBe(204);
      expect((await orderRow(h, order.id)).status).toBe('created');
      expect((await notifications(h, order.outTradeNo))[0].status).toBe('ignored');
    });

    it('rejects junk without touching the database: not JSON, too large, no headers', async () => {
      const h = get();
      const junk = '{"id": "x"';
      expect((await deliver(h, { body: junk, headers: sign(h.pay!.keys, junk) })).status).toBe(400);
      const big = 'x'.repeat(70 * 1024);
      expect((await deliver(h, { body: big, headers: sign(h.pay!.keys, big) })).status).toBe(413);
      const res = await deliver(h, { body: '{}', headers: { 'Content-Type': 'application/json' } });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ code: 'FAIL', message: expect.stringContaining('missing_headers') });
      expect(Formatter.nonce().length).toBe(32);
    });

    it('an oversized notification on a keep-alive connection gets a whole 413 with Connection: close, and the next notification is served (hardening 8)', async () => {
      const h = get();
      const { order } = await unpaidOrder(h);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const send = (body: string, headers: Record<string, string>) =>
        new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
          const u = new URL('/notify/wechat-pay/transaction', h.baseUrl);
          const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
            let text = '';
            res.on('data', (c) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: text }));
          });
          req.on('error', reject);
          req.end(body);
        });
      try {
        const big = 'x'.repeat(200 * 1024);
        const refused = await send(big, sign(h.pay!.keys, big));
        expect(refused).toMatchObject({ status: 413, connection: 'close' });
        expect(JSON.parse(refused.body)).toEqual({ code: 'FAIL', message: 'body too large' });
        const n = buildNotification(h.pay!.keys, paidTransaction(h, order));
        expect((await send(n.body, n.headers)).status).toBe(204);
        expect((await orderRow(h, order.id)).status).toBe('paid');
      } finally {
        agent.destroy();
      }
    });

    it('a known notification id with different content is quarantined and alerted, not thrown away (hardening 7)', async () => {
      const h = get();
      const a = await unpaidOrder(h);
      const b = await unpaidOrder(h);
      const first = buildNotification(h.pay!.keys, paidTransaction(h, a.order));
      expect((await deliver(h, first)).status).toBe(204);
      // Signed, for order B, but carrying A's notification id.
      const reused = buildNotification(h.pay!.keys, paidTransaction(h, b.order), { id: first.id });
      for (let i = 0; i < 2; i++) expect((await deliver(h, reused)).status).toBe(204);
      const recorded = await notifications(h, b.order.outTradeNo);
      expect(recorded).toHaveLength(1);
      expect(recorded[0]).toMatchObject({ status: 'quarantined', reason: expect.stringContaining('reused with different content') });
      expect(recorded[0].notifyId.startsWith(`${first.id}#`)).toBe(true);
      const alerts = await h.deps.db.read((em) => em.getRepository(OutboxEvent).findBy({ type: 'payment.quarantined' }));
      expect(alerts.filter((e) => JSON.stringify(e.payload).includes(b.order.outTradeNo))).toHaveLength(1);
      expect((await orderRow(h, b.order.id)).status).toBe('created'); // no credit from a quarantined notification
      expect((await orderRow(h, a.order.id)).status).toBe('paid');
    });

    it('a redelivery after commit (crash before the answer) is a no-op', async () => {
      const h = get();
      const { order, customerId } = await unpaidOrder(h);
      const n = buildNotification(h.pay!.keys, paidTransaction(h, order));
      expect((await deliver(h, n)).status).toBe(204);
      const before = await h.deps.db.read(async (em) => ({
        ledger: await em.getRepository(PointsLedger).countBy({ customerId }),
        events: await em.getRepository(OutboxEvent).count(),
      }));
      for (let i = 0; i < 3; i++) expect((await deliver(h, { body: n.body, headers: sign(h.pay!.keys, n.body) })).status).toBe(204);
      const after = await h.deps.db.read(async (em) => ({
        ledger: await em.getRepository(PointsLedger).countBy({ customerId }),
        events: await em.getRepository(OutboxEvent).count(),
      }));
      expect(after).toEqual(before);
    });
  },
  { pay: true },
);
