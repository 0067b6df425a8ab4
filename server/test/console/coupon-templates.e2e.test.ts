import { describeEachDb } from '../helpers/harness';
import { bearer } from '../helpers/flows';
import { makeStaff, makeStore, staffToken } from '../helpers/fixtures';
import { AuditLog } from '../../src/modules/audit/audit-log.entity';
import { CouponTemplate } from '../../src/modules/coupon/coupon-template.entity';

describeEachDb('console coupon templates: paged list with the clerk-offer flag, create and status changes audited', (get) => {
  let marketer: string;
  let marketerId: number;
  let admin: string;
  let storeId: number;

  beforeAll(async () => {
    const h = get();
    storeId = (await makeStore(h)).id;
    const m = await makeStaff(h, 'marketer', undefined, '营销丙');
    marketerId = m.staff.id;
    marketer = staffToken(h, marketerId);
    admin = staffToken(h, (await makeStaff(h, 'admin')).staff.id);
  });

  const create = (body: Record<string, unknown>) => get().http.post('/api/admin/coupon-templates').set(bearer(marketer)).send(body);
  const auditOf = (id: number) => get().deps.db.read((em) => em.getRepository(AuditLog).find({ where: { targetType: 'coupon_template', targetId: String(id) }, order: { id: 'ASC' } }));

  it('creates a template with every field, audited in the same transaction; a refused one leaves nothing', async () => {
    const body = {
      title: '周末8.5折',
      description: '全场商品，最多减 30 元',
      kind: 'percent_off',
      thresholdFen: 5_000,
      percentOff: 15,
      maxDiscountFen: 3_000,
      validFrom: '2027-01-01T00:00:00+08:00',
      validTo: '2027-01-31T23:59:59.999+08:00',
      totalStock: 500,
      perCustomerLimit: 2,
      storeIds: [storeId],
      claimable: true,
      welcome: false,
      status: 'draft',
    };
    const res = await create(body);
    expect(res.status).toBe(201);
    const t = res.body.template;
    expect(t).toMatchObject({ title: '周末8.5折', kind: 'percent_off', percentOff: 15, maxDiscountFen: 3_000, thresholdFen: 5_000, totalStock: 500, perCustomerLimit: 2, storeIds: [storeId], status: 'draft', claimable: true });
    const rows = await auditOf(t.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'coupon_template.create', actorStaffId: marketerId, actorName: '营销丙', summary: '新建优惠券模板「周末8.5折」（草稿）' });
    expect(JSON.parse(rows[0].details!)).toMatchObject({ kind: 'percent_off', percentOff: 15, storeIds: [storeId] });

    const templatesBefore = await get().deps.db.read((em) => em.getRepository(CouponTemplate).count());
    const auditsBefore = await get().deps.db.read((em) => em.getRepository(AuditLog).count());
    const unknownStore = await create({ ...body, storeIds: [99_999_999] });
    expect(unknownStore.status).toBe(400);
    const crossField = await create({ title: 'x', kind: 'amount_off', thresholdFen: 1_000, amountOffFen: 2_000, validDays: 7 });
    expect(crossField.status).toBe(400);
    expect(await get().deps.db.read((em) => em.getRepository(CouponTemplate).count())).toBe(templatesBefore);
    expect(await get().deps.db.read((em) => em.getRepository(AuditLog).count())).toBe(auditsBefore);
  });

  it('status changes draft → active ⇄ paused → ended are audited once each; a repeat is a no-op, an illegal move 409', async () => {
    const h = get();
    const t = (await create({ title: '满100减20', kind: 'amount_off', thresholdFen: 10_000, amountOffFen: 2_000, validDays: 7 })).body.template;
    const status = (s: string) => h.http.post(`/api/admin/coupon-templates/${t.id}/status`).set(bearer(marketer)).send({ status: s });
    expect((await status('active')).body.template.status).toBe('active');
    expect((await status('active')).status).toBe(200); // repeat: no-op
    expect((await status('paused')).body.template.status).toBe('paused');
    expect((await status('active')).body.template.status).toBe('active');
    expect((await status('ended')).body.template.status).toBe('ended');
    const illegal = await status('active');
    expect(illegal.status).toBe(409);
    expect(illegal.body.code).toBe('CONFLICT');
    const rows = await auditOf(t.id);
    expect(rows.map((r) => r.summary)).toEqual([
      '新建优惠券模板「满100减20」（草稿）',
      '优惠券模板「满100减20」草稿 → 发放中',
      '优惠券模板「满100减20」发放中 → 已暂停',
      '优惠券模板「满100减20」已暂停 → 发放中',
      '优惠券模板「满100减20」发放中 → 已结束',
    ]);
    expect(JSON.parse(rows[1].details!)).toEqual({ from: 'draft', to: 'active' });
  });

  it('lists paged, newest first, filtered by status, kind and title, each with the clerk-offerable flag', async () => {
    const h = get();
    const v = (await create({ title: '新人代金券', kind: 'voucher', amountOffFen: 500, validDays: 30, welcome: true, status: 'active' })).body.template;
    const g = (await create({ title: '兑换一杯咖啡', kind: 'gift', giftSku: undefined, validDays: 30 }));
    expect(g.status).toBe(400); // a gift needs its SKU
    const put = await h.http.put(`/api/admin/clerk-offer-templates/${v.id}`).set(bearer(marketer)).send({ offerable: true });
    expect(put.status).toBe(200);

    const all = await h.http.get('/api/admin/coupon-templates').set(bearer(marketer));
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(3);
    expect(all.body.items[0]).toMatchObject({ id: v.id, title: '新人代金券', welcome: true, clerkOfferable: true, issuedCount: 0, totalStock: null });
    expect(all.body.items.slice(1).every((t: { clerkOfferable: boolean }) => t.clerkOfferable === false)).toBe(true);

    const ids = async (q: Record<string, string | number>) => (await h.http.get('/api/admin/coupon-templates').query(q).set(bearer(admin))).body.items.map((t: { id: number }) => t.id);
    expect(await ids({ status: 'active' })).toEqual([v.id]);
    expect(await ids({ kind: 'voucher' })).toEqual([v.id]);
    expect(await ids({ q: '代金' })).toEqual([v.id]);
    expect(await ids({ q: '%' })).toEqual([]);
    const page2 = await h.http.get('/api/admin/coupon-templates').query({ current: 2, pageSize: 2 }).set(bearer(admin));
    expect(page2.body).toMatchObject({ total: 3 });
    expect(page2.body.items).toHaveLength(1);
    expect((await h.http.get('/api/admin/coupon-templates').query({ kind: 'cash' }).set(bearer(admin))).status).toBe(400);
    const manager = staffToken(h, (await makeStaff(h, 'store_manager', storeId)).staff.id);
    expect((await h.http.get('/api/admin/coupon-templates').set(bearer(manager))).status).toBe(403);
  });
});
