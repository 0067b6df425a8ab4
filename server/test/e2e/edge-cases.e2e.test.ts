import { describeEachDb } from '../helpers/harness';
import { postPoints } from '../../src/modules/points/points.service';
import { bearer, becomeMember, loginCode, newOpenid, openApp, phoneCode, session } from '../helpers/flows';
import { makeClerkCode, makeStaff, makeStore, makeStoreCode, makeTag, schedule, setStaffStatusLeft, staffToken } from '../helpers/fixtures';

const count = async (h: any, sql: string, args: unknown[] = []) => Number((await h.deps.db.read((em: any) => em.query(sql, args)))[0].n);

describeEachDb('bad input and edge cases', (get) => {
  it('a reused login code and an expired one → 401 WECHAT_LOGIN_CODE_INVALID, nothing created', async () => {
    const h = get();
    const openid = newOpenid();
    const code = await loginCode(h, openid);
    expect((await h.http.post('/api/app/session').send({ code })).status).toBe(200);
    const reused = await h.http.post('/api/app/session').send({ code });
    expect(reused.status).toBe(401);
    expect(reused.body).toMatchObject({ code: 'WECHAT_LOGIN_CODE_INVALID', requestId: expect.any(String) });

    const stale = await loginCode(h, newOpenid());
    h.clock.advance(5 * 60_000 + 1);
    const expired = await h.http.post('/api/app/session').send({ code: stale });
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('WECHAT_LOGIN_CODE_INVALID');
    expect(await count(h, 'SELECT COUNT(*) AS n FROM customer WHERE openid = ?', [openid])).toBe(1);
  });

  it('a reused phone code → 400, no second grant', async () => {
    const h = get();
    const openid = newOpenid();
    const { token } = await session(h, openid);
    const code = await phoneCode(h, '13911112222');
    expect((await h.http.post('/api/app/member').set(bearer(token)).send({ phoneCode: code })).status).toBe(200);
    const again = await h.http.post('/api/app/member').set(bearer(token)).send({ phoneCode: code });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('WECHAT_PHONE_CODE_INVALID');
    const me = await h.http.get('/api/app/me').set(bearer(token));
    expect(me.body.customer.pointsBalance).toBe(1000);
  });

  it('two concurrent bindings for one customer → one member, one welcome grant', async () => {
    const h = get();
    const { token, customer } = await session(h, newOpenid());
    const codes = await Promise.all([phoneCode(h, '13700000001'), phoneCode(h, '13700000001'), phoneCode(h, '13700000002'), phoneCode(h, '13700000001')]);
    const results = await Promise.all(codes.map((c) => h.http.post('/api/app/member').set(bearer(token)).send({ phoneCode: c })));
    const statuses = results.map((r) => r.status).sort();
    // the winner's phone decides which of the others are idempotent repeats (200) and which conflict (409 ALREADY_MEMBER)
    expect(statuses.filter((s) => s !== 200 && s !== 409)).toEqual([]);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'ALREADY_MEMBER')).toBe(true);
    expect(await count(h, "SELECT COUNT(*) AS n FROM points_ledger WHERE customer_id = ? AND reason = 'welcome'", [customer.id])).toBe(1);
    expect(await count(h, 'SELECT points_balance AS n FROM customer WHERE id = ?', [customer.id])).toBe(1000);
  });

  it('a phone already bound to another customer → 409 PHONE_ALREADY_BOUND, nothing changes', async () => {
    const h = get();
    const a = await session(h, newOpenid());
    const b = await session(h, newOpenid());
    expect((await becomeMember(h, a.token, '13600000009')).status).toBe(200);
    const res = await becomeMember(h, b.token, '13600000009');
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('PHONE_ALREADY_BOUND');
    const me = await h.http.get('/api/app/me').set(bearer(b.token));
    expect(me.body.customer).toMatchObject({ isMember: false, pointsBalance: 0 });
  });

  it('tag schedule boundaries: 1 ms before validFrom no tag, at validFrom tag, 1 ms before validTo tag, at validTo no tag', async () => {
    const h = get();
    const store = await makeStore(h);
    const tag = await makeTag(h);
    const qr = await makeStoreCode(h, store.id);
    const from = new Date(Math.floor(h.clock.now().getTime() / 1000) * 1000 + 86_400_000 + 123);
    const to = new Date(from.getTime() + 3_600_000);
    await schedule(h, qr.id, tag.id, from, to);
    const tagged = async (at: number) => {
      h.clock.set(at);
      const { customer } = await session(h, newOpenid(), qr.sceneEncoded);
      return count(h, 'SELECT COUNT(*) AS n FROM customer_tag WHERE customer_id = ? AND tag_id = ?', [customer.id, tag.id]);
    };
    expect(await tagged(from.getTime() - 1)).toBe(0);
    expect(await tagged(from.getTime())).toBe(1);
    expect(await tagged(from.getTime() + 1)).toBe(1);
    expect(await tagged(to.getTime() - 1)).toBe(1);
    expect(await tagged(to.getTime())).toBe(0);
    expect(await tagged(to.getTime() + 1)).toBe(0);
  });

  it('a clerk code of a clerk who has left → store attribution only', async () => {
    const h = get();
    const store = await makeStore(h);
    const { staff } = await makeStaff(h, 'clerk', store.id);
    const qr = await makeClerkCode(h, store.id, staff.id);
    await setStaffStatusLeft(h, staff.id);
    const { customer } = await session(h, newOpenid(), qr.sceneEncoded);
    expect(customer.store).toEqual({ id: store.id, name: store.name });
    expect(customer.clerk).toBeUndefined();
    expect(await count(h, 'SELECT COUNT(*) AS n FROM customer_clerk WHERE customer_id = ?', [customer.id])).toBe(0);
  });

  it('unknown JSON fields, wrong types, non-JSON bodies and oversized bodies are refused with a code and change nothing', async () => {
    const h = get();
    const before = await count(h, 'SELECT COUNT(*) AS n FROM customer');
    const code = await loginCode(h, newOpenid());
    const extra = await h.http.post('/api/app/session').send({ code, openid: 'someone-else' });
    expect(extra.status).toBe(400);
    expect(extra.body.code).toBe('VALIDATION_FAILED');
    expect((await h.http.post('/api/app/session').send({ code: 12345 })).body.code).toBe('VALIDATION_FAILED');
    const form = await h.http.post('/api/app/session').type('form').send('code=abc');
    expect(form.status).toBe(415);
    const broken = await h.http.post('/api/app/session').set('content-type', 'application/json').send('{"code":');
    expect([400]).toContain(broken.status);
    expect(broken.body.code).toBe('VALIDATION_FAILED');
    const big = await h.http.post('/api/app/session').send({ code: 'x', scene: 'y'.repeat(70 * 1024) });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await count(h, 'SELECT COUNT(*) AS n FROM customer')).toBe(before);
    // the code was never consumed by the refused requests
    expect((await h.http.post('/api/app/session').send({ code })).status).toBe(200);
  });

  it('a clerk token on admin routes → 403; a consumer token on clerk routes → 401; none → 401', async () => {
    const h = get();
    const store = await makeStore(h);
    const { staff } = await makeStaff(h, 'clerk', store.id);
    const clerk = staffToken(h, staff.id);
    const res = await h.http.get('/api/admin/customers').set(bearer(clerk));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN_ROLE');
    const consumer = await session(h, newOpenid());
    expect((await h.http.get('/api/clerk/customers').set(bearer(consumer.token))).status).toBe(401);
    expect((await h.http.get('/api/app/me')).status).toBe(401);
    expect((await h.http.get('/api/app/me').set(bearer(consumer.token + 'x'))).status).toBe(401);
  });

  it('a clerk of store A reading store B customers → 404; own customers visible with masked phone only', async () => {
    const h = get();
    const storeA = await makeStore(h);
    const storeB = await makeStore(h);
    const { staff: clerkA } = await makeStaff(h, 'clerk', storeA.id);
    const { staff: clerkB } = await makeStaff(h, 'clerk', storeB.id);
    const { staff: managerA } = await makeStaff(h, 'store_manager', storeA.id);
    const codeA = await makeClerkCode(h, storeA.id, clerkA.id);
    const codeB = await makeClerkCode(h, storeB.id, clerkB.id);
    const custA = await session(h, newOpenid(), codeA.sceneEncoded);
    await becomeMember(h, custA.token, '13512345678');
    const custB = await session(h, newOpenid(), codeB.sceneEncoded);

    const tokenA = staffToken(h, clerkA.id);
    expect((await h.http.get(`/api/clerk/customers/${custB.customer.id}`).set(bearer(tokenA))).status).toBe(404);
    expect((await h.http.get(`/api/clerk/customers/${custB.customer.id}`).set(bearer(staffToken(h, managerA.id)))).status).toBe(404);
    const own = await h.http.get(`/api/clerk/customers/${custA.customer.id}`).set(bearer(tokenA));
    expect(own.status).toBe(200);
    expect(own.body.customer).toMatchObject({ id: custA.customer.id, phoneMasked: '135****5678', clerkId: clerkA.id, storeId: storeA.id });
    expect(JSON.stringify(own.body)).not.toMatch(/openid|unionid|13512345678|phoneEnc|sessionKey/i);
    const list = await h.http.get('/api/clerk/customers').set(bearer(tokenA));
    expect(list.body.items.map((c: any) => c.id)).toEqual([custA.customer.id]);
    const managerList = await h.http.get('/api/clerk/customers').set(bearer(staffToken(h, managerA.id)));
    expect(managerList.body.items.map((c: any) => c.id)).toContain(custA.customer.id);
    expect(managerList.body.items.map((c: any) => c.id)).not.toContain(custB.customer.id);
  });

  it('points history pages by keyset: newest first, stable cursors, a forged cursor is a 400', async () => {
    const h = get();
    const { token, customer } = await session(h, newOpenid());
    await becomeMember(h, token, '13300000077');
    for (let i = 1; i <= 4; i++) {
      await h.deps.db.transaction((tx) => postPoints(h.deps.db, tx, { customerId: customer.id, delta: i, reason: 'adjustment', refType: 'test', refId: `page-${customer.id}-${i}` }, h.clock.now()));
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await h.http.get(`/api/app/points/ledger?limit=2${cursor ? `&cursor=${cursor}` : ''}`).set(bearer(token));
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((i: any) => i.delta));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([4, 3, 2, 1, 1000]);
    const forged = await h.http.get('/api/app/points/ledger?cursor=bm9wZQ').set(bearer(token));
    expect(forged.status).toBe(400);
    expect((await h.http.get('/api/app/points/ledger?limit=1000').set(bearer(token))).status).toBe(400);
  });
});
