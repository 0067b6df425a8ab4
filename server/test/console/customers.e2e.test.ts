import crypto from 'node:crypto';
import { COUNT_CAP } from '@o2o/shared';
import { describeEachDb, type Harness } from '../helpers/harness';
import { makeTag } from '../helpers/fixtures';
import { Customer } from '../../src/modules/customer/customer.entity';
import { Order } from '../../src/modules/payment/order.entity';
import { tagCustomer } from '../../src/modules/tag/tag.service';
import { CustomerTag } from '../../src/modules/tag/customer-tag.entity';
import { consoleStore, consoleTokens, fanAt, getAs, memberAt } from './customer-fixtures';

jest.setTimeout(120_000);

const DAY = 86_400_000;

async function insertOrder(h: Harness, customerId: number, storeId: number, payableFen: number): Promise<number> {
  const no = crypto.randomBytes(8).toString('hex');
  return h.deps.db.transaction((tx) =>
    h.deps.db.insertReturningId(tx, Order, {
      outTradeNo: no,
      customerId,
      storeId,
      clerkId: null,
      status: 'paid',
      channel: 'preorder',
      idempotencyKey: no,
      requestHash: no,
      listFen: payableFen,
      totalFen: payableFen,
      couponDiscountFen: 0,
      pointsDeductionFen: 0,
      payableFen,
      pointsUsed: 0,
      pickupCode: '000000',
      expiresAt: h.clock.now(),
      paidAt: h.clock.now(),
      inCustomerStats: true,
    }),
  );
}

/** Records every SQL statement the app sends until `stop()` (TypeORM calls its logger for each one). */
function captureSql(h: Harness) {
  const ds = h.deps.db.dataSource as unknown as { logger: { logQuery: (q: string, p?: unknown[]) => void } };
  const original = ds.logger.logQuery;
  const queries: string[] = [];
  ds.logger.logQuery = function (q: string, p?: unknown[]) {
    queries.push(q);
    return original.call(this, q, p);
  };
  return { queries, stop: () => void (ds.logger.logQuery = original) };
}

