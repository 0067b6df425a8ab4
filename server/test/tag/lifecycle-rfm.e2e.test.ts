import { describeEachDb, type Harness } from '../helpers/harness';
import { makeTag } from '../helpers/fixtures';
import { loadConfig } from '../../src/config';
import { ensureRuleTags, countLifecycleViolations } from '../../src/modules/tag/rule-tags';
import { recomputeAllTags, recomputeCustomerTags } from '../../src/modules/tag/recompute.service';
import { bulkTag } from '../../src/modules/tag/manual-tag.service';
import { tagCustomer } from '../../src/modules/tag/tag.service';
import { eventsOf, insertCustomers, lastEventId, setCustomer, sh, tagIdsOf, tagsOf } from './helpers';

const admin = { kind: 'staff' as const, staffId: 1, role: 'admin' as const, storeId: null, name: 'a' };

async function stageOf(h: Harness, customerId: number): Promise<string[]> {
  const ids = await ensureRuleTags(h.deps.db);
  const byId = new Map(Object.entries(ids.lifecycle).map(([k, v]) => [v, k]));
  return (await tagIdsOf(h, customerId)).filter((t) => byId.has(t)).map((t) => byId.get(t)!);
}

// DB suites on a shared machine: the root jest config keeps the 5 s default.
jest.setTimeout(60_000);

