import { MEMBER_PRICE_RULE, ZCreateProductBody, ZUpdateProductBody } from '@o2o/shared';
import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer } from '../helpers/flows';
import { makeStaff, makeStore, staffToken } from '../helpers/fixtures';
import { adminToken, count, sql, uniquePrefix } from './stores-helpers';

describe('product schemas: a member price spends points or gives them, never both', () => {
  const base = { sku: 'X-1', name: '测试', category: '坚果', priceFen: 3990 };
  it('accepts cash only, cash + points spent, cash + points given', () => {
    expect(ZCreateProductBody.safeParse({ ...base, memberPriceFen: 2990 }).success).toBe(true);
    expect(ZCreateProductBody.safeParse({ ...base, memberPriceFen: 190, memberPoints: 6 }).success).toBe(true);
    expect(ZCreateProductBody.safeParse({ ...base, memberPriceFen: 2990, memberPointsGiven: 30 }).success).toBe(true);
    // switching a member price from spending to giving points sends the old field as 0 or null
    expect(ZUpdateProductBody.safeParse({ memberPoints: 0, memberPointsGiven: 30 }).success).toBe(true);
    expect(ZUpdateProductBody.safeParse({ memberPoints: null, memberPointsGiven: 30 }).success).toBe(true);
  });

  it('refuses both, naming memberPointsGiven with the rule; and points without a member cash price', () => {
    const both = ZCreateProductBody.safeParse({ ...base, memberPriceFen: 2990, memberPoints: 6, memberPointsGiven: 30 });
    expect(both.success).toBe(false);
    expect(both.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['memberPointsGiven', MEMBER_PRICE_RULE.spentAndGiven]]);
    const patch = ZUpdateProductBody.safeParse({ memberPoints: 6, memberPointsGiven: 30 });
    expect(patch.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['memberPointsGiven', MEMBER_PRICE_RULE.spentAndGiven]]);
    const noPrice = ZCreateProductBody.safeParse({ ...base, memberPointsGiven: 30 });
    expect(noPrice.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['memberPriceFen', MEMBER_PRICE_RULE.pointsNeedPrice]]);
  });
});

const productRow = async (h: Harness, sku: string) =>
  (await sql(h, 'SELECT price_fen, member_price_fen, member_points, member_points_given, status FROM product WHERE sku = ?', [sku]))[0] as Record<string, unknown>;

