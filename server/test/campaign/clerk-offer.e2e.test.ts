import { describeEachDb } from '../helpers/harness';
import { bearer } from '../helpers/flows';
import { makeStaff, makeStore, staffToken } from '../helpers/fixtures';
import { CAMPAIGN_ENV, makeTemplate, manualRunner, marketerToken, seedMembers } from './helpers';

describeEachDb(
  'clerk offers: own customers only, allowed templates, capped per customer per period, filters, report',
  (get) => {
    let mk: string;
    let run: ReturnType<typeof manualRunner>;
    beforeAll(async () => {
      mk = await marketerToken(get());
      run = manualRunner(get());
    });
    afterAll(async () => run.stop());

    async function setup() {
      const h = get();
      mk = await marketerToken(h); // earlier tests move the clock past a token's life
      const store = await makeStore(h);
      const me = (await makeStaff(h, 'clerk', store.id)).staff;
      const other = (await makeStaff(h, 'clerk', store.id)).staff;
      const mine = await seedMembers(h, 6, { clerk: { staffId: me.id, storeId: store.id }, noConsent: (i) => i === 5 });
      const theirs = await seedMembers(h, 2, { clerk: { staffId: other.id, storeId: store.id } });
      const t = await makeTemplate(h, mk, { claimable: false });
      const flag = await h.http.put(`/api/admin/clerk-offer-templates/${t.id}`).set(bearer(mk)).send({ offerable: true });
      expect(flag.body).toEqual({ templateId: t.id, offerable: true });
      return { h, me, token: staffToken(h, me.id), mine, theirs, t };
    }
    const offer = (token: string, body: object, key?: string) => {
      const req = get().http.post('/api/clerk/offers').set(bearer(token));
      if (key) req.set('idempotency-key', key);
      return req.send({ title: '老朋友专享', body: '本周到店可用', ...body });
    };

    it("offering to another clerk's customer is refused (404, no existence oracle); a non-flagged template → 403", async () => {
      const { h, token, theirs, mine, t } = await setup();
      const r = await offer(token, { customerIds: [mine.ids[0], theirs.ids[0]], templateId: t.id });
      expect(r.status).toBe(404);
      expect(r.body.details.customerIds).toEqual([theirs.ids[0]]);
      const other = await makeTemplate(h, mk);
      expect((await offer(token, { customerIds: [mine.ids[0]], templateId: other.id })).body.code).toBe('CLERK_OFFER_TEMPLATE_NOT_ALLOWED');
      expect((await h.http.get('/api/clerk/offer-templates').set(bearer(token))).body.items.map((x: { id: number }) => x.id)).toContain(t.id);
    });

    it('one customer: delivered through the pipeline; a second offer inside the period → 409 explaining the cap', async () => {
      const { h, me, token, mine, t } = await setup();
      const first = await offer(token, { customerIds: [mine.ids[0]], templateId: t.id }, 'offer-key-0001');
      expect(first.status).toBe(201);
      expect(first.body.recipients).toBe(1);
      const again = await offer(token, { customerIds: [mine.ids[0]], templateId: t.id }, 'offer-key-0001');
      expect(again.body.offer.id).toBe(first.body.offer.id); // same Idempotency-Key → the same offer
      await run.runAll();
      const inbox = await h.http.get('/api/app/inbox').set(bearer(mine.tokens.get(mine.ids[0])!));
      expect(inbox.body.items[0]).toMatchObject({ title: '老朋友专享', couponId: expect.any(Number) });
      const capped = await offer(token, { customerIds: [mine.ids[0]], templateId: t.id });
      expect(capped.status).toBe(409);
      expect(capped.body.code).toBe('CLERK_OFFER_CAPPED');
      expect(capped.body.message).toMatch(/At most 1 clerk offer\(s\) per customer in 7 day\(s\)/);
      expect(capped.body.details).toMatchObject({ capCount: 1, capDays: 7, customerIds: [mine.ids[0]] });
      h.clock.advance(7 * 86_400_000 + 1);
      expect((await offer(staffToken(h, me.id), { customerIds: [mine.ids[0]], templateId: t.id })).status).toBe(201);
    });

    it('a filtered set of own customers: opted-out and capped ones are left out and counted; report per offer', async () => {
      const { h, token, mine, t } = await setup();
      await offer(token, { customerIds: [mine.ids[1]], templateId: t.id });
      await run.runAll();
      const r = await offer(token, { filter: { tagId: mine.tagId, isMember: true }, templateId: t.id });
      expect(r.status).toBe(201);
      expect(r.body.recipients).toBe(4);
      expect(r.body.excluded).toEqual({ frequency_cap: 1, no_consent: 1 });
      await run.runAll();
      const list = await h.http.get('/api/clerk/offers').set(bearer(token));
      expect(list.body.items[0]).toMatchObject({ id: r.body.offer.id, sent: 4, redeemed: 0, salesFen: 0 });
      const report = await h.http.get(`/api/clerk/offers/${r.body.offer.id}/report`).set(bearer(token));
      expect(report.body.report).toMatchObject({ kind: 'clerk_offer', audience: 4, delivered: 4, couponsIssued: 4 });
      const stranger = staffToken(h, (await makeStaff(h, 'clerk', (await makeStore(h)).id)).staff.id);
      expect((await h.http.get(`/api/clerk/offers/${r.body.offer.id}/report`).set(bearer(stranger))).status).toBe(404);
      expect((await h.http.get(`/api/admin/clerk-offers/${r.body.offer.id}/report`).set(bearer(mk))).body.report.delivered).toBe(4);
    });

    it('GET /api/clerk/customers filters own customers by tag, lifecycle tag and dormant days', async () => {
      const { h, me, token, mine, theirs } = await setup();
      const byTag = await h.http.get(`/api/clerk/customers?tagId=${mine.tagId}&limit=50`).set(bearer(token));
      expect(byTag.body.items.map((c: { id: number }) => c.id).sort()).toEqual([...mine.ids].sort());
      expect((await h.http.get(`/api/clerk/customers?tagId=${theirs.tagId}`).set(bearer(token))).body.items).toEqual([]);
      expect((await h.http.get(`/api/clerk/customers?lifecycleTagId=${mine.tagId}&limit=50`).set(bearer(token))).body.items).toHaveLength(6);
      expect((await h.http.get(`/api/clerk/customers?tagId=${mine.tagId}&dormantDays=30`).set(bearer(token))).body.items).toHaveLength(0);
      h.clock.advance(31 * 86_400_000);
      const fresh = staffToken(h, me.id); // the old token expired with the jump
      expect((await h.http.get(`/api/clerk/customers?tagId=${mine.tagId}&dormantDays=30&limit=50`).set(bearer(fresh))).body.items).toHaveLength(6);
      expect((await h.http.get('/api/clerk/customers?dormantDays=0').set(bearer(fresh))).status).toBe(400);
    });
  },
  { env: CAMPAIGN_ENV },
);

