import { In } from 'typeorm';
import type { SegmentRule } from '@o2o/shared';
import { describeEachDb, type Harness } from '../helpers/harness';
import { becomeMember, newOpenid, session } from '../helpers/flows';
import { makeStoreCode, makeStore, makeTag } from '../helpers/fixtures';
import { emit } from '../../src/events/outbox';
import { Customer } from '../../src/modules/customer/customer.entity';
import { CustomerTag } from '../../src/modules/tag/customer-tag.entity';
import { resolveAudience } from '../../src/modules/segment/audience';
import { insertOrder } from './orders';
import { segmentIndexOf, startSegmentIndex, stopSegmentIndex, type SegmentIndexRuntime } from '../../src/modules/segment/index-runtime';

/**
 * The index follows outbox events without a rebuild: after each change + event, the index (built once)
 * answers what SQL answers. Events reach it through the runtime's own OutboxTail (a pass run by hand here).
 */
describeEachDb('segment index kept current by outbox events', (get) => {
  let rt: SegmentIndexRuntime;
  let builtAt: string | null;

  beforeAll(async () => {
    const h = get();
    rt = startSegmentIndex(h.deps)!;
    await rt.rebuild();
    expect(rt.ready(h.clock.now())).toBe(true);
    builtAt = rt.freshness(h.clock.now()).builtAt;
  });
  afterAll(async () => {
    await stopSegmentIndex(get().deps);
  });

  /** Delivers every pending event, then checks the index against SQL for the rule. */
  async function deliverAndCompare(h: Harness, rule: SegmentRule): Promise<number[]> {
    while ((await rt.tail.runOnce()) > 0);
    const now = h.clock.now();
    const sql = await h.deps.db.read((em) => resolveAudience(em, rule, now));
    expect(rt.evaluate(rule, now)!.toArray()).toEqual(sql);
    return sql;
  }

  it('a tag put on and taken off one customer (customer.tags_changed)', async () => {
    const h = get();
    const tag = await makeTag(h);
    const { customer } = await session(h, newOpenid());
    const rule: SegmentRule = { type: 'tags', match: 'any', tagIds: [tag.id] };
    expect(await deliverAndCompare(h, rule)).toEqual([]);
    await h.deps.db.transaction(async (tx) => {
      await tx.getRepository(CustomerTag).insert({ customerId: customer.id, tagId: tag.id, source: 'manual', taggedAt: h.clock.now(), expiresAt: null });
      await emit(tx, 'customer.tags_changed', { customerId: customer.id, added: [tag.id], removed: [], source: 'manual', at: h.clock.now().toISOString() }, h.clock.now());
    });
    expect(await deliverAndCompare(h, rule)).toEqual([customer.id]);
    await h.deps.db.transaction(async (tx) => {
      await tx.getRepository(CustomerTag).delete({ customerId: customer.id, tagId: tag.id });
      await emit(tx, 'customer.tags_changed', { customerId: customer.id, added: [], removed: [tag.id], source: 'manual', at: h.clock.now().toISOString() }, h.clock.now());
    });
    expect(await deliverAndCompare(h, rule)).toEqual([]);
    // no rebuild happened: the figures moved by events alone
    const f = rt.freshness(h.clock.now());
    expect(f.builtAt).toBe(builtAt);
    expect(f.lastEventId).not.toBeNull();
  });

  it('one tag on many customers (tags.bulk_changed), delivered twice (idempotent)', async () => {
    const h = get();
    const tag = await makeTag(h);
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await session(h, newOpenid())).customer.id);
    await h.deps.db.transaction(async (tx) => {
      await tx.getRepository(CustomerTag).insert(ids.map((customerId) => ({ customerId, tagId: tag.id, source: 'rule' as const, taggedAt: h.clock.now(), expiresAt: null })));
      for (let i = 0; i < 2; i++) await emit(tx, 'tags.bulk_changed', { tagId: tag.id, added: ids, removed: [], source: 'rule', at: h.clock.now().toISOString() }, h.clock.now());
    });
    expect(await deliverAndCompare(h, { type: 'tags', match: 'all', tagIds: [tag.id] })).toEqual(ids);
  });

  it('a scan makes a new fan with a home store; becoming a member and welcome points follow', async () => {
    const h = get();
    const store = await makeStore(h);
    const code = await makeStoreCode(h, store.id);
    const { token, customer } = await session(h, newOpenid(), code.sceneEncoded);
    expect(await deliverAndCompare(h, { type: 'stores', storeIds: [store.id] })).toEqual([customer.id]);
    expect(await deliverAndCompare(h, { type: 'all', rules: [{ type: 'stores', storeIds: [store.id] }, { type: 'membership', value: 'member' }] })).toEqual([]);
    await becomeMember(h, token, `139${String(Date.now()).slice(-8)}`);
    expect(await deliverAndCompare(h, { type: 'all', rules: [{ type: 'stores', storeIds: [store.id] }, { type: 'membership', value: 'member' }, { type: 'memberDays', max: 0 }] })).toEqual([customer.id]);
    expect(await deliverAndCompare(h, { type: 'all', rules: [{ type: 'stores', storeIds: [store.id] }, { type: 'pointsBalance', min: h.config.rules.welcomePoints }] })).toEqual([customer.id]);
  });

  it('consent withdrawn, an order paid and then refunded', async () => {
    const h = get();
    const store = await makeStore(h);
    const code = await makeStoreCode(h, store.id);
    const { customer } = await session(h, newOpenid(), code.sceneEncoded);
    const now = h.clock.now();
    const mine: SegmentRule = { type: 'stores', storeIds: [store.id] };
    await h.deps.db.transaction(async (tx) => {
      await tx.getRepository(Customer).update({ id: customer.id }, { marketingConsent: false });
      await emit(tx, 'customer.consent_changed', { customerId: customer.id, marketingConsent: false, at: now.toISOString() }, now);
    });
    expect(await deliverAndCompare(h, { type: 'all', rules: [mine, { type: 'consent', value: false }] })).toEqual([customer.id]);

    const orderId = await insertOrder(h, customer.id, store.id, { paidAt: now, payableFen: 8800, status: 'paid', inCustomerStats: true });
    await h.deps.db.transaction(async (tx) => {
      await tx.getRepository(Customer).update({ id: customer.id }, { lastPurchaseAt: now, orderCount: 1, totalSpendFen: 8800 });
      await emit(tx, 'order.paid', { orderId, channel: 'preorder', customerId: customer.id, storeId: store.id, clerkId: null, payableFen: 8800, pointsEarned: 0, paidLate: false, categoryTagIds: [], at: now.toISOString() }, now);
    });
    const bought: SegmentRule = { type: 'all', rules: [mine, { type: 'orderCount', windowDays: 7, min: 1 }, { type: 'spend', windowDays: 7, minFen: 8800 }, { type: 'daysSinceLastPurchase', max: 0 }] };
    expect(await deliverAndCompare(h, bought)).toEqual([customer.id]);
    await h.deps.db.transaction(async (tx) => {
      await tx.createQueryBuilder().update('orders').set({ status: 'refunded', refundedFen: 8800 }).where({ id: orderId }).execute();
      await emit(tx, 'order.refunded', { orderId, refundId: 1, customerId: customer.id, storeId: store.id, clerkId: null, amountFen: 8800, full: true, at: now.toISOString() }, now);
    });
    expect(await deliverAndCompare(h, bought)).toEqual([]);
  });

  it('an event that lands while a rebuild is reading is replayed on the new index', async () => {
    const h = get();
    const tag = await makeTag(h);
    const { customer } = await session(h, newOpenid());
    const rebuilt = rt.rebuild();
    await h.deps.db.transaction(async (tx) => {
      await tx.getRepository(CustomerTag).insert({ customerId: customer.id, tagId: tag.id, source: 'manual', taggedAt: h.clock.now(), expiresAt: null });
      await emit(tx, 'customer.tags_changed', { customerId: customer.id, added: [tag.id], removed: [], source: 'manual', at: h.clock.now().toISOString() }, h.clock.now());
    });
    const delivered = (async () => {
      while ((await rt.tail.runOnce()) > 0);
    })();
    await Promise.all([rebuilt, delivered]);
    expect(rt.evaluate({ type: 'tags', match: 'any', tagIds: [tag.id] }, h.clock.now())!.toArray()).toEqual([customer.id]);
    expect(await h.deps.db.read((em) => em.getRepository(CustomerTag).countBy({ tagId: In([tag.id]) }))).toBe(1);
  });

  it('the next Shanghai day: the index stands aside (previews fall back to SQL) until rebuilt', async () => {
    const h = get();
    const later = new Date(h.clock.now().getTime() + 86_400_000);
    expect(rt.ready(later)).toBe(false);
    expect(rt.evaluate({ type: 'consent', value: true }, later)).toBeNull();
    expect(segmentIndexOf(h.deps.db)).toBe(rt);
  });
});
