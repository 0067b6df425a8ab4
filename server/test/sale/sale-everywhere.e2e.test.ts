import crypto from 'node:crypto';
import { POINTS_REASON_ZH, type SaleView, type SegmentRule, type TSaleCommitBody } from '@o2o/shared';
import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer, member } from '../helpers/flows';
import { makeClerkCode, makeProduct, makeStaff, makeStore, makeTag, staffToken } from '../helpers/fixtures';
import { eventsOf, lastEventId, tagIdsOf, tagsOf } from '../tag/helpers';
import { CAMPAIGN_ENV, createCampaignApi, makeTemplate, manualRunner, marketerToken } from '../campaign/helpers';
import { registerHandlers } from '../../src/events/handlers';
import { OutboxWorker } from '../../src/events/outbox-worker';
import { Category } from '../../src/modules/catalogue/category.entity';
import { createProduct } from '../../src/modules/catalogue/catalogue.service';
import { Customer } from '../../src/modules/customer/customer.entity';
import { isHeldOut } from '../../src/modules/campaign/holdout';
import { QrCodeStat } from '../../src/modules/qr-code/qr-code-stat.entity';
import { createPosTerminal } from '../../src/modules/sale/pos-terminal.service';
import { posClient, type PosClient } from '../../src/cli/pos';
import { resolveAudience } from '../../src/modules/segment/audience';
import { startSegmentIndex, stopSegmentIndex } from '../../src/modules/segment/index-runtime';
import { CustomerTag } from '../../src/modules/tag/customer-tag.entity';
import { ensureRuleTags } from '../../src/modules/tag/rule-tags';

/**
 * "Every in-store sale appears in lifecycle/RFM tags, clerk performance and a campaign's recipient sales" (issue 12).
 * A sale rung up at the counter — channel `clerk` through `POST /api/clerk/sales`, channel `pos` through the signed
 * POS API (`POST /api/pos/v1/sales`, with the project's client) — must reach every reader of sales with no special
 * case: the rule tags, the purchase-preference tags, clerk and store performance, the acquisition code's figures, a
 * campaign's report, the segment index and the member's own orders and points. Each reader is exercised through its
 * production path (outbox handlers drained by a worker, the index's own outbox tail, the HTTP routes) and never sees
 * a hand-made order: every order here is a sale committed through one of the two channels. (The one row written
 * directly is the campaign audience's manual tag.)
 *
 * Prices (POINTS_PER_YUAN = 1, a member buying):
 *   NUT  30.00, member 25.00          CANDY 20.00, member 18.00 + 20 points given (会员价送积分)
 *   TEA  10.00, no member price       JERKY 10.00, member 9.00 + 6 points spent (the source's "1.9元+6积分")
 */

jest.setTimeout(120_000);

const START = new Date('2026-05-20T02:00:00.000Z'); // 10:00 Asia/Shanghai, mid-day: no day boundary is near
let phoneSeq = 13_700_000_000 + (process.pid % 1000) * 1000;
const nextPhone = () => String(++phoneSeq);
let receiptSeq = 0;
const receiptNo = () => `R${process.pid}-${++receiptSeq}-${crypto.randomBytes(2).toString('hex')}`;

