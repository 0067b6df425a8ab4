import crypto from 'node:crypto';
import { shanghaiDay, shanghaiDayStart, windowStart, type SegmentRule } from '@o2o/shared';
import { describeEachDb, type Harness } from '../helpers/harness';
import { makeStaff, makeStore, makeTag } from '../helpers/fixtures';
import { BitmapIndex } from '../../src/modules/segment/bitmap-index';
import { resolveAudience } from '../../src/modules/segment/audience';
import { Customer } from '../../src/modules/customer/customer.entity';
import { CustomerClerk } from '../../src/modules/customer/customer-clerk.entity';
import { Order } from '../../src/modules/payment/order.entity';
import { CustomerTag } from '../../src/modules/tag/customer-tag.entity';
import { insertOrder } from './orders';

const now = new Date('2026-11-20T09:30:00.000+08:00');
const today = shanghaiDay(now);
const todayStart = shanghaiDayStart(today);
const ms = (d: Date, delta: number) => new Date(d.getTime() + delta);

async function customer(h: Harness, c: Partial<Customer>): Promise<number> {
  return h.deps.db.transaction((tx) => h.deps.db.insertReturningId(tx, Customer, { openid: `o_pred_${crypto.randomBytes(6).toString('hex')}`, ...c }));
}

const order = (h: Harness, customerId: number, storeId: number, o: Partial<Order>) => insertOrder(h, customerId, storeId, { expiresAt: now, ...o });

/**
 * Each predicate at its boundaries, on both engines: the SQL answer and the index answer must both equal
 * the hand-computed set (restricted to this test's customers).
 */