describeEachDb('console customers: find by phone, filters, detail, store scope', (get) => {
  let world: Awaited<ReturnType<typeof setup>>;
  async function setup(h: Harness) {
    const tokens = await consoleTokens(h);
    const a = await consoleStore(h);
    const b = await consoleStore(h);
    const a1 = await memberAt(h, a.code.sceneEncoded);
    h.clock.advance(1000);
    const a2 = await memberAt(h, a.code.sceneEncoded);
    h.clock.advance(1000);
    const aFan = await fanAt(h, a.code.sceneEncoded);
    const b1 = await memberAt(h, b.code.sceneEncoded);
    return { ...tokens, a, b, a1, a2, aFan, b1 };
  }

  beforeAll(async () => {
    world = await setup(get());
  });

  it('finds a member by phone through the blind index: masked phone, nothing decrypted to search; a wrong number finds nothing', async () => {
    const h = get();
    const { adminToken, a, a1 } = world;
    const decrypt = jest.spyOn(h.deps.pii, 'decrypt');
    const sql = captureSql(h);
    try {
      const res = await getAs(h, adminToken, `/api/admin/customers?phone=${a1.phone}`);
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(1);
      expect(res.body.items).toHaveLength(1);
      const row = res.body.items[0];
      expect(row).toMatchObject({ id: a1.customerId, isMember: true, phoneMasked: `${a1.phone.slice(0, 3)}****${a1.phone.slice(7)}`, store: { id: a.store.id }, clerk: { id: a.clerk.id } });
      expect(row.pointsBalance).toBeGreaterThan(0);
      expect(JSON.stringify(res.body)).not.toContain(a1.phone);
      // only the one row on the page was decrypted (to mask it), not the table; the lookup is on the blind index
      expect(decrypt).toHaveBeenCalledTimes(1);
      expect(sql.queries.some((q) => /WHERE[\s\S]*phone_hash["`]?\s*=/i.test(q))).toBe(true);
      expect(sql.queries.filter((q) => /(WHERE|ORDER BY)[\s\S]*phone_enc/i.test(q))).toEqual([]);
      expect(sql.queries.join('\n')).not.toContain(a1.phone);

      decrypt.mockClear();
      const wrong = `${a1.phone.slice(0, 10)}${(Number(a1.phone[10]) + 5) % 10}`;
      const none = await getAs(h, adminToken, `/api/admin/customers?phone=${wrong}`);
      expect(none.status).toBe(200);
      expect(none.body).toEqual({ items: [], total: 0 });
      expect(decrypt).not.toHaveBeenCalled();
    } finally {
      decrypt.mockRestore();
      sql.stop();
    }
    // spaces and +86 are accepted; anything but a mainland mobile number is a 400
    const spaced = await getAs(h, adminToken, `/api/admin/customers?phone=${encodeURIComponent(`+86 ${a1.phone.slice(0, 3)} ${a1.phone.slice(3, 7)} ${a1.phone.slice(7)}`)}`);
    expect(spaced.body.items.map((c: any) => c.id)).toEqual([a1.customerId]);
    for (const bad of ['12345', '23800000000', 'abc', `${a1.phone}0`]) {
      const r = await getAs(h, adminToken, `/api/admin/customers?phone=${bad}`);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('VALIDATION_FAILED');
    }
  });

  it('filters by store, clerk, tag and member/fan; newest first; offset pages; sorts', async () => {
    const h = get();
    const { marketerToken, a, b, a1, a2, aFan, b1 } = world;
    const ids = async (q: string) => {
      const r = await getAs(h, marketerToken, `/api/admin/customers?${q}`);
      expect(r.status).toBe(200);
      return r.body.items.map((c: any) => c.id);
    };
    expect(await ids(`storeId=${a.store.id}`)).toEqual([aFan.customerId, a2.customerId, a1.customerId]);
    expect(await ids(`storeId=${a.store.id}&isMember=true`)).toEqual([a2.customerId, a1.customerId]);
    expect(await ids(`storeId=${a.store.id}&isMember=false`)).toEqual([aFan.customerId]);
    expect(await ids(`clerkId=${b.clerk.id}`)).toEqual([b1.customerId]);
    expect(await ids(`clerkId=${a.clerk.id}&storeId=${b.store.id}`)).toEqual([]);

    const tag = await makeTag(h, undefined, 'custom');
    await h.deps.db.transaction((tx) => tagCustomer(tx, a1.customerId, [tag.id], { source: 'manual', sourceRef: 'staff:1', at: h.clock.now() }));
    await h.deps.db.transaction((tx) => tagCustomer(tx, b1.customerId, [tag.id], { source: 'manual', sourceRef: 'staff:1', at: h.clock.now() }));
    expect(await ids(`tagId=${tag.id}`)).toEqual([b1.customerId, a1.customerId]);
    expect(await ids(`tagId=${tag.id}&clerkId=${a.clerk.id}`)).toEqual([a1.customerId]);
    // totals through each count path: the tag's index alone, the clerk's index alone, the joined form
    const total = async (qs: string) => (await getAs(h, marketerToken, `/api/admin/customers?${qs}`)).body.total;
    expect(await total(`tagId=${tag.id}`)).toBe(2);
    expect(await total(`clerkId=${a.clerk.id}`)).toBe(3);
    expect(await total(`tagId=${tag.id}&clerkId=${a.clerk.id}`)).toBe(1);
    expect(await total(`tagId=${tag.id}&storeId=${b.store.id}&isMember=true`)).toBe(1);
    // a lapsed tag no longer matches
    await h.deps.db.transaction((tx) => tx.getRepository(CustomerTag).update({ customerId: b1.customerId, tagId: tag.id }, { expiresAt: new Date(h.clock.now().getTime() - 1000) }));
    expect(await ids(`tagId=${tag.id}`)).toEqual([a1.customerId]);

    const page1 = await getAs(h, marketerToken, `/api/admin/customers?storeId=${a.store.id}&pageSize=2&current=1`);
    const page2 = await getAs(h, marketerToken, `/api/admin/customers?storeId=${a.store.id}&pageSize=2&current=2`);
    expect(page1.body.total).toBe(3);
    expect(page1.body.totalCapped).toBeUndefined();
    expect([...page1.body.items, ...page2.body.items].map((c: any) => c.id)).toEqual([aFan.customerId, a2.customerId, a1.customerId]);

    // sorts: spend, last visit (NULLs last descending), created (= id order)
    await h.deps.db.transaction(async (tx) => {
      await tx.getRepository(Customer).update({ id: a1.customerId }, { totalSpendFen: 900, orderCount: 2, lastVisitAt: new Date(h.clock.now().getTime() + DAY) });
      await tx.getRepository(Customer).update({ id: a2.customerId }, { totalSpendFen: 100, orderCount: 1, lastVisitAt: null });
    });
    expect(await ids(`storeId=${a.store.id}&sort=totalSpendFen&order=descend`)).toEqual([a1.customerId, a2.customerId, aFan.customerId]);
    expect(await ids(`storeId=${a.store.id}&sort=totalSpendFen&order=ascend`)).toEqual([aFan.customerId, a2.customerId, a1.customerId]);
    expect(await ids(`storeId=${a.store.id}&sort=lastVisitAt&order=descend`)).toEqual([a1.customerId, aFan.customerId, a2.customerId]);
    expect(await ids(`storeId=${a.store.id}&sort=createdAt&order=ascend`)).toEqual([a1.customerId, a2.customerId, aFan.customerId]);
    const row = (await getAs(h, marketerToken, `/api/admin/customers?phone=${a1.phone}`)).body.items[0];
    expect(row).toMatchObject({ orderCount: 2, totalSpendFen: 900 });

    for (const bad of ['sort=phone', 'order=up', 'pageSize=101', 'current=0', 'isMember=yes', 'cursor=abc', 'storeId=x']) {
      expect((await getAs(h, marketerToken, `/api/admin/customers?${bad}`)).status).toBe(400);
    }
  });

  it('a store manager sees only their store: list narrowed, another store’s customer and its tabs → 404', async () => {
    const h = get();
    const { a, a1, a2, aFan, b, b1 } = world;
    const list = await getAs(h, a.managerToken, '/api/admin/customers');
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: any) => c.id)).toEqual([aFan.customerId, a2.customerId, a1.customerId]);
    // a filter cannot widen the scope
    expect((await getAs(h, a.managerToken, `/api/admin/customers?storeId=${b.store.id}`)).body.items).toEqual([]);
    expect((await getAs(h, a.managerToken, `/api/admin/customers?phone=${b1.phone}`)).body.items).toEqual([]);
    expect((await getAs(h, a.managerToken, `/api/admin/customers/${a1.customerId}/detail`)).status).toBe(200);
    for (const path of ['', '/detail', '/ledger', '/orders', '/coupons', '/assignments', '/scans']) {
      const res = await getAs(h, a.managerToken, `/api/admin/customers/${b1.customerId}${path}`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    // and may not adjust points (admin only)
    const adj = await h.http.post(`/api/admin/customers/${a1.customerId}/points-adjustments`).set({ authorization: `Bearer ${a.managerToken}` }).send({ delta: 1, reason: '测试', requestNo: 'req-manager-0001' });
    expect(adj.status).toBe(403);
  });

  it('detail: profile, consent, owning clerk with protection, tags with source, ledger, orders, assignments, scans; tabs page by cursor', async () => {
    const h = get();
    const { adminToken, a, a1 } = world;
    const tag = await makeTag(h, undefined, 'custom');
    await h.deps.db.transaction((tx) => tagCustomer(tx, a1.customerId, [tag.id], { source: 'manual', sourceRef: 'staff:7', at: h.clock.now() }));
    const orderIds = [];
    for (let i = 0; i < 3; i++) orderIds.push(await insertOrder(h, a1.customerId, a.store.id, 1000 + i));

    const res = await getAs(h, adminToken, `/api/admin/customers/${a1.customerId}/detail`);
    expect(res.status).toBe(200);
    const d = res.body.customer;
    expect(d).toMatchObject({
      id: a1.customerId,
      isMember: true,
      marketingConsent: true,
      phoneMasked: `${a1.phone.slice(0, 3)}****${a1.phone.slice(7)}`,
      store: { id: a.store.id, name: a.store.name },
      clerk: { id: a.clerk.id, status: 'active', rule: 'first_touch' },
    });
    expect(Date.parse(d.clerk.protectedUntil)).toBeGreaterThan(Date.parse(d.clerk.boundAt));
    expect(d.memberSince).toEqual(expect.any(String));
    expect(JSON.stringify(d)).not.toContain(a1.phone);
    expect(d.tags).toEqual(expect.arrayContaining([expect.objectContaining({ tagId: tag.id, source: 'manual', sourceRef: 'staff:7', expiresAt: null })]));
    expect(d.ledger.items[0]).toMatchObject({ reason: 'welcome', delta: d.pointsBalance, balanceAfter: d.pointsBalance, note: null });
    expect(d.orders.items.map((o: any) => o.id)).toEqual([...orderIds].reverse());
    expect(d.orders.items[0]).toMatchObject({ status: 'paid', channel: 'preorder', payableFen: 1002, store: { id: a.store.id } });
    expect(d.assignments.items).toEqual([expect.objectContaining({ from: null, to: { id: a.clerk.id, name: a.clerk.name }, rule: 'first_touch', actor: null })]);
    expect(d.scans.items[0]).toMatchObject({ code: a.code.code, ownerType: 'clerk', store: { id: a.store.id }, clerk: { id: a.clerk.id } });
    expect(d.coupons).toEqual({ items: expect.any(Array), nextCursor: null });

    // a tab by keyset pages
    const p1 = await getAs(h, adminToken, `/api/admin/customers/${a1.customerId}/orders?limit=2`);
    expect(p1.body.items.map((o: any) => o.id)).toEqual([orderIds[2], orderIds[1]]);
    expect(p1.body.nextCursor).toEqual(expect.any(String));
    const p2 = await getAs(h, adminToken, `/api/admin/customers/${a1.customerId}/orders?limit=2&cursor=${p1.body.nextCursor}`);
    expect(p2.body).toEqual({ items: [expect.objectContaining({ id: orderIds[0] })], nextCursor: null });
    expect((await getAs(h, adminToken, `/api/admin/customers/${a1.customerId}/orders?cursor=bad!`)).status).toBe(400);
    expect((await getAs(h, adminToken, `/api/admin/customers/${a1.customerId}/scans?cursor=${p1.body.nextCursor}`)).status).toBe(400);
    expect((await getAs(h, adminToken, '/api/admin/customers/99999999/detail')).status).toBe(404);
  });

  it(`counts stop at COUNT_CAP (${COUNT_CAP}) and say so`, async () => {
    const h = get();
    const { marketerToken } = world;
    const { store } = await consoleStore(h);
    const rows = Array.from({ length: COUNT_CAP + 5 }, (_, i) => ({ openid: `o_cap_${crypto.randomBytes(3).toString('hex')}_${i}`, storeId: store.id }));
    await h.deps.db.transaction(async (tx) => {
      for (let i = 0; i < rows.length; i += 1000) await tx.createQueryBuilder().insert().into(Customer).values(rows.slice(i, i + 1000)).updateEntity(false).execute();
    });
    const res = await getAs(h, marketerToken, `/api/admin/customers?storeId=${store.id}&pageSize=5&current=3`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: COUNT_CAP, totalCapped: true });
    expect(res.body.items).toHaveLength(5);
    const ordered = res.body.items.map((c: any) => c.id);
    expect([...ordered].sort((x: number, y: number) => y - x)).toEqual(ordered);
  });
});