describeEachDb(
  'an in-store sale (clerk and pos channels) reaches every reader of sales',
  (get) => {
    let worker: OutboxWorker;
    let adminId: number;
    let mk: string;
    const sku = { nut: '', candy: '', tea: '', jerky: '' };
    /** Category preference tag of each product. */
    const catTag = { nut: 0, candy: 0, tea: 0, jerky: 0 };

    beforeAll(async () => {
      const h = get();
      h.clock.set(START);
      worker = new OutboxWorker(h.deps, { pollMs: 50, backoffMs: () => 0 });
      registerHandlers(worker, h.deps);
      adminId = (await makeStaff(h, 'admin')).staff.id;
      mk = await marketerToken(h);
      const tag = crypto.randomBytes(3).toString('hex');
      const nut = await makeProduct(h, { sku: `NUT${tag}`, category: `坚果${tag}`, priceFen: 3000, memberPriceFen: 2500 });
      // 会员价送积分 through the catalogue's use case (the fixture maker does not pass it).
      const candy = await createProduct(h.ctx, { sku: `CANDY${tag}`, name: `糖${tag}`, category: `糖果${tag}`, priceFen: 2000, memberPriceFen: 1800, memberPointsGiven: 20 });
      const tea = await makeProduct(h, { sku: `TEA${tag}`, category: `茶饮${tag}`, priceFen: 1000 });
      const jerky = await makeProduct(h, { sku: `JERKY${tag}`, category: `肉干${tag}`, priceFen: 1000, memberPriceFen: 900, memberPoints: 6 });
      Object.assign(sku, { nut: nut.sku, candy: candy.sku, tea: tea.sku, jerky: jerky.sku });
      const cats = await h.deps.db.read((em) => em.getRepository(Category).find());
      const tagOf = (categoryId: number) => cats.find((c) => c.id === categoryId)!.tagId!;
      Object.assign(catTag, { nut: tagOf(nut.categoryId), candy: tagOf(candy.categoryId), tea: tagOf(tea.categoryId), jerky: tagOf(jerky.categoryId) });
    });

    /** Runs every outbox handler the server registers until no event is left (as the production worker would). */
    const drain = async () => {
      while ((await worker.runOnce()) > 0);
    };

    /** A store with an owning clerk (whose code customers scan), a cashier clerk, a manager and a till. */
    async function storeWithStaff(h: Harness) {
      const store = (await makeStore(h)).id;
      const owner = (await makeStaff(h, 'clerk', store)).staff.id;
      const cashier = (await makeStaff(h, 'clerk', store)).staff.id;
      const manager = (await makeStaff(h, 'store_manager', store)).staff.id;
      const code = await makeClerkCode(h, store, owner);
      // The till's credential, created as an admin does (POS terminals are per store).
      const { terminal, secret } = await createPosTerminal(h.ctx, { kind: 'staff', staffId: adminId, role: 'admin', storeId: null, name: 'admin' }, { storeId: store, name: '收银台 1' });
      // The till signs with the server's (test) clock: the signature's timestamp must be within ±300 s of it.
      const pos = { terminalId: terminal.id, client: posClient({ baseUrl: h.baseUrl, keyId: terminal.keyId, secret, now: () => h.clock.now().getTime() }) };
      return { store, owner, cashier, manager, code, pos };
    }

    /** The clerk cashier: `POST /api/clerk/sales` with the clerk's own token (channel `clerk`). */
    async function clerkSale(h: Harness, cashierId: number, body: Omit<TSaleCommitBody, 'receiptNo'>): Promise<SaleView> {
      const res = await h.http.post('/api/clerk/sales').set(bearer(staffToken(h, cashierId))).send({ receiptNo: receiptNo(), ...body });
      if (res.status !== 201) throw new Error(`clerk sale ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.sale as SaleView;
    }

    /** A till's commit through the POS API (`POST /api/pos/v1/sales`, signed by the project's client; channel `pos`). */
    async function posSale(pos: { client: PosClient }, body: Omit<TSaleCommitBody, 'receiptNo'>): Promise<SaleView> {
      const res = await pos.client.commit({ receiptNo: receiptNo(), ...body });
      if (res.status !== 201) throw new Error(`pos sale ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.sale;
    }

    async function lifecycleOf(h: Harness, customerId: number): Promise<string[]> {
      const ids = await ensureRuleTags(h.deps.db);
      const byId = new Map(Object.entries(ids.lifecycle).map(([k, v]) => [v, k]));
      return (await tagIdsOf(h, customerId)).filter((t) => byId.has(t)).map((t) => byId.get(t)!);
    }
    async function rfmOf(h: Harness, customerId: number): Promise<string[]> {
      const ids = await ensureRuleTags(h.deps.db);
      const name = (t: number) => (['R', 'F', 'M'] as const).map((l) => (ids.rfm[l].indexOf(t) >= 0 ? `${l}${ids.rfm[l].indexOf(t) + 1}` : '')).join('');
      return (await tagIdsOf(h, customerId)).map(name).filter(Boolean);
    }
    const purchaseTags = async (h: Harness, customerId: number) =>
      (await tagsOf(h, customerId))
        .filter((r) => r.source === 'purchase')
        .map((r) => r.tagId)
        .sort((a, b) => a - b);
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const customerRow = (h: Harness, id: number) => h.deps.db.read((em) => em.getRepository(Customer).findOneByOrFail({ id }));

    it('lifecycle, RFM and preference tags (and the customer stats behind them) follow a customer whose only purchases are in store', async () => {
      const h = get();
      const s = await storeWithStaff(h);
      const phone = nextPhone();
      const x = await member(h, phone, s.code.sceneEncoded);
      await drain();
      // Before: a new member with no purchase — `new`, no RFM, no purchase tag (so every assertion below can fail).
      expect(await lifecycleOf(h, x.customerId)).toEqual(['new']);
      expect(await rfmOf(h, x.customerId)).toEqual([]);
      expect(await purchaseTags(h, x.customerId)).toEqual([]);

      // The cashier (not the owning clerk) rings up four lines at member prices: 4×25 + 2×18 + 1×10 + 1×9 = 155.00.
      const before = await lastEventId(h);
      const sale = await clerkSale(h, s.cashier, {
        phone,
        items: [
          { sku: sku.nut, quantity: 4 },
          { sku: sku.candy, quantity: 2 },
          { sku: sku.tea, quantity: 1 },
          { sku: sku.jerky, quantity: 1 },
        ],
      });
      expect(sale).toMatchObject({ channel: 'clerk', status: 'paid', customerId: x.customerId, storeId: s.store, staffId: s.cashier, payableFen: 15_500, pointsUsed: 6, pointsGiven: 40, pointsEarned: 155 + 40 });
      await drain();
      // The stats the rule tags read moved like a paid pre-order's.
      const after1 = await customerRow(h, x.customerId);
      expect({ orderCount: after1.orderCount, totalSpendFen: after1.totalSpendFen, lastPurchaseAt: after1.lastPurchaseAt?.toISOString() }).toEqual({ orderCount: 1, totalSpendFen: 15_500, lastPurchaseAt: sale.paidAt });
      // TAG_RFM_*: R from 7 days, F 2/4/6/8 orders, M 100/200/300/400 yuan → bought today, 1 order, 155 yuan.
      expect(await lifecycleOf(h, x.customerId)).toEqual(['active']);
      expect(await rfmOf(h, x.customerId)).toEqual(['R5', 'F1', 'M2']);
      // Top 2 categories by cash spent: nuts 100.00, candy 36.00 (tea 10.00 and jerky 9.00 below).
      expect(await purchaseTags(h, x.customerId)).toEqual(sorted([catTag.nut, catTag.candy]));

      // The same customer at a till (channel pos): 6 teas, 60.00. Now 2 orders, 215 yuan; tea (70.00) passes candy.
      h.clock.advance(60_000);
      const till = await posSale(s.pos, { phone, items: [{ sku: sku.tea, quantity: 6 }] });
      expect(till).toMatchObject({ channel: 'pos', status: 'paid', customerId: x.customerId, terminalId: s.pos.terminalId, payableFen: 6_000, pointsEarned: 60 });
      await drain();
      const after2 = await customerRow(h, x.customerId);
      expect({ orderCount: after2.orderCount, totalSpendFen: after2.totalSpendFen, lastPurchaseAt: after2.lastPurchaseAt?.toISOString() }).toEqual({ orderCount: 2, totalSpendFen: 21_500, lastPurchaseAt: till.paidAt });
      expect(await lifecycleOf(h, x.customerId)).toEqual(['active']);
      expect(await rfmOf(h, x.customerId)).toEqual(['R5', 'F2', 'M3']);
      expect(await purchaseTags(h, x.customerId)).toEqual(sorted([catTag.nut, catTag.tea]));

      // One `order.paid` per sale, the event every pre-order emits, naming the channel and the owning clerk.
      const paid = (await eventsOf(h, 'order.paid', before)).filter((e) => e.customerId === x.customerId);
      expect(paid.map((e) => ({ orderId: e.orderId, channel: e.channel, storeId: e.storeId, clerkId: e.clerkId, payableFen: e.payableFen, pointsEarned: e.pointsEarned }))).toEqual([
        { orderId: sale.id, channel: 'clerk', storeId: s.store, clerkId: s.owner, payableFen: 15_500, pointsEarned: 195 },
        { orderId: till.id, channel: 'pos', storeId: s.store, clerkId: s.owner, payableFen: 6_000, pointsEarned: 60 },
      ]);
      expect(sorted(paid[0]!.categoryTagIds)).toEqual(sorted([catTag.nut, catTag.candy, catTag.tea, catTag.jerky]));
      // The clerk code that acquired the customer is credited with both sales (qr_code_stat, from the same events).
      const stat = await h.deps.db.read((em) => em.getRepository(QrCodeStat).findOneByOrFail({ qrCodeId: s.code.id }));
      expect({ orders: stat.orders, salesFen: stat.salesFen }).toEqual({ orders: 2, salesFen: 21_500 });
    });

    it('clerk performance: the owning clerk is credited, the cashier is not, and the store counts every sale — a customer with no owning clerk included', async () => {
      const h = get();
      const s = await storeWithStaff(h);
      const perf = async (staffId: number) => {
        const res = await h.http.get('/api/clerk/performance?days=1').set(bearer(staffToken(h, staffId)));
        expect(res.status).toBe(200);
        return res.body.performance.totals as { paidOrders: number; salesFen: number };
      };
      const owned = nextPhone();
      const y = await member(h, owned, s.code.sceneEncoded); // owned by s.owner (first touch)
      const unowned = nextPhone();
      const z = await member(h, unowned); // never scanned a code: no owning clerk, no home store
      await drain();
      expect(await h.deps.db.read((em) => em.query('SELECT customer_id FROM customer_clerk WHERE customer_id IN (?, ?)', [y.customerId, z.customerId]))).toEqual([{ customer_id: y.customerId }]);
      for (const id of [s.owner, s.cashier, s.manager]) expect(await perf(id)).toMatchObject({ paidOrders: 0, salesFen: 0 });

      const a = await clerkSale(h, s.cashier, { phone: owned, items: [{ sku: sku.nut, quantity: 2 }] }); // 50.00
      const b = await posSale(s.pos, { phone: owned, items: [{ sku: sku.tea, quantity: 3 }] }); // 30.00
      const c = await clerkSale(h, s.cashier, { phone: unowned, items: [{ sku: sku.candy, quantity: 1 }] }); // 18.00
      expect([a.payableFen, b.payableFen, c.payableFen]).toEqual([5_000, 3_000, 1_800]);
      await drain();

      expect(await perf(s.owner)).toMatchObject({ paidOrders: 2, salesFen: 8_000 });
      // Ringing a sale up is not owning the customer: attribution is as for pre-orders.
      expect(await perf(s.cashier)).toMatchObject({ paidOrders: 0, salesFen: 0 });
      // The store manager sees the store's sales: all three, the unowned customer's included.
      expect(await perf(s.manager)).toMatchObject({ paidOrders: 3, salesFen: 9_800 });
    });

    it("a campaign's report counts a recipient's in-store purchase (and the campaign coupon redeemed at the till) in the window", async () => {
      const h = get();
      const s = await storeWithStaff(h);
      const run = manualRunner(h);
      try {
        const t = await makeTemplate(h, mk); // 满100减20, every store
        const audienceTag = await makeTag(h, undefined, 'custom');
        const people: { id: number; phone: string; token: string }[] = [];
        for (let i = 0; i < 6; i++) {
          const phone = nextPhone();
          const m = await member(h, phone);
          people.push({ id: m.customerId, phone, token: m.token });
        }
        await drain();
        await h.deps.db.transaction((tx) => tx.getRepository(CustomerTag).insert(people.map((p) => ({ customerId: p.id, tagId: audienceTag.id, source: 'manual' as const, taggedAt: h.clock.now(), expiresAt: null }))));
        // The holdout is a hash of (campaign, customer): draft campaigns until both groups have someone.
        let campaign: { id: number } | null = null;
        for (let i = 0; i < 20 && !campaign; i++) {
          const c = await createCampaignApi(h, mk, { templateId: t.id, rule: { type: 'tags', match: 'any', tagIds: [audienceTag.id] }, holdoutPercent: 50 });
          const held = people.filter((p) => isHeldOut(c.id, p.id, 50)).length;
          if (held > 0 && held < people.length) campaign = c;
        }
        if (!campaign) throw new Error('no campaign split the six customers');
        const cid = campaign.id;
        const recipient = people.find((p) => !isHeldOut(cid, p.id, 50))!;
        const heldOut = people.find((p) => isHeldOut(cid, p.id, 50))!;
        expect((await h.http.post(`/api/admin/campaigns/${cid}/send`).set(bearer(mk)).send({})).status).toBeLessThan(300);
        await run.runAll();
        const report = async () => {
          const res = await h.http.get(`/api/admin/campaigns/${cid}/report`).set(bearer(mk));
          expect(res.status).toBe(200);
          return res.body.report;
        };
        const r0 = await report();
        expect(r0).toMatchObject({ delivered: people.length - r0.heldOut, redeemed: 0, recipients: { salesFen: 0 }, holdout: { salesFen: 0 } });

        // After the send, the recipient buys in store with the campaign's coupon: 4 nuts at 25.00 = 100.00 − 20.00.
        h.clock.advance(60_000);
        const wallet = await h.http.get('/api/app/coupons').set(bearer(recipient.token));
        const coupon = (wallet.body.items as { id: number; templateId: number; status: string }[]).find((x) => x.templateId === t.id);
        expect(coupon).toMatchObject({ status: 'issued' });
        const bought = await clerkSale(h, s.cashier, { phone: recipient.phone, items: [{ sku: sku.nut, quantity: 4 }], couponId: coupon!.id });
        expect(bought).toMatchObject({ couponId: coupon!.id, couponDiscountFen: 2_000, payableFen: 8_000 });
        // A held-out customer buys at a till: 3 teas, 30.00.
        const control = await posSale(s.pos, { phone: heldOut.phone, items: [{ sku: sku.tea, quantity: 3 }] });
        expect(control.payableFen).toBe(3_000);
        await drain();

        const r1 = await report();
        expect(r1.redeemed).toBe(1);
        expect(r1.recipients).toMatchObject({ customers: people.length - r1.heldOut, salesFen: 8_000 });
        expect(r1.holdout).toMatchObject({ customers: r1.heldOut, salesFen: 3_000 });
      } finally {
        run.stop();
      }
    });

    it('the segment index (kept current by outbox events, no rebuild) and SQL both count the in-store buyer by order count and spend', async () => {
      const h = get();
      const s = await storeWithStaff(h);
      const phone = nextPhone();
      const w = await member(h, phone);
      const bystander = await member(h, nextPhone());
      await drain();
      const rt = startSegmentIndex(h.deps);
      if (!rt) throw new Error('SEGMENT_INDEX is off in the test config');
      try {
        await rt.rebuild();
        const rule: SegmentRule = { type: 'all', rules: [{ type: 'orderCount', windowDays: 7, min: 2 }, { type: 'spend', windowDays: 7, minFen: 6_800 }, { type: 'daysSinceLastPurchase', max: 0 }] };
        const both = async () => {
          while ((await rt.tail.runOnce()) > 0);
          const now = h.clock.now();
          const sql = await h.deps.db.read((em) => resolveAudience(em, rule, now));
          const index = rt.evaluate(rule, now);
          expect(index).not.toBeNull();
          expect(index!.toArray()).toEqual(sql);
          return sql;
        };
        expect(await both()).not.toContain(w.customerId);

        await clerkSale(h, s.cashier, { phone, items: [{ sku: sku.nut, quantity: 2 }] }); // 50.00
        await drain();
        expect(await both()).not.toContain(w.customerId); // one order: not yet
        await posSale(s.pos, { phone, items: [{ sku: sku.candy, quantity: 1 }] }); // 18.00 → 2 orders, 68.00
        await drain();
        const matched = await both();
        expect(matched).toContain(w.customerId);
        expect(matched).not.toContain(bystander.customerId);

        // The console's preview answers from the index, with the same count as SQL.
        const preview = await h.http.post('/api/admin/segments/preview').set(bearer(mk)).send({ rule });
        expect(preview.status).toBe(200);
        expect({ engine: preview.body.engine, count: preview.body.count }).toEqual({ engine: 'bitmap', count: matched.length });
      } finally {
        await stopSegmentIndex(h.deps);
      }
    });

    it("the member's own orders and points ledger in the mini-program show each in-store sale, its items and its points", async () => {
      const h = get();
      const s = await storeWithStaff(h);
      const phone = nextPhone();
      const v = await member(h, phone);
      await drain();
      const me0 = (await h.http.get('/api/app/me').set(bearer(v.token))).body.customer;
      const balance0 = me0.pointsBalance as number;
      expect(balance0).toBe(h.config.rules.welcomePoints);

      // 2 candies (36.00, +40 given) and 1 jerky (9.00 + 6 points): 45.00 → 45 + 40 earned, 6 spent.
      const a = await clerkSale(h, s.cashier, { phone, items: [{ sku: sku.candy, quantity: 2 }, { sku: sku.jerky, quantity: 1 }] });
      expect(a).toMatchObject({ payableFen: 4_500, pointsUsed: 6, pointsGiven: 40, pointsEarned: 85, pointsBalanceAfter: balance0 - 6 + 85 });
      h.clock.advance(60_000);
      const b = await posSale(s.pos, { phone, items: [{ sku: sku.tea, quantity: 2 }] }); // 20.00 → 20 earned
      expect(b).toMatchObject({ payableFen: 2_000, pointsUsed: 0, pointsEarned: 20, pointsBalanceAfter: balance0 - 6 + 85 + 20 });
      await drain();

      const list = await h.http.get('/api/app/orders').set(bearer(v.token));
      expect(list.status).toBe(200);
      expect(list.body.items.map((o: { id: number }) => o.id)).toEqual([b.id, a.id]); // newest first
      const [ob, oa] = list.body.items;
      // Shown as in-store sales (by channel), with nothing to pick up.
      expect(oa).toMatchObject({ id: a.id, channel: 'clerk', pickupCode: null, status: 'paid', storeId: s.store, payableFen: 4_500, pointsUsed: 6, pointsEarned: 85, paidAt: a.paidAt });
      expect(oa.items.map((i: { sku: string; quantity: number; unitCashFen: number; unitPoints: number }) => [i.sku, i.quantity, i.unitCashFen, i.unitPoints])).toEqual([
        [sku.candy, 2, 1_800, 0],
        [sku.jerky, 1, 900, 6],
      ]);
      expect(ob).toMatchObject({ id: b.id, channel: 'pos', pickupCode: null, status: 'paid', storeId: s.store, payableFen: 2_000, pointsEarned: 20 });
      const detail = await h.http.get(`/api/app/orders/${a.id}`).set(bearer(v.token));
      expect(detail.body.order).toEqual(oa);
      // Another member cannot read it.
      const other = await member(h, nextPhone());
      expect((await h.http.get(`/api/app/orders/${a.id}`).set(bearer(other.token))).status).toBe(404);

      // The ledger: the spend and the credits of both sales, each with a reason the app can label, balances chained.
      const ledger = await h.http.get('/api/app/points/ledger').set(bearer(v.token));
      expect(ledger.status).toBe(200);
      const lines = ledger.body.items as { delta: number; reason: string; balanceAfter: number }[];
      expect(sorted(lines.map((l) => l.delta))).toEqual(sorted([h.config.rules.welcomePoints, -6, 85, 20]));
      for (const l of lines) expect(Object.keys(POINTS_REASON_ZH)).toContain(l.reason);
      const chronological = [...lines].reverse();
      let running = 0;
      for (const l of chronological) {
        running += l.delta;
        expect(l.balanceAfter).toBe(running);
      }
      const me1 = (await h.http.get('/api/app/me').set(bearer(v.token))).body.customer;
      expect(me1.pointsBalance).toBe(balance0 - 6 + 85 + 20);
      expect(me1.pointsBalance).toBe(chronological[chronological.length - 1]!.balanceAfter);
    });
  },
  { env: { ...CAMPAIGN_ENV, TAG_RFM_R_DAYS: '7,30,60,120', TAG_RFM_F_ORDERS: '2,4,6,8', TAG_RFM_M_FEN: '10000,20000,30000,40000', POINTS_PER_YUAN: '1' } },
);