describeEachDb('segment predicates at their boundaries', (get) => {
  let ids: Record<string, number>;
  let store1: number;
  let store2: number;
  let clerk: number;
  let tagA: number;
  let tagB: number;

  beforeAll(async () => {
    const h = get();
    store1 = (await makeStore(h)).id;
    store2 = (await makeStore(h)).id;
    clerk = (await makeStaff(h, 'clerk', store1)).staff.id;
    tagA = (await makeTag(h)).id;
    tagB = (await makeTag(h)).id;
    ids = {
      // bought today at 00:00:00.000 (0 days ago), member since 10 days, level 3, 100 points, store 1
      today: await customer(h, { lastPurchaseAt: todayStart, lastVisitAt: todayStart, memberSince: shanghaiDayStart(today - 10), level: 3, pointsBalance: 100, storeId: store1 }),
      // bought yesterday at 23:59:59.999 (1 day ago), fan, level 0, no points, no store, no consent
      yesterday: await customer(h, { lastPurchaseAt: ms(todayStart, -1), lastVisitAt: ms(todayStart, -1), level: 0, pointsBalance: 0, storeId: null, marketingConsent: false }),
      // never bought nor visited, member since 11 days (at 23:59:59.999 of that day), level 4, store 2
      never: await customer(h, { memberSince: ms(shanghaiDayStart(today - 10), -1), level: 4, pointsBalance: 99, storeId: store2 }),
    };
    const mine = Object.values(ids);
    await h.deps.db.transaction(async (tx) => {
      await tx.getRepository(CustomerClerk).insert({ customerId: ids.today!, staffId: clerk, storeId: store1, rule: 'first_touch', boundAt: now, protectedUntil: now });
      await tx.getRepository(CustomerTag).insert([
        { customerId: ids.today!, tagId: tagA, source: 'manual', taggedAt: now, expiresAt: null },
        { customerId: ids.today!, tagId: tagB, source: 'manual', taggedAt: now, expiresAt: ms(now, 1) }, // still on
        { customerId: ids.yesterday!, tagId: tagA, source: 'manual', taggedAt: now, expiresAt: now }, // expired exactly now
        { customerId: ids.never!, tagId: tagB, source: 'manual', taggedAt: now, expiresAt: null },
      ]);
    });
    expect(mine).toHaveLength(3);
    // orders of `today`: one at the first instant of the 7-day window, one a millisecond before it (30-day window only),
    // one partially refunded (net 600), one fully refunded, one not in the stats, one unpaid
    const w7 = windowStart(now, 7);
    await order(h, ids.today!, store1, { paidAt: w7, payableFen: 1000 });
    await order(h, ids.today!, store1, { paidAt: ms(w7, -1), payableFen: 2000 });
    await order(h, ids.today!, store1, { paidAt: now, payableFen: 1000, refundedFen: 400, status: 'partially_refunded' });
    await order(h, ids.today!, store1, { paidAt: now, payableFen: 5000, refundedFen: 5000, status: 'refunded' });
    await order(h, ids.today!, store1, { paidAt: now, payableFen: 7000, inCustomerStats: false });
    await order(h, ids.today!, store1, { status: 'created', payableFen: 9000 });
    // `yesterday`: one order 365 days ago exactly at the window's first instant, one a millisecond before
    await order(h, ids.yesterday!, store1, { paidAt: windowStart(now, 365), payableFen: 300 });
    await order(h, ids.yesterday!, store1, { paidAt: ms(windowStart(now, 365), -1), payableFen: 300 });
  });

  async function expectBoth(rule: SegmentRule, names: string[]) {
    const h = get();
    const mine = new Set(Object.values(ids));
    const want = names.map((n) => ids[n]!).sort((a, b) => a - b);
    const sql = (await h.deps.db.read((em) => resolveAudience(em, rule, now))).filter((id) => mine.has(id));
    const index = await h.deps.db.read((em) => BitmapIndex.build(em, now));
    const bitmap = index.evaluate(rule, now).toArray().filter((id) => mine.has(id));
    expect({ rule, sql }).toEqual({ rule, sql: want });
    expect({ rule, bitmap }).toEqual({ rule, bitmap: want });
  }

  it('days since last purchase / visit: Shanghai calendar days, NULL only with includeNever', async () => {
    await expectBoth({ type: 'daysSinceLastPurchase', max: 0 }, ['today']);
    await expectBoth({ type: 'daysSinceLastPurchase', min: 1, max: 1 }, ['yesterday']);
    await expectBoth({ type: 'daysSinceLastPurchase', min: 1 }, ['yesterday']);
    await expectBoth({ type: 'daysSinceLastPurchase', min: 1, includeNever: true }, ['yesterday', 'never']);
    await expectBoth({ type: 'daysSinceLastVisit', min: 0, max: 1 }, ['today', 'yesterday']);
    await expectBoth({ type: 'not', rule: { type: 'daysSinceLastVisit', max: 0 } }, ['yesterday', 'never']);
  });

  it('member days: fans never match; the member-since day counts, not the hour', async () => {
    await expectBoth({ type: 'memberDays', min: 10, max: 10 }, ['today']);
    await expectBoth({ type: 'memberDays', min: 11 }, ['never']);
    await expectBoth({ type: 'memberDays', min: 0 }, ['today', 'never']);
    await expectBoth({ type: 'membership', value: 'fan' }, ['yesterday']);
    await expectBoth({ type: 'membership', value: 'member' }, ['today', 'never']);
  });

  it('order count and spend windows: first instant in, a millisecond before out, refunds net, unpaid and out-of-stats ignored', async () => {
    await expectBoth({ type: 'orderCount', windowDays: 7, min: 2, max: 2 }, ['today']); // w7 + partially refunded
    await expectBoth({ type: 'orderCount', windowDays: 30, min: 3 }, ['today']);
    await expectBoth({ type: 'spend', windowDays: 7, minFen: 1600, maxFen: 1600 }, ['today']); // 1000 + (1000 − 400)
    await expectBoth({ type: 'spend', windowDays: 30, minFen: 3600, maxFen: 3600 }, ['today']);
    await expectBoth({ type: 'orderCount', windowDays: 365, min: 1, max: 1 }, ['yesterday']);
    await expectBoth({ type: 'orderCount', windowDays: 180, max: 0 }, ['yesterday', 'never']);
    await expectBoth({ type: 'spend', windowDays: 365, maxFen: 0 }, ['never']);
  });

  it('tags: an expiry at exactly now has expired; any/all', async () => {
    await expectBoth({ type: 'tags', match: 'any', tagIds: [tagA] }, ['today']);
    await expectBoth({ type: 'tags', match: 'all', tagIds: [tagA, tagB] }, ['today']);
    await expectBoth({ type: 'tags', match: 'any', tagIds: [tagA, tagB] }, ['today', 'never']);
    await expectBoth({ type: 'not', rule: { type: 'tags', match: 'any', tagIds: [tagA] } }, ['yesterday', 'never']);
  });

  it('stores, clerks, consent, level and points (inclusive bounds; a missing store is outside every store)', async () => {
    await expectBoth({ type: 'stores', storeIds: [store1, store2] }, ['today', 'never']);
    await expectBoth({ type: 'not', rule: { type: 'stores', storeIds: [store1] } }, ['yesterday', 'never']);
    await expectBoth({ type: 'clerks', staffIds: [clerk] }, ['today']);
    await expectBoth({ type: 'consent', value: false }, ['yesterday']);
    await expectBoth({ type: 'level', min: 3, max: 4 }, ['today', 'never']);
    await expectBoth({ type: 'pointsBalance', min: 99, max: 100 }, ['today', 'never']);
    await expectBoth({ type: 'pointsBalance', max: 0 }, ['yesterday']);
    await expectBoth(
      { type: 'all', rules: [{ type: 'any', rules: [{ type: 'level', min: 4 }, { type: 'consent', value: false }] }, { type: 'not', rule: { type: 'membership', value: 'fan' } }] },
      ['never'],
    );
  });
});
