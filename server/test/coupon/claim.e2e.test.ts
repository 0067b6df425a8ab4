import { describeEachDb } from '../helpers/harness';
import { bearer, idemKey, member } from '../helpers/flows';
import { makeStore } from '../helpers/fixtures';
import { mapPool } from '../helpers/pool';
import { OutboxWorker } from '../../src/events/outbox-worker';
import { registerHandlers } from '../../src/events/handlers';
import { Coupon } from '../../src/modules/coupon/coupon.entity';
import { CouponTemplate } from '../../src/modules/coupon/coupon-template.entity';
import { issueWelcomeCoupons } from '../../src/modules/coupon/issue.service';
import { bulkMembers, claim, expectIssueInvariants, makeTemplate, marketerToken } from './helpers';

let phone = 13500000000;

describeEachDb('coupon templates and claiming', (get) => {
  let mk: string;
  beforeAll(async () => {
    mk = await marketerToken(get());
  });

  it('creates templates of each kind and refuses inconsistent ones', async () => {
    const h = get();
    const store = await makeStore(h);
    const t = await makeTemplate(h, mk, { storeIds: [store.id], totalStock: 10, perCustomerLimit: 2, description: '全场满100减20' });
    expect(t).toMatchObject({ kind: 'amount_off', thresholdFen: 10_000, amountOffFen: 2_000, totalStock: 10, issuedCount: 0, perCustomerLimit: 2, storeIds: [store.id], status: 'active', validDays: 7 });
    const list = await h.http.get('/api/admin/coupon-templates?status=active').set(bearer(mk));
    expect(list.body.items.map((x: { id: number }) => x.id)).toContain(t.id);
    const bad: Record<string, unknown>[] = [
      { kind: 'amount_off', thresholdFen: 1_000, amountOffFen: 2_000 }, // threshold below the amount off
      { kind: 'voucher', thresholdFen: 100, amountOffFen: 500 },
      { kind: 'percent_off', amountOffFen: 500 },
      { kind: 'gift' },
      { validDays: undefined },
      { validDays: 3, validFrom: '2026-01-01T00:00:00+08:00', validTo: '2026-01-31T23:59:59.999+08:00' },
      { validDays: undefined, validFrom: '2026-02-01T00:00:00+08:00', validTo: '2026-01-31T23:59:59.999+08:00' },
      { totalStock: 0 },
      { issuedCount: 5 },
    ];
    for (const extra of bad) {
      const res = await h.http.post('/api/admin/coupon-templates').set(bearer(mk)).send({ title: 'x', kind: 'amount_off', thresholdFen: 10_000, amountOffFen: 2_000, validDays: 7, ...extra });
      expect({ extra, status: res.status }).toEqual({ extra, status: 400 });
    }
    const unknownStore = await h.http.post('/api/admin/coupon-templates').set(bearer(mk)).send({ title: 'x', kind: 'voucher', amountOffFen: 500, validDays: 7, storeIds: [999_999] });
    expect(unknownStore.body.code).toBe('COUPON_TEMPLATE_INVALID');
  });

  it('claims idempotently: same key → same coupon; same key, other template → 422; no key → 400', async () => {
    const h = get();
    const t = await makeTemplate(h, mk, { perCustomerLimit: 3 });
    const other = await makeTemplate(h, mk);
    const m = await member(h, String(++phone));
    const key = idemKey();
    const a = await claim(h, m.token, t.id, key);
    const b = await claim(h, m.token, t.id, key);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.coupon.id).toBe(a.body.coupon.id);
    expect(a.body.coupon).toMatchObject({ templateId: t.id, status: 'issued', source: 'claim', kind: 'amount_off', thresholdFen: 10_000, amountOffFen: 2_000 });
    expect((await claim(h, m.token, other.id, key)).status).toBe(422);
    const noKey = await h.http.post('/api/app/coupons/claim').set(bearer(m.token)).send({ templateId: t.id });
    expect(noKey.body.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    // concurrent repeats of one key: one coupon
    const k2 = idemKey();
    const same = await Promise.all(Array.from({ length: 10 }, () => claim(h, m.token, t.id, k2)));
    expect(same.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(same.map((r) => r.body.coupon.id)).size).toBe(1);
    const n = await h.deps.db.read((em) => em.getRepository(Coupon).countBy({ customerId: m.customerId, templateId: t.id }));
    expect(n).toBe(2);
  });

  it('refuses draft, paused, ended and non-claimable templates; resuming works again', async () => {
    const h = get();
    const m = await member(h, String(++phone));
    const t = await makeTemplate(h, mk, { status: 'draft' });
    expect((await claim(h, m.token, t.id)).body.code).toBe('COUPON_TEMPLATE_NOT_ACTIVE');
    const status = (s: string) => h.http.post(`/api/admin/coupon-templates/${t.id}/status`).set(bearer(mk)).send({ status: s });
    expect((await status('active')).body.template.status).toBe('active');
    expect((await status('paused')).status).toBe(200);
    const paused = await claim(h, m.token, t.id);
    expect({ status: paused.status, code: paused.body.code }).toEqual({ status: 409, code: 'COUPON_TEMPLATE_NOT_ACTIVE' });
    expect((await status('active')).status).toBe(200);
    expect((await claim(h, m.token, t.id)).status).toBe(201);
    expect((await status('ended')).status).toBe(200);
    expect((await status('active')).body.code).toBe('CONFLICT');
    expect((await claim(h, m.token, t.id)).body.code).toBe('COUPON_TEMPLATE_NOT_ACTIVE');
    const notClaimable = await makeTemplate(h, mk, { claimable: false });
    expect((await claim(h, m.token, notClaimable.id)).body.code).toBe('COUPON_TEMPLATE_NOT_ACTIVE');
    expect((await claim(h, m.token, 999_999)).status).toBe(404);
    // a fixed-validity template whose period is over issues nothing
    const over = await makeTemplate(h, mk, { validDays: undefined, validFrom: '2020-01-01T00:00:00+08:00', validTo: '2020-01-31T23:59:59.999+08:00' });
    expect((await claim(h, m.token, over.id)).body.code).toBe('COUPON_TEMPLATE_NOT_ACTIVE');
  });

  it('distinct members racing for the last units: exactly the stock is issued, the rest COUPON_OUT_OF_STOCK', async () => {
    const h = get();
    const [claimers, stock] = h.target === 'mysql' ? [1000, 100] : [200, 20];
    const t = await makeTemplate(h, mk, { totalStock: stock });
    const members = await bulkMembers(h, claimers);
    const started = Date.now();
    const results = await mapPool(members, 200, (m) => claim(h, m.token, t.id));
    const ms = Date.now() - started;
    const byStatus = new Map<string, number>();
    for (const r of results) byStatus.set(`${r.status} ${r.body.code ?? ''}`.trim(), (byStatus.get(`${r.status} ${r.body.code ?? ''}`.trim()) ?? 0) + 1);
    expect(Object.fromEntries(byStatus)).toEqual({ '201': stock, '409 COUPON_OUT_OF_STOCK': claimers - stock });
    const row = await h.deps.db.read((em) => em.getRepository(CouponTemplate).findOneByOrFail({ id: t.id }));
    expect(row.issuedCount).toBe(stock);
    expect(await h.deps.db.read((em) => em.getRepository(Coupon).countBy({ templateId: t.id }))).toBe(stock);
    console.log(`[${h.target}] ${claimers} concurrent claims on stock ${stock}: ${stock} issued, ${claimers - stock} refused, 0 over-issued, ${ms} ms`);
  }, 60_000);

  it('one member, 50 parallel claims with different keys and limit 1 → exactly 1 coupon, 49 COUPON_LIMIT_REACHED', async () => {
    const h = get();
    const t = await makeTemplate(h, mk, { perCustomerLimit: 1 });
    const m = await member(h, String(++phone));
    const results = await Promise.all(Array.from({ length: 50 }, () => claim(h, m.token, t.id)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && r.body.code === 'COUPON_LIMIT_REACHED')).toHaveLength(49);
    // limit 3: exactly 3
    const t3 = await makeTemplate(h, mk, { perCustomerLimit: 3 });
    const r3 = await Promise.all(Array.from({ length: 20 }, () => claim(h, m.token, t3.id)));
    expect(r3.filter((r) => r.status === 201)).toHaveLength(3);
    expect(r3.every((r) => r.status === 201 || r.body.code === 'COUPON_LIMIT_REACHED')).toBe(true);
    const slots = await h.deps.db.read((em) => em.getRepository(Coupon).find({ where: { customerId: m.customerId, templateId: t3.id }, order: { claimSlot: 'ASC' } }));
    expect(slots.map((c) => c.claimSlot)).toEqual([1, 2, 3]);
  });

  it('welcome coupons: every active welcome template once per new member, redelivery changes nothing', async () => {
    const h = get();
    const worker = new OutboxWorker(h.deps, { pollMs: 60_000, backoffMs: () => 0 });
    registerHandlers(worker, h.deps);
    const drain = async () => {
      while ((await worker.runOnce()) > 0);
    };
    await drain(); // members of earlier tests joined before these templates existed
    const w1 = await makeTemplate(h, mk, { welcome: true, claimable: false, kind: 'voucher', thresholdFen: 0, amountOffFen: 500, title: '新人券' });
    const paused = await makeTemplate(h, mk, { welcome: true, status: 'draft' });
    const soldOut = await makeTemplate(h, mk, { welcome: true, totalStock: 1 });
    const a = await member(h, String(++phone));
    const b = await member(h, String(++phone));
    await drain();
    const held = (customerId: number) => h.deps.db.read((em) => em.getRepository(Coupon).find({ where: { customerId, source: 'welcome' }, order: { templateId: 'ASC' } }));
    const ha = await held(a.customerId);
    const hb = await held(b.customerId);
    // w1 for both; the single unit of soldOut to exactly one of them (the other is skipped, not retried forever)
    expect(ha.filter((c) => c.templateId === w1.id)).toHaveLength(1);
    expect(hb.filter((c) => c.templateId === w1.id)).toHaveLength(1);
    expect([...ha, ...hb].filter((c) => c.templateId === soldOut.id)).toHaveLength(1);
    expect([...ha, ...hb].some((c) => c.templateId === paused.id)).toBe(false);
    // the wallet shows it
    const wallet = await h.http.get('/api/app/coupons?status=issued').set(bearer(a.token));
    expect(wallet.body.items.map((c: { id: number }) => c.id).sort()).toEqual(ha.map((c) => c.id).sort());
    // a redelivered event (at-least-once) grants nothing more
    expect((await issueWelcomeCoupons(h.ctx, a.customerId)).issued).toEqual([]);
    expect(await held(a.customerId)).toHaveLength(ha.length);
  });

  it('SQL invariants: issued_count = coupons per template, within stock, slots within the limit', async () => {
    await expectIssueInvariants(get());
  });
});
