import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer } from '../helpers/flows';
import { makeStaff, makeStore, staffToken } from '../helpers/fixtures';
import { audit } from '../../src/modules/audit/audit';
import type { StaffActor } from '../../src/http/policy';

describeEachDb('console audit log: filters, text search, paging, store scoping', (get) => {
  let storeA: number;
  let storeB: number;
  let admin: string;
  let managerA: string;
  let actorA: StaffActor;
  let actorAdmin: StaffActor;

  const write = (h: Harness, actor: StaffActor | null, e: Parameters<typeof audit>[2]) => h.deps.db.transaction((tx) => audit(tx, actor, e));
  const list = (token: string, q: Record<string, string | number> = {}) => get().http.get('/api/admin/audit').query(q).set(bearer(token));
  const summaries = (res: { body: { items: { summary: string }[] } }) => res.body.items.map((e) => e.summary);

  beforeAll(async () => {
    const h = get();
    storeA = (await makeStore(h, `审计店甲${process.pid}`)).id;
    storeB = (await makeStore(h, `审计店乙${process.pid}`)).id;
    const a = await makeStaff(h, 'admin', undefined, '管理员甲');
    const m = await makeStaff(h, 'store_manager', storeA, '店长乙');
    admin = staffToken(h, a.staff.id);
    managerA = staffToken(h, m.staff.id);
    actorAdmin = { kind: 'staff', staffId: a.staff.id, role: 'admin', storeId: null, name: '管理员甲' };
    actorA = { kind: 'staff', staffId: m.staff.id, role: 'store_manager', storeId: storeA, name: '店长乙' };
    await write(h, actorAdmin, { action: 'store.create', targetType: 'store', targetId: storeA, storeId: storeA, summary: '新建门店 A', details: { code: 'A001' } });
    await write(h, actorAdmin, { action: 'store.update', targetType: 'store', targetId: storeB, storeId: storeB, summary: '修改门店 B 100%_名称' });
    await write(h, actorA, { action: 'refund.request', targetType: 'order', targetId: 42, storeId: storeA, summary: '申请退款 ¥2.00（订单 X）', details: { amountFen: 200 } });
    await write(h, null, { action: 'coupon_template.status', targetType: 'coupon_template', targetId: 7, summary: '系统结束模板' });
  });

  /** Only this suite's entries (fixtures of other areas may audit too, e.g. a store or staff created with an actor). */
  const MINE = new Set(['新建门店 A', '修改门店 B 100%_名称', '申请退款 ¥2.00（订单 X）', '系统结束模板']);
  const mine = (res: { body: { items: { summary: string }[] } }) => summaries(res).filter((s) => MINE.has(s));

  it('admins read the brand newest first, with details parsed and the actor named', async () => {
    const res = await list(admin, { pageSize: 100 });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(res.body.items.length);
    expect(mine(res)).toEqual(['系统结束模板', '申请退款 ¥2.00（订单 X）', '修改门店 B 100%_名称', '新建门店 A']);
    const created = res.body.items.find((e: { summary: string }) => e.summary === '新建门店 A');
    expect(created).toMatchObject({ action: 'store.create', targetType: 'store', targetId: String(storeA), storeId: storeA, actorName: '管理员甲', actorStaffId: actorAdmin.staffId, details: { code: 'A001' } });
    const system = res.body.items.find((e: { summary: string }) => e.summary === '系统结束模板');
    expect(system).toMatchObject({ actorStaffId: null, actorName: 'system', details: null, storeId: null, storeName: null });
    // each entry names its store (the log keeps the id; the name is the store's own, looked up for the page)
    expect(created.storeName).toBe(`审计店甲${process.pid}`);
    expect(res.body.items.find((e: { summary: string }) => e.summary === '申请退款 ¥2.00（订单 X）').storeName).toBe(`审计店甲${process.pid}`);
    expect(res.body.items.find((e: { summary: string }) => e.summary === '修改门店 B 100%_名称').storeName).toBe(`审计店乙${process.pid}`);
  });

  it('filters by action (or an area prefix), target, actor, store, text and dates', async () => {
    expect(summaries(await list(admin, { action: 'refund.request' }))).toEqual(['申请退款 ¥2.00（订单 X）']);
    const stores = await list(admin, { action: 'store.' });
    expect(stores.body.items.every((e: { action: string }) => e.action.startsWith('store.'))).toBe(true);
    expect(mine(stores)).toEqual(['修改门店 B 100%_名称', '新建门店 A']);
    expect(summaries(await list(admin, { targetType: 'order', targetId: '42' }))).toEqual(['申请退款 ¥2.00（订单 X）']);
    expect(summaries(await list(admin, { actorStaffId: actorA.staffId }))).toEqual(['申请退款 ¥2.00（订单 X）']);
    const b = await list(admin, { storeId: storeB });
    expect(b.body.items.every((e: { storeId: number }) => e.storeId === storeB)).toBe(true);
    expect(mine(b)).toEqual(['修改门店 B 100%_名称']);
    expect(mine(await list(admin, { q: '门店' }))).toEqual(['修改门店 B 100%_名称', '新建门店 A']);
    // % and _ are literal in the search, not wildcards
    expect(summaries(await list(admin, { q: '100%_' }))).toEqual(['修改门店 B 100%_名称']);
    expect(summaries(await list(admin, { q: '%' }))).toEqual(['修改门店 B 100%_名称']);
    const day = 86_400_000;
    const all = (await list(admin)).body.total;
    expect((await list(admin, { from: new Date(Date.now() - day).toISOString(), to: new Date(Date.now() + day).toISOString() })).body.total).toBe(all);
    expect((await list(admin, { from: new Date(Date.now() + day).toISOString() })).body).toEqual({ items: [], total: 0 });
    const p1 = await list(admin, { current: 1, pageSize: 2 });
    const p2 = await list(admin, { current: 2, pageSize: 2 });
    expect(p2.body.total).toBe(all);
    expect(summaries(p2)).toEqual(summaries(await list(admin, { pageSize: 4 })).slice(2, 4));
    expect(summaries(p1).some((s) => summaries(p2).includes(s))).toBe(false);
    expect((await list(admin, { actorStaffId: 'abc' })).status).toBe(400);
    expect((await list(admin, { nope: 1 })).status).toBe(400);
  });

  it("a store manager reads their store's entries only; marketers and clerks cannot read the log", async () => {
    const h = get();
    const own = await list(managerA, { pageSize: 100 });
    expect(own.body.items.every((e: { storeId: number }) => e.storeId === storeA)).toBe(true);
    expect(mine(own)).toEqual(['申请退款 ¥2.00（订单 X）', '新建门店 A']);
    expect((await list(managerA, { storeId: storeB })).body).toEqual({ items: [], total: 0 });
    expect(mine(await list(managerA, { q: '门店' }))).toEqual(['新建门店 A']);
    const marketer = staffToken(h, (await makeStaff(h, 'marketer')).staff.id);
    expect((await list(marketer)).status).toBe(403);
    const clerk = staffToken(h, (await makeStaff(h, 'clerk', storeA)).staff.id);
    expect((await list(clerk)).status).toBe(403);
  });
});
