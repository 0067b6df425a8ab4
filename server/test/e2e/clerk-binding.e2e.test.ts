import { describeEachDb } from '../helpers/harness';
import { bearer, newOpenid, session } from '../helpers/flows';
import { makeClerkCode, makeStaff, makeStore, makeTag, staffToken } from '../helpers/fixtures';

const DAY = 86_400_000;
const q = (h: any, sql: string, args: unknown[] = []) => h.deps.db.read((em: any) => em.query(sql, args));

describeEachDb('clerk binding: first touch, protection window, rebinding, handover', (get) => {
  it('another clerk does not steal a protected customer; after the window the new clerk binds; each change audited', async () => {
    const h = get();
    const store = await makeStore(h);
    const { staff: a } = await makeStaff(h, 'clerk', store.id);
    const { staff: b } = await makeStaff(h, 'clerk', store.id);
    const codeA = await makeClerkCode(h, store.id, a.id);
    const codeB = await makeClerkCode(h, store.id, b.id);
    const openid = newOpenid();
    const first = await session(h, openid, codeA.sceneEncoded);
    expect(first.customer.clerk.id).toBe(a.id);

    h.clock.advance(29 * DAY); // inside the default 30-day protection
    expect((await session(h, openid, codeB.sceneEncoded)).customer.clerk.id).toBe(a.id);

    h.clock.advance(2 * DAY); // protection over
    expect((await session(h, openid, codeB.sceneEncoded)).customer.clerk.id).toBe(b.id);
    const audit = await q(h, 'SELECT from_staff_id, to_staff_id, rule FROM clerk_assignment WHERE customer_id = ? ORDER BY id', [first.customer.id]);
    expect(audit.map((r: any) => [r.from_staff_id === null ? null : Number(r.from_staff_id), Number(r.to_staff_id), r.rule])).toEqual([
      [null, a.id, 'first_touch'],
      [a.id, b.id, 'rebind_after_protection'],
    ]);
  });

  it('concurrent first scans of two clerks bind exactly one clerk', async () => {
    const h = get();
    const store = await makeStore(h);
    const clerks = await Promise.all([1, 2, 3, 4].map(() => makeStaff(h, 'clerk', store.id)));
    const codes = await Promise.all(clerks.map((c) => makeClerkCode(h, store.id, c.staff.id)));
    const openid = newOpenid();
    await session(h, openid); // the fan exists; now four codes race
    const results = await Promise.all(codes.map((c) => session(h, openid, c.sceneEncoded)));
    const id = results[0].customer.id;
    const bindings = await q(h, 'SELECT staff_id FROM customer_clerk WHERE customer_id = ?', [id]);
    expect(bindings).toHaveLength(1);
    const audits = await q(h, 'SELECT COUNT(*) AS n FROM clerk_assignment WHERE customer_id = ?', [id]);
    expect(Number(audits[0].n)).toBe(1);
  });

  it('a customer of a clerk who left is rebound by the next clerk scan at once', async () => {
    const h = get();
    const store = await makeStore(h);
    const { staff: manager } = await makeStaff(h, 'store_manager', store.id);
    const { staff: a } = await makeStaff(h, 'clerk', store.id);
    const { staff: b } = await makeStaff(h, 'clerk', store.id);
    const codeA = await makeClerkCode(h, store.id, a.id);
    const codeB = await makeClerkCode(h, store.id, b.id);
    const openid = newOpenid();
    await session(h, openid, codeA.sceneEncoded);
    expect((await h.http.post(`/api/clerk/staff/${a.id}/leave`).set(bearer(staffToken(h, manager.id))).send({})).status).toBe(200);
    const after = await session(h, openid, codeB.sceneEncoded);
    expect(after.customer.clerk.id).toBe(b.id);
    const last = await q(h, 'SELECT rule FROM clerk_assignment WHERE customer_id = ? ORDER BY id DESC', [after.customer.id]);
    expect(last[0].rule).toBe('rebind_clerk_left');
    // the left clerk's code (resolved moments ago, so cached) binds nobody to them any more
    const fresh = await session(h, newOpenid(), codeA.sceneEncoded);
    expect(fresh.customer.clerk).toBeUndefined();
  });

  it('a store manager hands a leaving clerk’s customers to another clerk; other stores are out of reach', async () => {
    const h = get();
    const store = await makeStore(h);
    const other = await makeStore(h);
    const { staff: manager } = await makeStaff(h, 'store_manager', store.id);
    const { staff: leaving } = await makeStaff(h, 'clerk', store.id);
    const { staff: heir } = await makeStaff(h, 'clerk', store.id);
    const { staff: foreign } = await makeStaff(h, 'clerk', other.id);
    const code = await makeClerkCode(h, store.id, leaving.id);
    const customers = [];
    for (let i = 0; i < 7; i++) customers.push((await session(h, newOpenid(), code.sceneEncoded)).customer.id);
    const token = staffToken(h, manager.id);

    const cross = await h.http.post(`/api/clerk/staff/${leaving.id}/handover`).set(bearer(token)).send({ toStaffId: foreign.id });
    expect(cross.status).toBe(404);
    const same = await h.http.post(`/api/clerk/staff/${leaving.id}/handover`).set(bearer(token)).send({ toStaffId: leaving.id });
    expect(same.body.code).toBe('HANDOVER_INVALID');

    const res = await h.http.post(`/api/clerk/staff/${leaving.id}/handover`).set(bearer(token)).send({ toStaffId: heir.id, reason: '离职交接' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ fromStaffId: leaving.id, toStaffId: heir.id, moved: 7 });
    const owners = await q(h, `SELECT DISTINCT staff_id FROM customer_clerk WHERE customer_id IN (${customers.join(',')})`);
    expect(owners.map((o: any) => Number(o.staff_id))).toEqual([heir.id]);
    const audits = await q(h, "SELECT COUNT(*) AS n FROM clerk_assignment WHERE rule = 'handover' AND actor_staff_id = ? AND reason = '离职交接'", [manager.id]);
    expect(Number(audits[0].n)).toBe(7);
    // repeating the handover moves nothing
    const again = await h.http.post(`/api/clerk/staff/${leaving.id}/handover`).set(bearer(token)).send({ toStaffId: heir.id });
    expect(again.body.moved).toBe(0);
  });

  it('console: batch codes are idempotent, images come through signed URLs, schedules keep history', async () => {
    const h = get();
    const { staff: admin } = await makeStaff(h, 'admin');
    const token = staffToken(h, admin.id);
    const store = await makeStore(h);
    await makeStaff(h, 'clerk', store.id);
    await makeStaff(h, 'clerk', store.id);
    const batch = await h.http.post('/api/admin/qr-codes/batch').set(bearer(token)).send({ storeIds: [store.id] });
    expect(batch.status).toBe(200);
    expect(batch.body).toMatchObject({ created: 3, imageErrors: 0 });
    expect(batch.body.items.map((i: any) => i.ownerType).sort()).toEqual(['clerk', 'clerk', 'store']);
    const again = await h.http.post('/api/admin/qr-codes/batch').set(bearer(token)).send({ storeIds: [store.id] });
    expect(again.body.created).toBe(0);
    expect(again.body.items.map((i: any) => i.code).sort()).toEqual(batch.body.items.map((i: any) => i.code).sort());

    const img = batch.body.items[0].imageUrl.replace(h.baseUrl, '');
    const png = await h.http.get(img).buffer(true);
    expect(png.status).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.body.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect((await h.http.get(img.replace(/sig=[^&]+/, 'sig=forged'))).status).toBe(404);

    // poster change: a new category schedule with replace closes the old one at its start; history kept
    const nuts = await makeTag(h);
    const meat = await makeTag(h);
    const storeCode = batch.body.items.find((i: any) => i.ownerType === 'store');
    const t0 = h.clock.now().getTime();
    await h.http.post(`/api/admin/qr-codes/${storeCode.id}/tags`).set(bearer(token)).send({ tagId: nuts.id, validFrom: new Date(t0 - DAY).toISOString() });
    const change = await h.http.post(`/api/admin/qr-codes/${storeCode.id}/tags`).set(bearer(token)).send({ tagId: meat.id, validFrom: new Date(t0 + DAY).toISOString(), replace: true });
    expect(change.status).toBe(201);
    const hist = await h.http.get(`/api/admin/qr-codes/${storeCode.id}/tags`).set(bearer(token));
    expect(hist.body.items.map((s: any) => [s.tagId, s.validTo])).toEqual([
      [nuts.id, new Date(t0 + DAY).toISOString()],
      [meat.id, null],
    ]);
    const bad = await h.http.post(`/api/admin/qr-codes/${storeCode.id}/tags`).set(bearer(token)).send({ tagId: nuts.id, validFrom: new Date(t0).toISOString(), validTo: new Date(t0).toISOString() });
    expect(bad.body.code).toBe('TAG_SCHEDULE_INVALID');
    // a scan next week gets meat, not nuts
    h.clock.set(t0 + 2 * DAY);
    const { customer } = await session(h, newOpenid(), encodeURIComponent(`c=${storeCode.code}`));
    const tags = await q(h, 'SELECT tag_id FROM customer_tag WHERE customer_id = ?', [customer.id]);
    expect(tags.map((t: any) => Number(t.tag_id))).toEqual([meat.id]);
  });
});