describeEachDb(
  'lifecycle and RFM rule tags',
  (get) => {
    it('lifecycle moves at the exact Asia/Shanghai day boundaries (defaults: new < 30, active < 60, lost from 180 days)', async () => {
      const h = get();
      const bought = sh('2026-03-01 10:00');
      const [buyer, fan] = await insertCustomers(h, 2, { firstScanAt: sh('2026-03-01 23:59:59.999') });
      await setCustomer(h, buyer!, { lastPurchaseAt: bought, orderCount: 1, totalSpendFen: 5000 });
      const at = async (wall: string, id: number) => {
        await recomputeCustomerTags(h.ctx, id, ['lifecycle'], sh(wall));
        return stageOf(h, id);
      };
      // 2026-03-01 + 60 days = 2026-04-30: day 59 ends at 04-29 23:59:59.999 Shanghai
      expect(await at('2026-04-29 23:59:59.999', buyer!)).toEqual(['active']);
      expect(await at('2026-04-30 00:00', buyer!)).toEqual(['dormant']);
      // + 180 days = 2026-08-28
      expect(await at('2026-08-27 23:59:59.999', buyer!)).toEqual(['dormant']);
      expect(await at('2026-08-28 00:00', buyer!)).toEqual(['lost']);
      // A fan who never bought: new for 30 Shanghai days counted from the first scan's day (03-01 late evening)
      expect(await at('2026-03-30 23:59:59.999', fan!)).toEqual(['new']);
      expect(await at('2026-03-31 00:00', fan!)).toEqual(['dormant']);
      expect(await at('2026-08-28 00:00', fan!)).toEqual(['lost']);
      // A purchase brings them back to active in one step (one tag swapped, not two held)
      await setCustomer(h, fan!, { lastPurchaseAt: sh('2026-08-28 09:00'), orderCount: 1, totalSpendFen: 100 });
      const before = await lastEventId(h);
      expect(await at('2026-08-28 10:00', fan!)).toEqual(['active']);
      const ev = await eventsOf(h, 'customer.tags_changed', before);
      const ids = await ensureRuleTags(h.deps.db);
      expect(ev.map((e) => ({ c: e.customerId, added: e.added, removed: e.removed, source: e.source }))).toEqual([
        { c: fan, added: [ids.lifecycle.active], removed: [ids.lifecycle.lost], source: 'rule' },
      ]);
    });

    it('RFM bands follow the configured thresholds; customers without orders get none', async () => {
      const h = get();
      const now = sh('2026-06-15 12:00');
      const [a, b, c, none] = await insertCustomers(h, 4);
      // R: 7,30,60,120 days; F: 2,4,6,8 orders; M: 100,200,300,400 yuan (TAG_RFM_* set below)
      await setCustomer(h, a!, { lastPurchaseAt: sh('2026-06-09 00:00'), orderCount: 8, totalSpendFen: 40_000 }); // 6 days → R5, F5, M5
      await setCustomer(h, b!, { lastPurchaseAt: sh('2026-06-08 23:59:59.999'), orderCount: 3, totalSpendFen: 19_999 }); // 7 days → R4, F2, M2
      await setCustomer(h, c!, { lastPurchaseAt: sh('2025-06-01 12:00'), orderCount: 1, totalSpendFen: 99 }); // R1, F1, M1
      const ids = await ensureRuleTags(h.deps.db);
      const name = (t: number) => (['R', 'F', 'M'] as const).map((l) => ids.rfm[l].indexOf(t) >= 0 ? `${l}${ids.rfm[l].indexOf(t) + 1}` : '').join('');
      const before = await lastEventId(h);
      await recomputeAllTags(h.ctx, ['rfm'], { now });
      const rfm = async (id: number) => (await tagIdsOf(h, id)).map(name).filter(Boolean);
      expect(await rfm(a!)).toEqual(['R5', 'F5', 'M5']);
      expect(await rfm(b!)).toEqual(['R4', 'F2', 'M2']);
      expect(await rfm(c!)).toEqual(['R1', 'F1', 'M1']);
      expect(await rfm(none!)).toEqual([]);
      // the periodic path announces per tag, in bulk
      const bulk = await eventsOf(h, 'tags.bulk_changed', before);
      expect(bulk.find((e) => e.tagId === ids.rfm.R[4])?.added).toContain(a);
      // b buys again: moves up; a second run at the same instant changes nothing
      await setCustomer(h, b!, { lastPurchaseAt: sh('2026-06-15 11:00'), orderCount: 4, totalSpendFen: 20_000 });
      expect((await recomputeAllTags(h.ctx, ['rfm'], { now })).added).toBeGreaterThanOrEqual(3);
      expect(await rfm(b!)).toEqual(['R5', 'F3', 'M3']);
      expect(await recomputeAllTags(h.ctx, ['rfm'], { now })).toMatchObject({ added: 0, removed: 0 });
    });

    it('exactly one lifecycle tag per customer under concurrent recomputes at different instants', async () => {
      const h = get();
      const ids = await insertCustomers(h, 300, { lastPurchaseAt: sh('2026-01-01 12:00'), orderCount: 1, totalSpendFen: 100 });
      const active = sh('2026-01-20 12:00');
      const dormant = sh('2026-04-01 12:00');
      const lost = sh('2026-12-01 12:00');
      await Promise.all([
        recomputeAllTags(h.ctx, ['lifecycle'], { now: active, batch: 50 }),
        recomputeAllTags(h.ctx, ['lifecycle', 'rfm'], { now: dormant, batch: 70 }),
        recomputeAllTags(h.ctx, ['lifecycle'], { now: lost, batch: 1000 }),
        ...ids.slice(0, 40).map((id, i) => recomputeCustomerTags(h.ctx, id, ['lifecycle'], [active, dormant, lost][i % 3])),
      ]);
      const tags = await ensureRuleTags(h.deps.db);
      expect(await h.deps.db.read((em) => countLifecycleViolations(em, tags))).toBe(0);
      for (const id of ids) expect(await stageOf(h, id)).toHaveLength(1);
    });

    it('recomputes never take off manual or qr tags, and rule tags cannot be set by hand', async () => {
      const h = get();
      const [id] = await insertCustomers(h, 1, { lastPurchaseAt: sh('2026-01-01 12:00'), orderCount: 2, totalSpendFen: 100 });
      const custom = await makeTag(h, undefined, 'custom');
      const channel = await makeTag(h, undefined, 'channel');
      await bulkTag(h.ctx, admin, { action: 'add', tagIds: [custom.id], customerIds: [id!] });
      await h.deps.db.transaction((tx) => tagCustomer(tx, id!, [channel.id], { source: 'qr', sourceRef: '1', at: h.clock.now() }));
      for (const now of [sh('2026-01-02 00:00'), sh('2026-05-01 00:00'), sh('2027-05-01 00:00')]) await recomputeAllTags(h.ctx, undefined, { now });
      const rows = await tagsOf(h, id!);
      expect(rows.filter((r) => r.source !== 'rule').map((r) => [r.tagId, r.source])).toEqual([
        [custom.id, 'manual'],
        [channel.id, 'qr'],
      ]);
      const rule = await ensureRuleTags(h.deps.db);
      await expect(bulkTag(h.ctx, admin, { action: 'remove', tagIds: [rule.lifecycle.lost], customerIds: [id!] })).rejects.toMatchObject({ code: 'TAG_RULE_MANAGED' });
      await expect(bulkTag(h.ctx, admin, { action: 'add', tagIds: [rule.rfm.R[0]!], customerIds: [id!] })).rejects.toMatchObject({ code: 'TAG_RULE_MANAGED' });
    });
  },
  { env: { TAG_RFM_R_DAYS: '7,30,60,120', TAG_RFM_F_ORDERS: '2,4,6,8', TAG_RFM_M_FEN: '10000,20000,30000,40000' }},
);

describe('tag configuration', () => {
  const base = { PII_KEY: 'a'.repeat(44), PII_INDEX_KEY: 'a'.repeat(44), TOKEN_SECRET: 'a'.repeat(44), COUPON_CODE_SECRET: 'a'.repeat(44) };
  it('parses band thresholds and rejects bad ones naming the variable', () => {
    const c = loadConfig({ ...base, TAG_RFM_M_FEN: '1,2,3,4', TAG_PREFERENCE_TOP: '3' });
    expect(c.tags.rfm.monetaryFen).toEqual([1, 2, 3, 4]);
    expect(c.tags.rfm.recencyDays).toEqual([7, 30, 90, 180]);
    expect(c.tags.preferenceTop).toBe(3);
    expect(() => loadConfig({ ...base, TAG_RFM_R_DAYS: '7,30,30,180' })).toThrow(/TAG_RFM_R_DAYS/);
    expect(() => loadConfig({ ...base, TAG_RFM_F_ORDERS: '1,2,3' })).toThrow(/TAG_RFM_F_ORDERS/);
    expect(() => loadConfig({ ...base, TAG_LIFECYCLE_DORMANT_DAYS: '200' })).toThrow(/TAG_LIFECYCLE_LOST_DAYS/);
  });
});
