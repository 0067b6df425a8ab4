import { describeEachDb } from '../helpers/harness';
import { bearer } from '../helpers/flows';
import { OutboxEvent } from '../../src/events/outbox-event.entity';
import { isHeldOut } from '../../src/modules/campaign/holdout';
import { insertIgnore } from '../../src/db/raw-sql';
import { expectIssueInvariants } from '../coupon/helpers';
import { CAMPAIGN_ENV, count, createCampaignApi, makeTemplate, manualRunner, marketerToken, seedMembers } from './helpers';

describeEachDb(
  'campaigns: create, send once, stock, consent, subscribe quota, cap, pause/cancel, inbox, report',
  (get) => {
    let mk: string;
    let run: ReturnType<typeof manualRunner>;
    beforeAll(async () => {
      mk = await marketerToken(get());
      run = manualRunner(get());
    });
    afterAll(async () => run.stop());

    const send = (id: number) => get().http.post(`/api/admin/campaigns/${id}/send`).set(bearer(mk)).send({});
    const detail = async (id: number) => (await get().http.get(`/api/admin/campaigns/${id}`).set(bearer(mk))).body.campaign;

    it('validates: exactly one target, holdout 0–50, unknown template 404, unknown tag 400 naming it', async () => {
      const h = get();
      const t = await makeTemplate(h, mk);
      const base = { name: 'x', templateId: t.id, message: { title: 't', body: 'b' } };
      const post = (b: object) => h.http.post('/api/admin/campaigns').set(bearer(mk)).send(b);
      expect((await post({ ...base })).status).toBe(400);
      expect((await post({ ...base, rule: { type: 'membership', value: 'member' }, holdoutPercent: 51 })).status).toBe(400);
      expect((await post({ ...base, rule: { type: 'membership', value: 'member' }, segmentId: 1 })).status).toBe(400);
      expect((await post({ ...base, templateId: 999999, rule: { type: 'membership', value: 'member' } })).status).toBe(404);
      const unknown = await post({ ...base, rule: { type: 'tags', match: 'any', tagIds: [987654] } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.code).toBe('SEGMENT_UNKNOWN_REFERENCE');
      expect(unknown.body.details.tagIds).toEqual([987654]);
      const ok = await post({ ...base, rule: { type: 'membership', value: 'member' }, holdoutPercent: 10, frequencyCap: { count: 2, days: 7 } });
      expect(ok.status).toBe(201);
      expect(ok.body.campaign).toMatchObject({ status: 'draft', holdoutPercent: 10, frequencyCap: { count: 2, days: 7 } });
      const list = await h.http.get('/api/admin/campaigns?status=draft').set(bearer(mk));
      expect(list.body.items.map((c: { id: number }) => c.id)).toContain(ok.body.campaign.id);
      // a saved segment: its rule is copied onto the campaign; an unknown segment → 404
      const rule = { type: 'membership', value: 'fan' };
      const seg = await h.http.post('/api/admin/segments').set(bearer(mk)).send({ name: '粉丝', rule });
      expect(seg.status).toBe(201);
      const fromSeg = await post({ ...base, segmentId: seg.body.segment?.id ?? seg.body.id });
      expect(fromSeg.status).toBe(201);
      expect(fromSeg.body.campaign.rule).toEqual(rule);
      expect((await post({ ...base, segmentId: 987654 })).status).toBe(404);
    });

    it('a campaign on an empty segment completes with an audience of 0 and nothing issued', async () => {
      const h = get();
      const t = await makeTemplate(h, mk);
      const empty = await seedMembers(h, 0);
      const c = await createCampaignApi(h, mk, { templateId: t.id, rule: empty.rule, holdoutPercent: 10 });
      expect((await send(c.id)).status).toBe(200);
      await run.runAll();
      const d = await detail(c.id);
      expect(d.status).toBe('completed');
      expect(d.progress).toMatchObject({ audience: 0, heldOut: 0, processed: 0, delivered: 0 });
      const report = (await h.http.get(`/api/admin/campaigns/${c.id}/report`).set(bearer(mk))).body.report;
      expect(report).toMatchObject({ audience: 0, delivered: 0, couponsIssued: 0, redemptionRate: 0, uplift: null });
    });

    it('a duplicate send request (even concurrent) is one run', async () => {
      const h = get();
      const t = await makeTemplate(h, mk);
      const m = await seedMembers(h, 25);
      const c = await createCampaignApi(h, mk, { templateId: t.id, rule: m.rule });
      const answers = await Promise.all([send(c.id), send(c.id), send(c.id), send(c.id)]);
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      await run.runAll();
      expect((await send(c.id)).body.campaign.status).toBe('completed');
      await run.runAll();
      expect(await count(h, 'SELECT COUNT(*) AS n FROM campaign_batch WHERE campaign_id = ? AND batch_no = -1', [c.id])).toBe(1);
      expect(await count(h, 'SELECT COUNT(*) AS n FROM campaign_delivery WHERE campaign_id = ?', [c.id])).toBe(25);
      expect(await count(h, 'SELECT COUNT(*) AS n FROM coupon WHERE template_id = ?', [t.id])).toBe(25);
      expect(await count(h, 'SELECT COUNT(*) AS n FROM inbox_message WHERE campaign_id = ?', [c.id])).toBe(25);
    });

    it('template out of stock mid-send: the rest are skipped out_of_stock (not failed); stock exact', async () => {
      const h = get();
      const t = await makeTemplate(h, mk, { totalStock: 25 });
      const m = await seedMembers(h, 60);
      const c = await createCampaignApi(h, mk, { templateId: t.id, rule: m.rule });
      await send(c.id);
      await run.runAll();
      const d = await detail(c.id);
      expect(d.status).toBe('completed');
      expect(d.progress).toMatchObject({ audience: 60, processed: 60, delivered: 25, failed: 0, skipped: { out_of_stock: 35 } });
      expect(d.progress.batches).toEqual({ total: 6, done: 6 });
      // the first 25 by id got it (batches are in id order); the template is exactly exhausted
      const got = await h.deps.db.read((em) => em.query('SELECT customer_id FROM coupon WHERE template_id = ? ORDER BY customer_id', [t.id]));
      expect(got.map((r: { customer_id: number }) => Number(r.customer_id))).toEqual(m.ids.slice(0, 25));
      expect(await count(h, 'SELECT issued_count AS n FROM coupon_template WHERE id = ?', [t.id])).toBe(25);
      await expectIssueInvariants(h);
    });

    it('consent withdrawn between snapshot and delivery → skipped no_consent; opted out before → not in the audience', async () => {
      const h = get();
      const t = await makeTemplate(h, mk);
      const m = await seedMembers(h, 30, { noConsent: (i) => i < 3 });
      const c = await createCampaignApi(h, mk, { templateId: t.id, rule: m.rule });
      await send(c.id);
      await run.sweep();
      await run.queue.drain(1); // the snapshot only
      expect((await detail(c.id)).progress).toMatchObject({ audience: 27, excludedNoConsent: 3, processed: 0 });
      const withdrawing = m.ids.slice(10, 14);
      for (const id of withdrawing) {
        const r = await h.http.put('/api/app/me/consent').set(bearer(m.tokens.get(id)!)).send({ marketingConsent: false });
        expect(r.body).toEqual({ marketingConsent: false });
      }
      await run.runAll();
      const d = await detail(c.id);
      expect(d.progress).toMatchObject({ delivered: 23, skipped: { no_consent: 4 } });
      const sentTo = await h.deps.db.read((em) => em.query('SELECT customer_id FROM inbox_message WHERE campaign_id = ?', [c.id]));
      const sentIds = new Set(sentTo.map((r: { customer_id: number }) => Number(r.customer_id)));
      for (const id of [...m.ids.slice(0, 3), ...withdrawing]) expect(sentIds.has(id)).toBe(false);
      // the change is announced once (setting the same value again emits nothing)
      await h.http.put('/api/app/me/consent').set(bearer(m.tokens.get(withdrawing[0])!)).send({ marketingConsent: false });
      const events = await h.deps.db.read((em) => em.getRepository(OutboxEvent).find({ where: { type: 'customer.consent_changed' } }));
      expect(events.filter((e) => JSON.parse(e.payload as unknown as string).customerId === withdrawing[0])).toHaveLength(1);
    });

    it('subscribe messages: sent only with quota (one quota per send); quota 0 or WeChat 43101 → inbox only, quota zeroed', async () => {
      const h = get();
      const t = await makeTemplate(h, mk);
      const m = await seedMembers(h, 6);
      const [withBoth, ourQuotaOnly, none] = [m.ids[0], m.ids[1], m.ids[2]];
      const TPL = 'TPL_CAMPAIGN_START';
      // the consumer accepted twice in the mini-program (our count) and WeChat holds the acceptances too
      for (const id of [withBoth, withBoth, ourQuotaOnly]) {
        const r = await h.http.post('/api/app/subscriptions').set(bearer(m.tokens.get(id)!)).send({ templateIds: [TPL, 'TPL_OTHER'], accepted: [TPL] });
        expect(r.status).toBe(200);
      }
      const accept = await fetch(`${h.emulator.url}/__emulator/subscribe-accept`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ openid: m.openids.get(withBoth), templateId: TPL, count: 2 }),
      });
      expect(accept.status).toBe(200);
      // ourQuotaOnly: we think there is one, WeChat says 43101 (the user revoked it)
      const c = await createCampaignApi(h, mk, {
        templateId: t.id,
        rule: m.rule,
        message: { title: '新品', body: '到店领取', subscribe: { templateId: TPL, data: { thing1: { value: '新品上市' } }, page: 'pages/inbox/index' } },
      });
      await send(c.id);
      await run.runAll();
      const d = await detail(c.id);
      expect(d.progress.delivered).toBe(6);
      expect(d.progress.subscribe).toEqual({ sent: 1, refused: 1, no_quota: 4 });
      const msgs = (await (await fetch(`${h.emulator.url}/__emulator/subscribe-messages?openid=${m.openids.get(withBoth)}`)).json()) as { items: object[] };
      expect(msgs.items).toHaveLength(1);
      expect(msgs.items[0]).toMatchObject({ templateId: TPL, page: 'pages/inbox/index' });
      const quota = async (id: number) => count(h, 'SELECT remaining AS n FROM subscribe_quota WHERE customer_id = ? AND template_id = ?', [id, TPL]);
      expect(await quota(withBoth)).toBe(1);
      expect(await quota(ourQuotaOnly)).toBe(0);
      // every one of them still has the inbox message with the coupon
      for (const id of [withBoth, ourQuotaOnly, none]) {
        const inbox = await h.http.get('/api/app/inbox').set(bearer(m.tokens.get(id)!));
        expect(inbox.body.items.filter((x: { title: string }) => x.title === '新品')).toHaveLength(1);
        expect(inbox.body.items[0].couponId).toEqual(expect.any(Number));
      }
      // accepted must be among the templates asked about
      expect((await h.http.post('/api/app/subscriptions').set(bearer(m.tokens.get(none)!)).send({ templateIds: [TPL], accepted: ['X'] })).status).toBe(400);
    });

    it('frequency cap: a customer who already had N campaign messages in the period is skipped', async () => {
      const h = get();
      const t = await makeTemplate(h, mk, { perCustomerLimit: 5 });
      const m = await seedMembers(h, 12);
      const first = await createCampaignApi(h, mk, { templateId: t.id, rule: { type: 'tags', match: 'any', tagIds: [m.tagId] } });
      await send(first.id);
      await run.runAll();
      const capped = await createCampaignApi(h, mk, { templateId: t.id, rule: m.rule, frequencyCap: { count: 1, days: 7 } });
      const uncapped = await createCampaignApi(h, mk, { templateId: t.id, rule: m.rule, frequencyCap: { count: 3, days: 7 } });
      await send(capped.id);
      await send(uncapped.id);
      await run.runAll();
      expect((await detail(capped.id)).progress).toMatchObject({ delivered: 0, skipped: { frequency_cap: 12 } });
      expect((await detail(uncapped.id)).progress).toMatchObject({ delivered: 12 });
      await expectIssueInvariants(h);
    });

    it('frequency cap under a race: two capped campaigns delivering to the same customers at once give each at most the cap', async () => {
      const h = get();
      const t = await makeTemplate(h, mk, { perCustomerLimit: 5 });
      const m = await seedMembers(h, 20);
      const a = await createCampaignApi(h, mk, { templateId: t.id, rule: m.rule, frequencyCap: { count: 1, days: 7 } });
      const b = await createCampaignApi(h, mk, { templateId: t.id, rule: m.rule, frequencyCap: { count: 1, days: 7 } });
      await send(a.id);
      await send(b.id);
      await run.sweep(); // snapshots both and queues their batches
      for (let i = 0; i < 50 && (await run.queue.pending()) > 0; i++) {
        await run.queue.drainConcurrently(); // batches of both campaigns at the same time
        await run.sweep();
      }
      await run.runAll();
      const over = await count(
        h,
        `SELECT COUNT(*) AS n FROM (SELECT customer_id FROM campaign_delivery WHERE campaign_id IN (?, ?) AND status = 'delivered' GROUP BY customer_id HAVING COUNT(*) > 1) x`,
        [a.id, b.id],
      );
      expect(over).toBe(0);
      const delivered = (await detail(a.id)).progress.delivered + (await detail(b.id)).progress.delivered;
      expect(delivered).toBe(20); // each customer got exactly one of the two
    });

    it('holdout is deterministic and exactly excluded; pause holds the batches, resume finishes, cancel stops', async () => {
      const h = get();
      const t = await makeTemplate(h, mk);
      const m = await seedMembers(h, 80);
      const c = await createCampaignApi(h, mk, { templateId: t.id, rule: m.rule, holdoutPercent: 20 });
      await send(c.id);
      await run.sweep();
      await run.queue.drain(1); // the snapshot
      await run.sweep();
      await run.queue.drain(1); // one batch
      expect((await h.http.post(`/api/admin/campaigns/${c.id}/pause`).set(bearer(mk))).body.campaign.status).toBe('paused');
      await run.sweep();
      await run.queue.drain(); // queued batches find the campaign paused and leave their work pending
      const paused = await detail(c.id);
      expect(paused.progress.processed).toBe(10);
      expect((await h.http.post(`/api/admin/campaigns/${c.id}/pause`).set(bearer(mk))).status).toBe(200); // repeat: no-op
      expect((await h.http.post(`/api/admin/campaigns/${c.id}/resume`).set(bearer(mk))).body.campaign.status).toBe('sending');
      await run.runAll();
      const d = await detail(c.id);
      const held = m.ids.filter((id) => isHeldOut(c.id, id, 20));
      expect(d.status).toBe('completed');
      expect(d.progress).toMatchObject({ audience: 80, heldOut: held.length, delivered: 80 - held.length });
      const delivered = await h.deps.db.read((em) => em.query('SELECT customer_id FROM campaign_delivery WHERE campaign_id = ?', [c.id]));
      const got = new Set(delivered.map((r: { customer_id: number }) => Number(r.customer_id)));
      expect(held.filter((id) => got.has(id))).toEqual([]);
      expect((await h.http.post(`/api/admin/campaigns/${c.id}/cancel`).set(bearer(mk))).body.code).toBe('CAMPAIGN_STATE_INVALID');

      const c2 = await createCampaignApi(h, mk, { templateId: t.id, rule: m.rule });
      await send(c2.id);
      await run.sweep();
      await run.queue.drain(1);
      await run.sweep();
      await run.queue.drain(1);
      expect((await h.http.post(`/api/admin/campaigns/${c2.id}/cancel`).set(bearer(mk))).body.campaign.status).toBe('cancelled');
      await run.runAll();
      expect((await detail(c2.id)).progress.processed).toBe(10);
      expect((await send(c2.id)).body.code).toBe('CAMPAIGN_STATE_INVALID');
    });

    it('a scheduled campaign waits for sendAt, then the sweeper starts it', async () => {
      const h = get();
      const t = await makeTemplate(h, mk);
      const m = await seedMembers(h, 5);
      const c = await createCampaignApi(h, mk, { templateId: t.id, rule: m.rule, sendAt: new Date(h.clock.now().getTime() + 3_600_000).toISOString() });
      expect((await send(c.id)).body.campaign.status).toBe('scheduled');
      await run.runAll();
      expect((await detail(c.id)).status).toBe('scheduled');
      h.clock.advance(3_600_001);
      mk = await marketerToken(h); // the old token expired with the hour
      await run.runAll();
      expect((await detail(c.id)).progress.delivered).toBe(5);
    });

    it('inbox: cursor pages, unread count, read one (own only), read all', async () => {
      const h = get();
      const t = await makeTemplate(h, mk, { perCustomerLimit: 3 });
      const m = await seedMembers(h, 2);
      for (let i = 0; i < 3; i++) {
        const c = await createCampaignApi(h, mk, { templateId: t.id, rule: m.rule, message: { title: `第${i}条`, body: '内容' } });
        await send(c.id);
      }
      await run.runAll();
      const me = bearer(m.tokens.get(m.ids[0])!);
      const p1 = await h.http.get('/api/app/inbox?limit=2').set(me);
      expect(p1.body.items.map((x: { title: string }) => x.title)).toEqual(['第2条', '第1条']);
      expect(p1.body.unreadCount).toBe(3);
      const p2 = await h.http.get(`/api/app/inbox?limit=2&cursor=${p1.body.nextCursor}`).set(me);
      expect(p2.body.items.map((x: { title: string }) => x.title)).toEqual(['第0条']);
      expect(p2.body.nextCursor).toBeNull();
      const read = await h.http.post(`/api/app/inbox/${p1.body.items[0].id}/read`).set(me);
      expect(read.body.message.read).toBe(true);
      expect((await h.http.post(`/api/app/inbox/${p1.body.items[0].id}/read`).set(bearer(m.tokens.get(m.ids[1])!))).status).toBe(404);
      expect((await h.http.get('/api/app/inbox').set(me)).body.unreadCount).toBe(2);
      expect((await h.http.post('/api/app/inbox/read-all').set(me)).body).toEqual({ updated: 2 });
      expect((await h.http.get('/api/app/inbox').set(me)).body.unreadCount).toBe(0);
      expect((await h.http.get('/api/app/inbox?cursor=!!').set(me)).status).toBe(400);
    });

    it('report: counts match SQL; sales of recipients vs holdout in the window with a 95 % interval', async () => {
      const h = get();
      const t = await makeTemplate(h, mk);
      const m = await seedMembers(h, 200);
      const c = await createCampaignApi(h, mk, { templateId: t.id, rule: m.rule, holdoutPercent: 30 });
      await send(c.id);
      await run.runAll();
      // paid orders in the window: recipients spend 100 yuan each on odd ids, holdout 50 yuan on odd ids
      const paidAt = new Date(h.clock.now().getTime() + 60_000);
      const orders = m.ids
        .filter((id) => id % 2 === 1)
        .map((id, i) => {
          const fen = isHeldOut(c.id, id, 30) ? 5_000 : 10_000;
          return [`R${c.id}x${i}`, id, 1, 'paid', `k${i}`, 'h', fen, fen, 0, 0, fen, 0, '0000', paidAt.toISOString().slice(0, 23).replace('T', ' '), paidAt.toISOString().slice(0, 23).replace('T', ' '), 1];
        });
      await h.deps.db.transaction((tx) =>
        insertIgnore(
          tx,
          h.deps.db.dialect,
          'orders',
          ['out_trade_no', 'customer_id', 'store_id', 'status', 'idempotency_key', 'request_hash', 'list_fen', 'total_fen', 'coupon_discount_fen', 'points_deduction_fen', 'payable_fen', 'points_used', 'pickup_code', 'expires_at', 'paid_at', 'version'],
          orders,
        ),
      );
      const r = (await h.http.get(`/api/admin/campaigns/${c.id}/report`).set(bearer(mk))).body.report;
      const held = m.ids.filter((id) => isHeldOut(c.id, id, 30));
      expect(r.audience).toBe(await count(h, 'SELECT COUNT(*) AS n FROM campaign_recipient WHERE campaign_id = ?', [c.id]));
      expect(r.heldOut).toBe(held.length);
      expect(r.delivered).toBe(await count(h, "SELECT COUNT(*) AS n FROM campaign_delivery WHERE campaign_id = ? AND status = 'delivered'", [c.id]));
      expect(r.couponsIssued).toBe(await count(h, 'SELECT COUNT(*) AS n FROM coupon WHERE source = ? AND source_ref = ?', ['campaign', `cmp${c.id}`]));
      expect(r.redeemed).toBe(0);
      expect(r.recipients.customers).toBe(200 - held.length);
      expect(r.holdout.customers).toBe(held.length);
      const treated = m.ids.filter((id) => !isHeldOut(c.id, id, 30));
      expect(r.recipients.salesFen).toBe(treated.filter((id) => id % 2 === 1).length * 10_000);
      expect(r.holdout.salesFen).toBe(held.filter((id) => id % 2 === 1).length * 5_000);
      const diff = r.recipients.salesFen / r.recipients.customers - r.holdout.salesFen / r.holdout.customers;
      expect(r.uplift.meanDiffFen).toBeCloseTo(diff, 1);
      expect(r.uplift.ci95Fen[0]).toBeLessThan(diff);
      expect(r.uplift.ci95Fen[1]).toBeGreaterThan(diff);
      expect(r.uplift.ci95Fen[0]).toBeGreaterThan(0); // ~2,500 fen apart with sd ~5,000 over ~60/140 customers
    });
  },
  { env: CAMPAIGN_ENV },
);
