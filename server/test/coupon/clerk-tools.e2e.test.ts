import crypto from 'node:crypto';
import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer, member, placeOrder } from '../helpers/flows';
import { makeProduct, makeStaff, makeStore, staffToken } from '../helpers/fixtures';
import { Coupon } from '../../src/modules/coupon/coupon.entity';
import { OutboxEvent } from '../../src/events/outbox-event.entity';
import { claim, makeTemplate, marketerToken } from './helpers';

let phone = 13100000000;
let seq = 0;
const reqNo = () => `ct-${process.pid}-${++seq}-${crypto.randomBytes(3).toString('hex')}`;

describeEachDb(
  'clerk tools: recent redemptions, failed-code rate limit; admin revocation',
  (get) => {
    let storeA: number;
    let storeB: number;
    let ids: { clerk1: number; clerk2: number; manager: number; clerkB: number; admin: number; marketer: number };
    let templateId: number;
    const tok = (id: number) => staffToken(get(), id);
    beforeAll(async () => {
      const h = get();
      storeA = (await makeStore(h)).id;
      storeB = (await makeStore(h)).id;
      ids = {
        clerk1: (await makeStaff(h, 'clerk', storeA)).staff.id,
        clerk2: (await makeStaff(h, 'clerk', storeA)).staff.id,
        manager: (await makeStaff(h, 'store_manager', storeA)).staff.id,
        clerkB: (await makeStaff(h, 'clerk', storeB)).staff.id,
        admin: (await makeStaff(h, 'admin')).staff.id,
        marketer: (await makeStaff(h, 'marketer')).staff.id,
      };
      templateId = (await makeTemplate(h, await marketerToken(h), { perCustomerLimit: 50 })).id;
    });

    const holder = async (h: Harness) => {
      const m = await member(h, String(++phone));
      const c = await claim(h, m.token, templateId);
      return { ...m, couponId: c.body.coupon.id as number };
    };
    const codeOf = async (h: Harness, token: string, couponId: number) => (await h.http.get(`/api/app/coupons/${couponId}/code`).set(bearer(token))).body as { token: string; digits: string };
    const redeem = (h: Harness, staffId: number, body: object) => h.http.post('/api/clerk/redemptions').set(bearer(tok(staffId))).send({ requestNo: reqNo(), orderAmountFen: 12_000, ...body });
    const lookup = (h: Harness, staffId: number, body: object) => h.http.post('/api/clerk/redemptions/lookup').set(bearer(tok(staffId))).send({ orderAmountFen: 12_000, ...body });
    const list = (h: Harness, staffId: number, q = '') => h.http.get(`/api/clerk/redemptions${q}`).set(bearer(tok(staffId)));

    it('recent redemptions: a clerk sees their own, a manager the store’s, another store none; reversible flags; keyset pages', async () => {
      const h = get();
      const done: { id: number; by: number }[] = [];
      for (const by of [ids.clerk1, ids.clerk2, ids.clerk1, ids.manager]) {
        const m = await holder(h);
        const r = await redeem(h, by, { token: (await codeOf(h, m.token, m.couponId)).token });
        expect(r.status).toBe(201);
        done.push({ id: r.body.redemption.id, by });
      }
      const mine = await list(h, ids.clerk1);
      expect(mine.status).toBe(200);
      expect(mine.body.items.map((r: { id: number }) => r.id)).toEqual(done.filter((d) => d.by === ids.clerk1).map((d) => d.id).reverse());
      expect(mine.body.items[0]).toMatchObject({ couponTitle: '满100减20', storeId: storeA, clerkId: ids.clerk1, discountFen: 2_000, reversible: true });
      expect(JSON.stringify(mine.body)).not.toMatch(/phone|openid|customerId/);
      const all = await list(h, ids.manager);
      expect(all.body.items.map((r: { id: number }) => r.id)).toEqual(done.map((d) => d.id).reverse());
      expect((await list(h, ids.clerkB)).body.items).toEqual([]);
      // pages of 2
      const p1 = await list(h, ids.manager, '?limit=2');
      const p2 = await list(h, ids.manager, `?limit=2&cursor=${p1.body.nextCursor}`);
      expect([...p1.body.items, ...p2.body.items].map((r: { id: number }) => r.id)).toEqual(done.map((d) => d.id).reverse());
      expect(p2.body.nextCursor).toBeNull();
      expect((await list(h, ids.manager, '?cursor=!!')).status).toBe(400);
      expect((await list(h, ids.manager, '?cursor=bm90LWEtY3Vyc29y')).status).toBe(400);
      // reversed → not reversible; past the window → not reversible
      const rev = await h.http.post(`/api/clerk/redemptions/${done[0].id}/reverse`).set(bearer(tok(ids.clerk1))).send({ reason: '顾客退单' });
      expect(rev.status).toBe(200);
      const after = await list(h, ids.clerk1);
      expect(after.body.items.find((r: { id: number }) => r.id === done[0].id)).toMatchObject({ reversible: false, reverseReason: '顾客退单' });
      h.clock.advance(24 * 3_600_000 + 1);
      expect((await list(h, ids.manager)).body.items.every((r: { reversible: boolean }) => !r.reversible)).toBe(true);
      expect((await h.http.get('/api/clerk/redemptions').set(bearer(tok(ids.marketer)))).status).toBe(403);
    });

    it('rate limit: 10 failed codes a minute per clerk → 429 COUPON_CODE_ATTEMPTS_EXCEEDED (even for a genuine code); successes and other clerks unaffected', async () => {
      const h = get();
      const m = await holder(h);
      const good = await codeOf(h, m.token, m.couponId);
      // a success and genuine-code refusals (replay) do not count
      expect((await redeem(h, ids.clerk2, { token: good.token })).status).toBe(201);
      for (let i = 0; i < 12; i++) expect((await redeem(h, ids.clerk2, { token: good.token })).body.code).toBe('COUPON_CODE_REPLAYED');
      const m2 = await holder(h);
      const good2 = await codeOf(h, m2.token, m2.couponId);
      for (let i = 0; i < 10; i++) {
        const typo = `${good2.digits.slice(0, 6)}${String((Number(good2.digits.slice(6)) + 1 + i) % 1_000_000).padStart(6, '0')}`;
        const res = await (i % 2 ? lookup(h, ids.clerk2, { digits: typo }) : redeem(h, ids.clerk2, { digits: typo }));
        expect(res.body.code).toBe('COUPON_CODE_INVALID');
      }
      const blocked = await lookup(h, ids.clerk2, { token: good2.token });
      expect({ status: blocked.status, code: blocked.body.code }).toEqual({ status: 429, code: 'COUPON_CODE_ATTEMPTS_EXCEEDED' });
      expect(blocked.body.details.retryAfterSeconds).toBeGreaterThan(0);
      expect((await redeem(h, ids.clerk2, { token: good2.token })).status).toBe(429);
      // another clerk of the store is not blocked
      expect((await lookup(h, ids.clerk1, { token: good2.token })).body.usable).toBe(true);
      // the window slides: a minute later the clerk may try again
      h.clock.advance(60_001);
      const fresh = await codeOf(h, m2.token, m2.couponId);
      expect((await redeem(h, ids.clerk2, { token: fresh.token })).status).toBe(201);
    });

    it('revocation: issued → revoked, audited; locked or redeemed → COUPON_NOT_REVOCABLE; admin only; repeat is a no-op', async () => {
      const h = get();
      const admin = tok(ids.admin);
      const revoke = (couponId: number, token = admin, reason = '误发') => h.http.post(`/api/admin/coupons/${couponId}/revoke`).set(bearer(token)).send({ reason });
      const m = await holder(h);
      expect((await revoke(m.couponId, tok(ids.marketer))).status).toBe(403);
      expect((await revoke(m.couponId, admin, '')).status).toBe(400);
      const r = await revoke(m.couponId);
      expect(r.status).toBe(200);
      expect(r.body.coupon).toMatchObject({ id: m.couponId, status: 'revoked' });
      const row = await h.deps.db.read((em) => em.getRepository(Coupon).findOneByOrFail({ id: m.couponId }));
      expect(row).toMatchObject({ status: 'revoked', revokedBy: ids.admin, revokeReason: '误发', revokedAt: h.clock.now() });
      expect((await revoke(m.couponId)).body.coupon.status).toBe('revoked');
      const events = await h.deps.db.read((em) => em.getRepository(OutboxEvent).findBy({ type: 'coupon.revoked' }));
      expect(events.filter((e) => JSON.parse(e.payload).couponId === m.couponId)).toHaveLength(1);
      // the customer sees it revoked and cannot show a code for it
      expect((await h.http.get(`/api/app/coupons/${m.couponId}`).set(bearer(m.token))).body.coupon.status).toBe('revoked');
      expect((await h.http.get(`/api/app/coupons/${m.couponId}/code`).set(bearer(m.token))).body.code).toBe('COUPON_NOT_USABLE');

      const used = await holder(h);
      expect((await redeem(h, ids.clerk1, { token: (await codeOf(h, used.token, used.couponId)).token })).status).toBe(201);
      const refused = await revoke(used.couponId);
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: 'COUPON_NOT_REVOCABLE' });
      const sku = (await makeProduct(h, { priceFen: 5_000 })).sku;
      const locked = await holder(h);
      expect((await placeOrder(h, locked.token, { storeId: storeA, items: [{ sku, quantity: 3 }], couponId: locked.couponId })).status).toBe(201);
      expect((await revoke(locked.couponId)).body.code).toBe('COUPON_NOT_REVOCABLE');
      expect((await revoke(999_999)).status).toBe(404);
    });
  },
  { pay: true },
);