describeEachDb('console products: create, edit, list, member price rules', (get) => {
  let token: string;
  beforeAll(async () => {
    token = (await adminToken(get())).token;
  });
  const post = (body: object) => get().http.post('/api/admin/products').set(bearer(token)).send(body);
  const patch = (sku: string, body: object) => get().http.patch(`/api/admin/products/${sku}`).set(bearer(token)).send(body);
  const list = (q: Record<string, string | number>) => get().http.get('/api/admin/products').query(q).set(bearer(token));

  it('creates a product whose member price gives points (audited) and lists it with the points given', async () => {
    const h = get();
    const sku = uniquePrefix();
    const res = await post({ sku, name: '夏威夷果 500g', category: `坚果${sku}`, priceFen: 3990, memberPriceFen: 2990, memberPointsGiven: 30 });
    expect(res.status).toBe(201);
    expect(res.body.product).toMatchObject({ sku, name: '夏威夷果 500g', category: `坚果${sku}`, priceFen: 3990, memberPriceFen: 2990, memberPoints: 0, memberPointsGiven: 30, status: 'active' });
    expect(await productRow(h, sku)).toMatchObject({ member_price_fen: 2990, member_points: 0, member_points_given: 30 });
    const audit = await sql(h, "SELECT action, summary FROM audit_log WHERE target_type = 'product' AND target_id = ?", [String(res.body.product.id)]);
    expect(audit).toEqual([{ action: 'product.create', summary: `新建商品 ${sku} 夏威夷果 500g：售价 ¥39.90，会员价 ¥29.90送30积分` }]);
    const found = await list({ q: sku, current: 1, pageSize: 20 });
    expect(found.body).toMatchObject({ total: 1, items: [{ sku, memberPointsGiven: 30 }] });
  });

  it('refuses a product that both spends and gives points: 400 VALIDATION_FAILED with the rule, nothing written', async () => {
    const h = get();
    const sku = uniquePrefix();
    const res = await post({ sku, name: '双重积分', category: '坚果', priceFen: 3990, memberPriceFen: 2990, memberPoints: 6, memberPointsGiven: 30 });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details).toEqual([expect.objectContaining({ path: 'memberPointsGiven', message: MEMBER_PRICE_RULE.spentAndGiven })]);
    expect(await count(h, 'product', 'sku = ?', [sku])).toBe(0);
    expect(await count(h, 'audit_log', "target_type = 'product' AND summary LIKE ?", [`%${sku}%`])).toBe(0);
  });

  it('judges a PATCH on the product as it would be: giving points on a price that spends them is refused, switching is not', async () => {
    const h = get();
    const sku = uniquePrefix();
    expect((await post({ sku, name: '每日坚果', category: '坚果', priceFen: 390, memberPriceFen: 190, memberPoints: 6 })).status).toBe(201);

    // the body alone is valid; with the stored 6 points spent it would be both
    const both = await patch(sku, { memberPointsGiven: 30 });
    expect(both.status).toBe(400);
    expect(both.body).toMatchObject({ code: 'VALIDATION_FAILED', message: MEMBER_PRICE_RULE.spentAndGiven, details: [{ path: 'memberPointsGiven', message: MEMBER_PRICE_RULE.spentAndGiven }] });
    expect(await productRow(h, sku)).toMatchObject({ member_price_fen: 190, member_points: 6, member_points_given: null });

    const switched = await patch(sku, { memberPriceFen: 290, memberPoints: 0, memberPointsGiven: 10 });
    expect(switched.status).toBe(200);
    expect(switched.body.product).toMatchObject({ memberPriceFen: 290, memberPoints: 0, memberPointsGiven: 10 });
    const back = await patch(sku, { memberPoints: 4, memberPointsGiven: null });
    expect(back.body.product).toMatchObject({ memberPriceFen: 290, memberPoints: 4 });
    expect(back.body.product).not.toHaveProperty('memberPointsGiven');

    // above the sale price, or points without a member price: refused, named
    expect((await patch(sku, { priceFen: 250 })).body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'memberPriceFen', message: MEMBER_PRICE_RULE.aboveSalePrice }] });
    expect((await patch(sku, { memberPriceFen: null, memberPointsGiven: 5 })).body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'memberPriceFen', message: MEMBER_PRICE_RULE.pointsNeedPrice }] });
    // removing the member price removes its points
    const cleared = await patch(sku, { memberPriceFen: null });
    expect(cleared.body.product).toEqual(expect.not.objectContaining({ memberPriceFen: expect.anything(), memberPoints: expect.anything() }));
    expect(await productRow(h, sku)).toMatchObject({ member_price_fen: null, member_points: null, member_points_given: null });

    const actions = await sql(h, "SELECT action, details FROM audit_log WHERE target_type = 'product' AND target_id = (SELECT CAST(id AS CHAR) FROM product WHERE sku = ?) ORDER BY id", [sku]);
    expect(actions.map((a) => a.action)).toEqual(['product.create', 'product.update', 'product.update', 'product.update']);
    expect(JSON.parse(actions[1].details)).toEqual({ memberPriceFen: { from: 190, to: 290 }, memberPoints: { from: 6, to: 0 }, memberPointsGiven: { from: null, to: 10 } });
  });

  it('the table refuses both too (CHECK), whatever writes it', async () => {
    const h = get();
    const sku = uniquePrefix();
    await post({ sku, name: '校验', category: '坚果', priceFen: 500, memberPriceFen: 400, memberPoints: 5 });
    await expect(h.deps.db.transaction((tx) => tx.query('UPDATE product SET member_points_given = 10 WHERE sku = ?', [sku]))).rejects.toThrow(/CHECK|constraint/i);
    expect(await productRow(h, sku)).toMatchObject({ member_points: 5, member_points_given: null });
  });

  it('deactivates and reactivates (上架/下架, audited): an inactive SKU leaves the menu, stays in the console list', async () => {
    const h = get();
    const sku = uniquePrefix();
    await post({ sku, name: '芒果干', category: '果干', priceFen: 1290 });
    const off = await patch(sku, { status: 'inactive' });
    expect(off.body.product.status).toBe('inactive');
    const menu = await get().http.get('/api/admin/products').set(bearer(token));
    expect(menu.body.items.some((p: { sku: string }) => p.sku === sku)).toBe(false);
    expect(menu.body.total).toBe(menu.body.items.length);
    expect((await list({ q: sku, status: 'inactive', current: 1, pageSize: 20 })).body.total).toBe(1);
    expect((await list({ q: sku, status: 'active', current: 1, pageSize: 20 })).body.total).toBe(0);
    expect((await patch(sku, { status: 'active' })).body.product.status).toBe('active');
    const summaries = await sql(h, "SELECT summary FROM audit_log WHERE target_type = 'product' AND action = 'product.update' AND summary LIKE ? ORDER BY id", [`%${sku}%`]);
    expect(summaries.map((s) => s.summary)).toEqual([`下架商品 ${sku} 芒果干`, `上架商品 ${sku} 芒果干`]);
    // the same status again changes nothing and audits nothing
    await patch(sku, { status: 'active' });
    expect(await count(h, 'audit_log', "target_type = 'product' AND summary LIKE ?", [`%${sku}%`])).toBe(3);
    expect((await patch('NO-SUCH-SKU', { status: 'active' })).status).toBe(404);
  });

  it('lists with paging, filters (q, category, kind of member price) and sorting; moves a SKU to another category', async () => {
    const p = uniquePrefix();
    const cat = `类${p}`;
    await post({ sku: `${p}-A`, name: '甲', category: cat, priceFen: 1000 });
    await post({ sku: `${p}-B`, name: '乙', category: cat, priceFen: 2000, memberPriceFen: 1800 });
    await post({ sku: `${p}-C`, name: '丙', category: cat, priceFen: 3000, memberPriceFen: 2500, memberPoints: 10 });
    await post({ sku: `${p}-D`, name: '丁', category: cat, priceFen: 4000, memberPriceFen: 3500, memberPointsGiven: 40 });
    const skus = (r: { body: { items: { sku: string }[] } }) => r.body.items.map((x) => x.sku);

    const page1 = await list({ q: p, current: 1, pageSize: 3 });
    expect(page1.body.total).toBe(4);
    expect(skus(page1)).toEqual([`${p}-D`, `${p}-C`, `${p}-B`]); // newest first
    expect(skus(await list({ q: p, current: 2, pageSize: 3 }))).toEqual([`${p}-A`]);
    expect(skus(await list({ q: p, sort: 'priceFen', order: 'ascend', current: 1, pageSize: 20 }))).toEqual([`${p}-A`, `${p}-B`, `${p}-C`, `${p}-D`]);
    for (const [kind, expected] of [['none', 'A'], ['cash', 'B'], ['spend', 'C'], ['give', 'D']])
      expect(skus(await list({ q: p, memberPrice: kind, current: 1, pageSize: 20 }))).toEqual([`${p}-${expected}`]);

    const categories = (await get().http.get('/api/admin/products/categories').set(bearer(token))).body.items as { id: number; name: string }[];
    const catId = categories.find((c) => c.name === cat)!.id;
    expect((await list({ categoryId: catId, current: 1, pageSize: 20 })).body.total).toBe(4);
    const moved = await patch(`${p}-A`, { category: `新${cat}` });
    expect(moved.body.product.category).toBe(`新${cat}`);
    expect((await list({ categoryId: catId, current: 1, pageSize: 20 })).body.total).toBe(3);
    // a % in q is literal; unknown filters are refused
    expect((await list({ q: `${p}%`, current: 1, pageSize: 20 })).body.total).toBe(0);
    expect((await list({ sort: 'name', current: 1, pageSize: 20 })).status).toBe(400);
  });

  it('marketers manage products; store managers and clerks may not', async () => {
    const h = get();
    const { staff: marketer } = await makeStaff(h, 'marketer');
    const store = await makeStore(h);
    const { staff: manager } = await makeStaff(h, 'store_manager', store.id);
    const sku = uniquePrefix();
    const body = { sku, name: '牛肉粒', category: '肉脯', priceFen: 2590 };
    expect((await h.http.post('/api/admin/products').set(bearer(staffToken(h, manager.id))).send(body)).status).toBe(403);
    expect((await h.http.get('/api/admin/products?current=1&pageSize=20').set(bearer(staffToken(h, manager.id)))).status).toBe(403);
    expect((await h.http.post('/api/admin/products').set(bearer(staffToken(h, marketer.id))).send(body)).status).toBe(201);
    expect((await h.http.patch(`/api/admin/products/${sku}`).set(bearer(staffToken(h, marketer.id))).send({ status: 'inactive' })).status).toBe(200);
  });
});
