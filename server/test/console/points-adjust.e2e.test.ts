import crypto from 'node:crypto';
import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer } from '../helpers/flows';
import { consoleStore, consoleTokens, fanAt, getAs, memberAt } from './customer-fixtures';

jest.setTimeout(120_000);

const requestNo = () => `adj-${crypto.randomUUID()}`;
const q = (h: Harness, sql: string, args: unknown[] = []) => h.deps.db.read((em) => em.query(sql, args)) as Promise<any[]>;

async function balanceOf(h: Harness, customerId: number): Promise<number> {
  return Number((await q(h, 'SELECT points_balance FROM customer WHERE id = ?', [customerId]))[0].points_balance);
}
async function adjustmentRows(h: Harness, customerId: number) {
  const ledger = await q(h, "SELECT id, delta, balance_after, ref_id FROM points_ledger WHERE customer_id = ? AND reason = 'adjustment' ORDER BY id", [customerId]);
  const audits = await q(h, "SELECT actor_staff_id, actor_name, store_id, summary, details FROM audit_log WHERE action = 'points.adjust' AND target_type = 'customer' AND target_id = ? ORDER BY id", [String(customerId)]);
  return { ledger, audits };
}

describeEachDb('console: manual points adjustment (admin only, idempotent, audited, never below zero)', (get) => {
  let world: { admin: { id: number; name: string }; adminToken: string; marketerToken: string; scene: string; storeId: number };
  beforeAll(async () => {
    const h = get();
    const t = await consoleTokens(h);
    const s = await consoleStore(h);
    world = { admin: t.admin, adminToken: t.adminToken, marketerToken: t.marketerToken, scene: s.code.sceneEncoded, storeId: s.store.id };
  });
  const adjust = (h: Harness, customerId: number, body: object, token = world.adminToken) => h.http.post(`/api/admin/customers/${customerId}/points-adjustments`).set(bearer(token)).send(body);

  it('credits and debits with a reason: ledger row, balance, audit row (actor, delta, reason, balance after) together', async () => {
    const h = get();
    const m = await memberAt(h, world.scene);
    const start = await balanceOf(h, m.customerId);
    const credit = { delta: 250, reason: '门店活动补偿', requestNo: requestNo() };
    const res = await adjust(h, m.customerId, credit);
    expect(res.status).toBe(200);
    expect(res.body.adjustment).toMatchObject({ requestNo: credit.requestNo, customerId: m.customerId, delta: 250, reason: '门店活动补偿', balanceAfter: start + 250, ledgerId: expect.any(Number) });
    const debit = await adjust(h, m.customerId, { delta: -(start + 250), reason: '  清零测试  ', requestNo: requestNo() });
    expect(debit.status).toBe(200);
    expect(debit.body.adjustment).toMatchObject({ balanceAfter: 0, reason: '清零测试' });
    expect(await balanceOf(h, m.customerId)).toBe(0);

    const { ledger, audits } = await adjustmentRows(h, m.customerId);
    expect(ledger.map((r) => [Number(r.delta), Number(r.balance_after)])).toEqual([
      [250, start + 250],
      [-(start + 250), 0],
    ]);
    expect(audits).toHaveLength(2);
    expect(audits[0]).toMatchObject({ actor_name: world.admin.name });
    expect(Number(audits[0].actor_staff_id)).toBe(world.admin.id);
    expect(Number(audits[0].store_id)).toBe(world.storeId);
    expect(JSON.parse(audits[0].details)).toEqual({ requestNo: credit.requestNo, delta: 250, reason: '门店活动补偿', balanceBefore: start, balanceAfter: start + 250, ledgerId: res.body.adjustment.ledgerId });
    expect(audits[0].summary).toContain('+250');
    expect(JSON.stringify(audits)).not.toContain(m.phone);

    // the detail's ledger shows the reason typed by the admin
    const detail = await getAs(h, world.adminToken, `/api/admin/customers/${m.customerId}/ledger`);
    expect(detail.body.items.slice(0, 2).map((i: any) => [i.reason, i.delta, i.note])).toEqual([
      ['adjustment', -(start + 250), '清零测试'],
      ['adjustment', 250, '门店活动补偿'],
    ]);
  });

  it('same requestNo and body → the same answer, nothing new; another body under it → 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const h = get();
    const m = await memberAt(h, world.scene);
    const other = await memberAt(h, world.scene);
    const body = { delta: 100, reason: '重复提交测试', requestNo: requestNo() };
    const first = await adjust(h, m.customerId, body);
    h.clock.advance(5_000);
    const again = await adjust(h, m.customerId, body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    for (const [id, changed] of [
      [m.customerId, { ...body, delta: 101 }],
      [m.customerId, { ...body, reason: '另一个原因' }],
      [other.customerId, body],
    ] as const) {
      const r = await adjust(h, id, changed);
      expect(r.status).toBe(422);
      expect(r.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    }
    const { ledger, audits } = await adjustmentRows(h, m.customerId);
    expect(ledger).toHaveLength(1);
    expect(audits).toHaveLength(1);
    expect((await adjustmentRows(h, other.customerId)).ledger).toHaveLength(0);
  });

  it('refuses: below zero or a fan → 409 POINTS_ADJUSTMENT_INVALID, bad input → 400, marketer → 403, unknown → 404; nothing written', async () => {
    const h = get();
    const m = await memberAt(h, world.scene);
    const fan = await fanAt(h, world.scene);
    const balance = await balanceOf(h, m.customerId);
    const over = await adjust(h, m.customerId, { delta: -(balance + 1), reason: '扣过头', requestNo: requestNo() });
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ code: 'POINTS_ADJUSTMENT_INVALID', details: { balance } });
    const fanRes = await adjust(h, fan.customerId, { delta: 10, reason: '粉丝', requestNo: requestNo() });
    expect(fanRes.status).toBe(409);
    expect(fanRes.body).toMatchObject({ code: 'POINTS_ADJUSTMENT_INVALID', details: { notMember: true } });
    for (const bad of [
      { delta: 0, reason: '零', requestNo: requestNo() },
      { delta: 100_001, reason: '太多了', requestNo: requestNo() },
      { delta: -100_001, reason: '太多了', requestNo: requestNo() },
      { delta: 1.5, reason: '小数', requestNo: requestNo() },
      { delta: '10', reason: '字符串', requestNo: requestNo() },
      { delta: 10, reason: '短', requestNo: requestNo() },
      { delta: 10, reason: ' x ', requestNo: requestNo() },
      { delta: 10, reason: 'x'.repeat(201), requestNo: requestNo() },
      { delta: 10, reason: '没有请求号' },
      { delta: 10, reason: '请求号太短', requestNo: 'abc' },
      { delta: 10, reason: '多余字段', requestNo: requestNo(), extra: 1 },
    ]) {
      const r = await adjust(h, m.customerId, bad);
      expect([r.status, r.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect((await adjust(h, m.customerId, { delta: 10, reason: '营销无权', requestNo: requestNo() }, world.marketerToken)).status).toBe(403);
    expect((await adjust(h, 99_999_999, { delta: 10, reason: '不存在', requestNo: requestNo() })).status).toBe(404);
    expect(await balanceOf(h, m.customerId)).toBe(balance);
    expect(await adjustmentRows(h, m.customerId)).toEqual({ ledger: [], audits: [] });
    expect(await adjustmentRows(h, fan.customerId)).toEqual({ ledger: [], audits: [] });
  });

  it('20 parallel identical requests → one ledger row and one audit row, every answer the same', async () => {
    const h = get();
    const m = await memberAt(h, world.scene);
    const start = await balanceOf(h, m.customerId);
    const body = { delta: 77, reason: '并发同一请求', requestNo: requestNo() };
    const all = await Promise.all(Array.from({ length: 20 }, () => adjust(h, m.customerId, body)));
    expect(all.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(all.map((r) => JSON.stringify(r.body))).size).toBe(1);
    const { ledger, audits } = await adjustmentRows(h, m.customerId);
    expect(ledger).toHaveLength(1);
    expect(audits).toHaveLength(1);
    expect(await balanceOf(h, m.customerId)).toBe(start + 77);
  });

  it('one requestNo sent for two customers at once → one adjustment, the other 422 (the ledger key decides)', async () => {
    const h = get();
    const [m1, m2] = [await memberAt(h, world.scene), await memberAt(h, world.scene)];
    const body = { delta: 5, reason: '两位顾客同一请求号', requestNo: requestNo() };
    const res = await Promise.all([m1, m2, m1, m2].map((m) => adjust(h, m.customerId, body)));
    const winner = res.find((r) => r.status === 200)!.body.adjustment.customerId;
    expect(res.map((r) => r.status).sort()).toEqual([200, 200, 422, 422]);
    expect(res.filter((r) => r.status === 422).every((r) => r.body.code === 'IDEMPOTENCY_KEY_REUSED')).toBe(true);
    const rows = await q(h, "SELECT customer_id FROM points_ledger WHERE reason = 'adjustment' AND ref_id = ?", [body.requestNo]);
    expect(rows.map((r) => Number(r.customer_id))).toEqual([winner]);
  });

  it('20 parallel distinct debits that would overdraw → never negative, the exact sum applied, the rest 409', async () => {
    const h = get();
    const m = await memberAt(h, world.scene);
    // a known balance: 1,000 after topping up or down
    const start = await balanceOf(h, m.customerId);
    if (start !== 1000) expect((await adjust(h, m.customerId, { delta: 1000 - start, reason: '设定余额', requestNo: requestNo() })).status).toBe(200);
    const all = await Promise.all(Array.from({ length: 20 }, (_, i) => adjust(h, m.customerId, { delta: -150, reason: `并发扣减 ${i}`, requestNo: requestNo() })));
    const ok = all.filter((r) => r.status === 200);
    const refused = all.filter((r) => r.status === 409);
    expect(ok).toHaveLength(6); // 6 × 150 = 900 ≤ 1,000 < 7 × 150
    expect(refused).toHaveLength(14);
    expect(refused.every((r) => r.body.code === 'POINTS_ADJUSTMENT_INVALID')).toBe(true);
    expect(await balanceOf(h, m.customerId)).toBe(100);
    expect(ok.map((r) => r.body.adjustment.balanceAfter).sort((a, b) => b - a)).toEqual([850, 700, 550, 400, 250, 100]);
    // the ledger is a consistent chain: every balanceAfter = previous + delta, never below zero
    const rows = await q(h, 'SELECT delta, balance_after FROM points_ledger WHERE customer_id = ? ORDER BY id', [m.customerId]);
    let running = 0;
    for (const r of rows) {
      running += Number(r.delta);
      expect(Number(r.balance_after)).toBe(running);
      expect(running).toBeGreaterThanOrEqual(0);
    }
    expect(running).toBe(100);
    const { audits } = await adjustmentRows(h, m.customerId);
    expect(audits).toHaveLength(start !== 1000 ? 7 : 6);
  });
});
