import crypto from 'node:crypto';
import { shanghaiDay, shanghaiDayStart } from '@o2o/shared';
import type { Harness } from '../helpers/harness';
import { makeStaff, makeStore, makeTag } from '../helpers/fixtures';
import { Customer } from '../../src/modules/customer/customer.entity';
import { CustomerClerk } from '../../src/modules/customer/customer-clerk.entity';
import { Order } from '../../src/modules/payment/order.entity';
import { CustomerTag } from '../../src/modules/tag/customer-tag.entity';

/** Deterministic PRNG (mulberry32) so a failing data set can be reproduced from its seed. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}
export type Rng = ReturnType<typeof rng>;

export interface World {
  now: Date;
  storeIds: number[];
  clerkIds: number[];
  tagIds: number[];
  customerIds: number[];
}

/**
 * An instant `daysAgo` Shanghai days before `now`, biased to the edges of the day (00:00:00.000 and
 * 23:59:59.999) where an off-by-one in day arithmetic would show.
 */
export function dayInstant(r: Rng, now: Date, daysAgo: number): Date {
  const start = shanghaiDayStart(shanghaiDay(now) - daysAgo).getTime();
  const edge = r.next();
  const t = edge < 0.3 ? start : edge < 0.6 ? start + 86_400_000 - 1 : start + r.int(0, 86_399_999);
  return new Date(t);
}

let openidSeq = 0;
/** Stores, clerks, tags, and `n` customers with random attributes, tags (some expiring around now), owners and orders. */
export async function makeWorld(h: Harness, seed: number, n: number, now: Date): Promise<World> {
  const r = rng(seed);
  const stores = [await makeStore(h), await makeStore(h), await makeStore(h)];
  const storeIds = stores.map((s) => s.id);
  const clerkIds: number[] = [];
  for (const s of storeIds.slice(0, 2)) for (let i = 0; i < 2; i++) clerkIds.push((await makeStaff(h, 'clerk', s)).staff.id);
  const tagIds: number[] = [];
  for (let i = 0; i < 5; i++) tagIds.push((await makeTag(h)).id);
  const prefix = `o_seg_${crypto.randomBytes(4).toString('hex')}_`;
  const when = (p: number, maxDays: number) => (r.chance(p) ? dayInstant(r, now, r.int(-1, maxDays)) : null);

  const rows: Partial<Customer>[] = [];
  for (let i = 0; i < n; i++) {
    const memberSince = when(0.6, 400);
    rows.push({
      openid: `${prefix}${++openidSeq}`,
      memberSince,
      phoneEnc: memberSince ? h.deps.pii.encrypt(`86:139${String(r.int(0, 99_999_999)).padStart(8, '0')}`) : null,
      level: r.int(0, 4),
      pointsBalance: r.chance(0.3) ? 0 : r.int(0, 3000),
      storeId: r.chance(0.8) ? r.pick(storeIds) : null,
      lastVisitAt: when(0.85, 400),
      lastPurchaseAt: when(0.6, 400),
      orderCount: 0,
      totalSpendFen: 0,
      marketingConsent: r.chance(0.8),
    });
  }
  await h.deps.db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 200) await tx.createQueryBuilder().insert().into(Customer).values(rows.slice(i, i + 200)).updateEntity(false).execute();
  });
  const customerIds = (
    await h.deps.db.read((em) => em.getRepository(Customer).createQueryBuilder('c').select(['c.id']).where('c.openid LIKE :p', { p: `${prefix}%` }).orderBy('c.id').getMany())
  ).map((c) => c.id);

  const tags: Partial<CustomerTag>[] = [];
  const owners: Partial<CustomerClerk>[] = [];
  const orders: Partial<Order>[] = [];
  for (const customerId of customerIds) {
    for (const tagId of tagIds)
      if (r.chance(0.3)) {
        // Expiries cluster around `now` (a millisecond either side) and a day either side.
        const exp = r.next();
        const expiresAt = exp < 0.6 ? null : new Date(now.getTime() + r.pick([-86_400_000, -1, 0, 1, 86_400_000, r.int(-1e9, 1e9)]));
        tags.push({ customerId, tagId, source: 'manual', sourceRef: null, taggedAt: now, expiresAt });
      }
    if (r.chance(0.6)) {
      const staffId = r.pick(clerkIds);
      owners.push({ customerId, staffId, storeId: storeIds[0]!, rule: 'first_touch', boundAt: now, protectedUntil: now });
    }
    const k = r.chance(0.4) ? 0 : r.int(1, 4);
    for (let j = 0; j < k; j++) {
      const status = r.pick(['paid', 'paid', 'paid', 'partially_refunded', 'refunded', 'closed', 'created'] as const);
      const payableFen = r.int(1, 50_000);
      const paid = status === 'paid' || status === 'partially_refunded' || status === 'refunded';
      orders.push({
        outTradeNo: `T${crypto.randomBytes(12).toString('hex')}`,
        customerId,
        storeId: r.pick(storeIds),
        status,
        idempotencyKey: crypto.randomBytes(8).toString('hex'),
        requestHash: 'x',
        listFen: payableFen,
        totalFen: payableFen,
        couponDiscountFen: 0,
        pointsDeductionFen: 0,
        payableFen,
        pointsUsed: 0,
        pickupCode: '1234',
        expiresAt: now,
        paidAt: paid ? dayInstant(r, now, r.pick([0, 6, 7, 29, 30, 89, 90, 179, 180, 364, 365, r.int(-1, 400)])) : null,
        inCustomerStats: paid && r.chance(0.9),
        refundedFen: status === 'partially_refunded' ? r.int(0, payableFen - 1) : status === 'refunded' ? payableFen : 0,
      });
    }
  }
  await h.deps.db.transaction(async (tx) => {
    for (let i = 0; i < tags.length; i += 200) await tx.createQueryBuilder().insert().into(CustomerTag).values(tags.slice(i, i + 200)).updateEntity(false).execute();
    for (let i = 0; i < owners.length; i += 200) await tx.createQueryBuilder().insert().into(CustomerClerk).values(owners.slice(i, i + 200)).updateEntity(false).execute();
    for (let i = 0; i < orders.length; i += 100) await tx.createQueryBuilder().insert().into(Order).values(orders.slice(i, i + 100)).updateEntity(false).execute();
  });
  return { now, storeIds, clerkIds, tagIds, customerIds };
}
