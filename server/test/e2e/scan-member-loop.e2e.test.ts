import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer, becomeMember, newOpenid, openApp, session } from '../helpers/flows';
import { makeClerkCode, makeStaff, makeStore, makeStoreCode, makeTag, schedule } from '../helpers/fixtures';

const HOUR = 3_600_000;

/** Row counts of everything the loop writes: "repeating a step changes nothing" means these stay put. */
async function snapshot(h: Harness, customerId: number) {
  const q = (sql: string) => h.deps.db.read((em) => em.query(sql, [customerId]));
  const count = async (table: string) => Number((await q(`SELECT COUNT(*) AS n FROM ${table} WHERE customer_id = ?`))[0].n);
  const [c] = await q('SELECT points_balance, member_since, store_id FROM customer WHERE id = ?');
  return {
    scans: await count('scan_event'),
    tags: await count('customer_tag'),
    ledger: await count('points_ledger'),
    assignments: await count('clerk_assignment'),
    binding: (await q('SELECT staff_id FROM customer_clerk WHERE customer_id = ?'))[0]?.staff_id ?? null,
    points: Number(c.points_balance),
    member: c.member_since !== null,
    storeId: c.store_id,
  };
}

describeEachDb('scan → fan → member loop', (get) => {
  it('store code, clerk code, phone: fan with store + tags in force, bound clerk, member with one welcome grant; repeats change nothing', async () => {
    const h = get();
    const store = await makeStore(h);
    const { staff: clerk } = await makeStaff(h, 'clerk', store.id);
    const nuts = await makeTag(h);
    const meat = await makeTag(h);
    const now = h.clock.now();
    const storeCode = await makeStoreCode(h, store.id);
    await schedule(h, storeCode.id, nuts.id, new Date(now.getTime() - HOUR), new Date(now.getTime() + HOUR)); // in force
    await schedule(h, storeCode.id, meat.id, new Date(now.getTime() + HOUR)); // next poster, not yet
    const clerkCode = await makeClerkCode(h, store.id, clerk.id);

    const openid = newOpenid();
    // 1. scan the store code → fan, attributed to the store, tagged with the tag in force only
    const first = await session(h, openid, storeCode.sceneEncoded);
    expect(first.customer).toMatchObject({ isMember: false, pointsBalance: 0, store: { id: store.id, name: store.name } });
    expect(first.customer.clerk).toBeUndefined();
    const id = first.customer.id;
    const tags = await h.deps.db.read((em) => em.query('SELECT tag_id, source, source_ref FROM customer_tag WHERE customer_id = ?', [id]));
    expect(tags.map((t: any) => [Number(t.tag_id), t.source, t.source_ref])).toEqual([[nuts.id, 'qr', String(storeCode.id)]]);
    const afterStoreScan = await snapshot(h, id);
    expect(afterStoreScan).toMatchObject({ scans: 1, tags: 1, binding: null, member: false });

    // repeat: same scene, new login code → same customer, nothing doubled
    const again = await session(h, openid, storeCode.sceneEncoded);
    expect(again.customer.id).toBe(id);
    expect(await snapshot(h, id)).toEqual(afterStoreScan);

    // 2. scan the clerk code → bound to the clerk (first touch), audited once
    const second = await session(h, openid, clerkCode.sceneEncoded);
    expect(second.customer.clerk).toEqual({ id: clerk.id, name: clerk.name });
    const afterClerkScan = await snapshot(h, id);
    expect(afterClerkScan).toMatchObject({ scans: 2, binding: clerk.id, assignments: 1 });
    await session(h, openid, clerkCode.sceneEncoded);
    expect(await snapshot(h, id)).toEqual(afterClerkScan);

    // 3. bind the phone → member with 1,000 welcome points, one ledger entry
    const bound = await becomeMember(h, second.token, '13800138000');
    expect(bound.status).toBe(200);
    expect(bound.body.customer).toMatchObject({ isMember: true, pointsBalance: 1000, phoneMasked: '138****8000' });
    const ledger = await h.http.get('/api/app/points/ledger').set(bearer(second.token));
    expect(ledger.body.items).toEqual([expect.objectContaining({ delta: 1000, reason: 'welcome', balanceAfter: 1000 })]);
    const afterMember = await snapshot(h, id);
    expect(afterMember).toMatchObject({ ledger: 1, points: 1000, member: true });

    // repeat with a fresh code for the same phone → same member, no second grant
    const rebind = await becomeMember(h, second.token, '13800138000');
    expect(rebind.status).toBe(200);
    expect(rebind.body.customer.pointsBalance).toBe(1000);
    expect(await snapshot(h, id)).toEqual(afterMember);

    // the consumer's own view agrees
    const me = await h.http.get('/api/app/me').set(bearer(second.token));
    expect(me.body.customer).toMatchObject({ id, isMember: true, pointsBalance: 1000, clerk: { id: clerk.id }, store: { id: store.id } });
  });

  it('unknown, malformed and over-long scenes still make a fan, with no attribution and no error', async () => {
    const h = get();
    for (const scene of ['c%3Dnosuchcode1', '%E0%A4%A', 'x'.repeat(500), 'c=<script>', '', 'c%253DAbCdEf12']) {
      const res = await openApp(h, newOpenid(), scene);
      expect(res.status).toBe(200);
      expect(res.body.customer).toMatchObject({ isMember: false });
      expect(res.body.customer.store).toBeUndefined();
      const scans = await h.deps.db.read((em) => em.query('SELECT COUNT(*) AS n FROM scan_event WHERE customer_id = ?', [res.body.customer.id]));
      expect(Number(scans[0].n)).toBe(0);
    }
  });
});
