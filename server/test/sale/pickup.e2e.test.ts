import { shanghaiDay, shanghaiDayStart } from '@o2o/shared';
import type { Deps } from '../../src/context';
import { registerHandlers } from '../../src/events/handlers';
import { OutboxEvent } from '../../src/events/outbox-event.entity';
import { OutboxWorker } from '../../src/events/outbox-worker';
import { sendPickupReminder } from '../../src/modules/payment/pickup-reminder';
import { Order } from '../../src/modules/payment/order.entity';
import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer, member, payInWechat, placeOrder } from '../helpers/flows';
import { makeProduct, makeStaff, makeStore, staffToken } from '../helpers/fixtures';

let phone = 13500000000 + (process.pid % 1000) * 10_000;
const TPL = 'TPL_PICKUP';
// Noon in Shanghai today: every order of the suite is paid on one Shanghai day, whenever the suite runs.
const NOON = new Date(shanghaiDayStart(shanghaiDay(Date.now())).getTime() + 12 * 3_600_000);

describeEachDb(
  'pre-order pickup at the counter, and the 取餐提醒 subscribe message',
  (get) => {
    let storeA: { id: number; name: string };
    let storeB: number;
    let sku: string;
    let clerkA: number;
    let clerkB: number;
    let admin: string;
    const tokA = () => staffToken(get(), clerkA);
    const tokB = () => staffToken(get(), clerkB);

    beforeAll(async () => {
      const h = get();
      storeA = await makeStore(h);
      storeB = (await makeStore(h)).id;
      sku = (await makeProduct(h, { priceFen: 500 })).sku;
      clerkA = (await makeStaff(h, 'clerk', storeA.id)).staff.id;
      clerkB = (await makeStaff(h, 'clerk', storeB)).staff.id;
      admin = staffToken(h, (await makeStaff(h, 'admin')).staff.id);
    });
    beforeEach(() => get().clock.set(NOON));

    /** A member's pre-order at `storeId`, paid through the emulator (unless `pay: false`). */
    const preorder = async (h: Harness, storeId: number, opts: { pay?: boolean; quantity?: number; m?: Awaited<ReturnType<typeof member>> } = {}) => {
      const m = opts.m ?? (await member(h, String(++phone)));
      const res = await placeOrder(h, m.token, { storeId, items: [{ sku, quantity: opts.quantity ?? 2 }] });
      if (res.status !== 201) throw new Error(`order ${res.status} ${JSON.stringify(res.body)}`);
      if (opts.pay !== false) {
        payInWechat(h, res.body.payment.package);
        await h.pay!.control.idle();
      }
      const row = await h.deps.db.read((em) => em.getRepository(Order).findOneByOrFail({ id: res.body.order.id }));
      return { m, id: row.id, code: row.pickupCode, row };
    };
    const setOrder = (h: Harness, id: number, set: Partial<Order>) => h.deps.db.transaction((tx) => tx.getRepository(Order).update({ id }, set as never));
    const list = (h: Harness, token: string, status?: string) => h.http.get('/api/clerk/pickups').query(status ? { status } : {}).set(bearer(token));
    const complete = (h: Harness, token: string, code: string) => h.http.post(`/api/clerk/pickups/${code}/complete`).set(bearer(token)).send({});
    const pickedEvents = async (h: Harness, orderId: number) =>
      (await h.deps.db.read((em) => em.getRepository(OutboxEvent).findBy({ type: 'order.picked_up' }))).filter((e) => JSON.parse(e.payload).orderId === orderId);

    it("lists today's paid pre-orders of the caller's store only: not unpaid, not in-store sales, not yesterday's, not another store's", async () => {
      const h = get();
      const a1 = await preorder(h, storeA.id);
      h.clock.advance(60_000);
      const a2 = await preorder(h, storeA.id, { quantity: 1 });
      const unpaid = await preorder(h, storeA.id, { pay: false });
      const till = await preorder(h, storeA.id);
      await setOrder(h, till.id, { channel: 'clerk' });
      const yesterday = await preorder(h, storeA.id);
      await setOrder(h, yesterday.id, { paidAt: new Date(NOON.getTime() - 86_400_000) });
      const other = await preorder(h, storeB);

      const res = await list(h, tokA());
      expect(res.status).toBe(200);
      const mine = res.body.items.filter((p: { orderId: number }) => [a1.id, a2.id, unpaid.id, till.id, yesterday.id, other.id].includes(p.orderId));
      // oldest first: the counter's queue
      expect(mine.map((p: { orderId: number }) => p.orderId)).toEqual([a1.id, a2.id]);
      expect(mine[0]).toEqual({
        orderId: a1.id,
        pickupCode: a1.code,
        status: 'paid',
        payableFen: 1000,
        items: [{ name: expect.any(String), quantity: 2 }],
        phoneMasked: expect.stringMatching(/^\d{3}\*{4}\d{4}$/),
        paidAt: expect.any(String),
        pickedUpAt: null,
        pickedUpBy: null,
      });
      // the other store sees its own, never A's
      const b = (await list(h, tokB(), 'all')).body.items.map((p: { orderId: number }) => p.orderId);
      expect(b).toContain(other.id);
      expect(b).not.toContain(a1.id);
      expect((await list(h, tokA(), 'bogus')).status).toBe(400);
      // consumers have no access
      expect((await h.http.get('/api/clerk/pickups').set(bearer(a1.m.token))).status).toBe(401);
    });

    it('completes by code once: the same view on a retry, one event; the consumer sees pickedUpAt; the lists follow', async () => {
      const h = get();
      const o = await preorder(h, storeA.id);
      h.clock.advance(5 * 60_000);
      const first = await complete(h, tokA(), o.code);
      expect(first.status).toBe(200);
      expect(first.body.pickup).toMatchObject({ orderId: o.id, pickupCode: o.code, status: 'paid', pickedUpAt: h.clock.now().toISOString(), pickedUpBy: clerkA });
      h.clock.advance(60_000);
      const again = await complete(h, tokA(), o.code);
      expect(again.status).toBe(200);
      expect(again.body.pickup).toEqual(first.body.pickup);
      expect(await pickedEvents(h, o.id)).toHaveLength(1);

      const view = await h.http.get(`/api/app/orders/${o.id}`).set(bearer(o.m.token));
      expect(view.body.order).toMatchObject({ status: 'paid', channel: 'preorder', pickupCode: o.code, pickedUpAt: first.body.pickup.pickedUpAt });
      const waiting = (await list(h, tokA(), 'paid')).body.items.map((p: { orderId: number }) => p.orderId);
      const picked = (await list(h, tokA(), 'picked_up')).body.items.map((p: { orderId: number }) => p.orderId);
      const all = (await list(h, tokA(), 'all')).body.items.map((p: { orderId: number }) => p.orderId);
      expect(waiting).not.toContain(o.id);
      expect(picked).toContain(o.id);
      expect(all).toContain(o.id);
      // a picked-up order can still be refunded (pickup is not a payment state)
      const refund = await h.http.post(`/api/admin/orders/${o.id}/refunds`).set(bearer(admin)).send({ amountFen: 1000, reason: '顾客退货', requestNo: `pk-refund-${o.id}` });
      expect(refund.status).toBe(201);
      await h.pay!.control.idle();
      expect((await h.http.get(`/api/app/orders/${o.id}`).set(bearer(o.m.token))).body.order).toMatchObject({ status: 'refunded', pickupCode: null, pickedUpAt: first.body.pickup.pickedUpAt });
    });

    it('two clerks completing at once: one pickup, both get the same view', async () => {
      const h = get();
      const o = await preorder(h, storeA.id);
      const other = (await makeStaff(h, 'store_manager', storeA.id)).staff.id;
      const [x, y] = await Promise.all([complete(h, tokA(), o.code), complete(h, staffToken(h, other), o.code)]);
      expect([x.status, y.status]).toEqual([200, 200]);
      expect(x.body.pickup).toEqual(y.body.pickup);
      expect([clerkA, other]).toContain(x.body.pickup.pickedUpBy);
      expect(await pickedEvents(h, o.id)).toHaveLength(1);
    });

    it('refuses: unpaid or refunded → PICKUP_NOT_READY; another store’s, unknown or malformed code → NOT_FOUND; nothing changes', async () => {
      const h = get();
      const unpaid = await preorder(h, storeA.id, { pay: false });
      const notReady = await complete(h, tokA(), unpaid.code);
      expect({ status: notReady.status, code: notReady.body.code }).toEqual({ status: 409, code: 'PICKUP_NOT_READY' });

      const refunded = await preorder(h, storeA.id);
      const r = await h.http.post(`/api/admin/orders/${refunded.id}/refunds`).set(bearer(admin)).send({ amountFen: 1000, reason: '顾客退货', requestNo: `pk-full-${refunded.id}` });
      expect(r.status).toBe(201);
      await h.pay!.control.idle();
      expect((await h.deps.db.read((em) => em.getRepository(Order).findOneByOrFail({ id: refunded.id }))).status).toBe('refunded');
      const gone = await complete(h, tokA(), refunded.code);
      expect({ status: gone.status, code: gone.body.code }).toEqual({ status: 409, code: 'PICKUP_NOT_READY' });

      // partially refunded is still to be handed over
      const part = await preorder(h, storeA.id);
      await h.http.post(`/api/admin/orders/${part.id}/refunds`).set(bearer(admin)).send({ amountFen: 500, reason: '少一件', requestNo: `pk-part-${part.id}` });
      await h.pay!.control.idle();
      expect((await complete(h, tokA(), part.code)).body.pickup).toMatchObject({ orderId: part.id, status: 'partially_refunded', pickedUpBy: clerkA });

      const atA = await preorder(h, storeA.id);
      for (const [token, code] of [
        [tokB(), atA.code],
        [tokA(), '99999999'],
        [tokA(), 'abc'],
      ] as const) {
        const res = await complete(h, token, code);
        expect({ code, status: res.status, error: res.body.code }).toEqual({ code, status: 404, error: 'NOT_FOUND' });
      }
      for (const id of [unpaid.id, refunded.id, atA.id]) {
        const row = await h.deps.db.read((em) => em.getRepository(Order).findOneByOrFail({ id }));
        expect({ id, pickedUpAt: row.pickedUpAt, pickedUpBy: row.pickedUpBy }).toEqual({ id, pickedUpAt: null, pickedUpBy: null });
      }
    });

    it('a code used again on another day names the most recently paid pre-order with it', async () => {
      const h = get();
      const old = await preorder(h, storeA.id);
      await setOrder(h, old.id, { paidAt: new Date(NOON.getTime() - 3 * 86_400_000) });
      const recent = await preorder(h, storeA.id);
      await setOrder(h, recent.id, { pickupCode: old.code });
      const res = await complete(h, tokA(), old.code);
      expect(res.body.pickup.orderId).toBe(recent.id);
      expect((await h.deps.db.read((em) => em.getRepository(Order).findOneByOrFail({ id: old.id }))).pickedUpAt).toBeNull();
    });

    describe('取餐提醒', () => {
      /** The app's deps with the pickup template configured (WECHAT_SUBSCRIBE_PICKUP_TMPL). */
      const withTemplate = (h: Harness): Deps => ({ ...h.deps, config: { ...h.config, wechat: { ...h.config.wechat, pickupTemplateId: TPL } } as Deps['config'] });
      const drain = async (deps: Deps) => {
        const worker = new OutboxWorker(deps, { pollMs: 50, backoffMs: () => 0 });
        registerHandlers(worker, deps);
        while ((await worker.runOnce()) > 0);
      };
      const grant = async (h: Harness, m: { token: string; openid: string }, times: number) => {
        for (let i = 0; i < times; i++) expect((await h.http.post('/api/app/subscriptions').set(bearer(m.token)).send({ templateIds: [TPL], accepted: [TPL] })).status).toBe(200);
        // WeChat holds the acceptances too
        const res = await fetch(`${h.emulator.url}/__emulator/subscribe-accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ openid: m.openid, templateId: TPL, count: times }) });
        expect(res.status).toBe(200);
      };
      const sent = async (h: Harness, openid: string) =>
        ((await (await fetch(`${h.emulator.url}/__emulator/subscribe-messages?openid=${openid}`)).json()) as { items: { templateId: string; page: string; data: object }[] }).items;
      const quota = async (h: Harness, customerId: number) => {
        const rows: { n: number | string }[] = await h.deps.db.read((em) => em.query('SELECT remaining AS n FROM subscribe_quota WHERE customer_id = ? AND template_id = ?', [customerId, TPL]));
        return rows.length ? Number(rows[0].n) : 0;
      };
      const paidEvent = async (h: Harness, orderId: number) => {
        const rows = await h.deps.db.read((em) => em.getRepository(OutboxEvent).findBy({ type: 'order.paid' }));
        const e = rows.find((r) => JSON.parse(r.payload).orderId === orderId);
        if (!e) throw new Error(`no order.paid for ${orderId}`);
        return e;
      };

      it('goes out once per paid pre-order with quota (pickup code, store, amount; no marketing); one quota taken; a redelivery sends nothing', async () => {
        const h = get();
        const deps = withTemplate(h);
        await drain(deps); // earlier tests' events out of the way
        const m = await member(h, String(++phone));
        await grant(h, m, 2);
        const o = await preorder(h, storeA.id, { m });
        await drain(deps);
        expect(await sent(h, m.openid)).toEqual([
          expect.objectContaining({
            templateId: TPL,
            page: `pages/order/index?id=${o.id}`,
            data: { character_string1: { value: o.code }, thing2: { value: storeA.name }, amount3: { value: '¥10.00' }, thing4: { value: '已支付，请凭取餐码到店取货' } },
          }),
        ]);
        expect(await quota(h, m.customerId)).toBe(1);

        // redelivered (a crash before the outbox marked it done, or another handler failed): nothing twice
        const e = await paidEvent(h, o.id);
        expect(e.status).toBe('done');
        await h.deps.db.transaction((tx) => tx.getRepository(OutboxEvent).update({ id: e.id }, { status: 'pending', availableAt: h.clock.now(), lockedUntil: null }));
        await drain(deps);
        expect((await h.deps.db.read((em) => em.getRepository(OutboxEvent).findOneByOrFail({ id: e.id }))).status).toBe('done');
        const delivered = { id: e.id, type: 'order.paid' as const, payload: JSON.parse(e.payload), attempt: 3 };
        expect(await sendPickupReminder({ ...deps, requestId: 't' }, delivered, TPL)).toBe('duplicate');
        expect(await sent(h, m.openid)).toHaveLength(1);
        expect(await quota(h, m.customerId)).toBe(1);

        // the second order uses the second acceptance; a third has none left
        await preorder(h, storeA.id, { m });
        await drain(deps);
        expect(await sent(h, m.openid)).toHaveLength(2);
        expect(await quota(h, m.customerId)).toBe(0);
        await preorder(h, storeA.id, { m });
        await drain(deps);
        expect(await sent(h, m.openid)).toHaveLength(2);
      });

      it('without quota nothing is sent and nothing fails; an order picked up before the event is handled gets none either', async () => {
        const h = get();
        const deps = withTemplate(h);
        await drain(deps);
        const none = await member(h, String(++phone));
        const o = await preorder(h, storeA.id, { m: none });
        await drain(deps);
        expect(await sent(h, none.openid)).toEqual([]);
        expect((await paidEvent(h, o.id)).status).toBe('done');

        const m = await member(h, String(++phone));
        await grant(h, m, 1);
        const quick = await preorder(h, storeA.id, { m });
        expect((await complete(h, tokA(), quick.code)).status).toBe(200);
        await drain(deps);
        expect(await sent(h, m.openid)).toEqual([]);
        expect(await quota(h, m.customerId)).toBe(1);
      });

      it('with no pickup template configured the handler is not registered: nothing is sent', async () => {
        const h = get();
        await drain(withTemplate(h));
        const m = await member(h, String(++phone));
        await grant(h, m, 1);
        await preorder(h, storeA.id, { m });
        await drain(h.deps);
        expect(await sent(h, m.openid)).toEqual([]);
        expect(await quota(h, m.customerId)).toBe(1);
      });
    });
  },
  { pay: true, now: NOON },
);
