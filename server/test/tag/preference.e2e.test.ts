import { describeEachDb } from '../helpers/harness';
import { emit } from '../../src/events/outbox';
import { OutboxWorker } from '../../src/events/outbox-worker';
import { recomputeAllTags, recomputeCustomerTags } from '../../src/modules/tag/recompute.service';
import { registerTagHandlers } from '../../src/modules/tag/tag-handlers';
import { tagCustomer } from '../../src/modules/tag/tag.service';
import { eventsOf, insertCustomers, insertPaidOrder, lastEventId, makeCategory, refundOrder, sh, tagsOf } from './helpers';

const purchaseTags = async (h: Parameters<typeof tagsOf>[0], id: number) => (await tagsOf(h, id)).filter((r) => r.source === 'purchase').map((r) => r.tagId);

// DB suites on a shared machine: the root jest config keeps the 5 s default.
jest.setTimeout(60_000);

describeEachDb('category preference tags (top 2 by spend over 90 days)', (get) => {
  it('ranks by spend in the window; a purchase outside it does not count; a refund changes the ranking', async () => {
    const h = get();
    const now = sh('2026-06-30 12:00');
    const [a, b, c, d] = [await makeCategory(h), await makeCategory(h), await makeCategory(h), await makeCategory(h)];
    const [id] = await insertCustomers(h, 1);
    // 90-day window ending 06-30 starts 2026-04-02 00:00 Shanghai
    await insertPaidOrder(h, id!, [{ categoryId: d.id, cashFen: 100_000 }], sh('2026-04-01 23:59:59.999')); // outside
    const orderA = await insertPaidOrder(h, id!, [{ categoryId: a.id, cashFen: 1500, quantity: 2 }, { categoryId: b.id, cashFen: 2000 }], sh('2026-04-02 00:00'));
    await insertPaidOrder(h, id!, [{ categoryId: c.id, cashFen: 1000 }], sh('2026-06-30 11:00'));
    await recomputeCustomerTags(h.ctx, id!, ['preference'], now);
    expect((await purchaseTags(h, id!)).sort()).toEqual([a.tagId, b.tagId].sort()); // A 3000, B 2000, C 1000, D outside

    // 2,500 of the 5,000 order refunded: A 1500, B 1000, C 1000 → A, then B and C tie: the smaller tag id wins
    await refundOrder(h, orderA, 2500, false);
    const before = await lastEventId(h);
    await recomputeCustomerTags(h.ctx, id!, ['preference'], now);
    const tie = Math.min(b.tagId, c.tagId);
    expect((await purchaseTags(h, id!)).sort()).toEqual([a.tagId, tie].sort());
    // fully refunded: it counts nothing → C alone
    await refundOrder(h, orderA, 5000, true);
    await recomputeCustomerTags(h.ctx, id!, ['preference'], now);
    expect(await purchaseTags(h, id!)).toEqual([c.tagId]);
    const ev = await eventsOf(h, 'customer.tags_changed', before);
    expect(ev.every((e) => e.customerId === id && e.source === 'purchase')).toBe(true);
    expect(ev.flatMap((e) => e.added).concat(ev.flatMap((e) => e.removed)).length).toBeGreaterThan(0);
    // idempotent
    expect(await recomputeCustomerTags(h.ctx, id!, ['preference'], now)).toMatchObject({ added: 0, removed: 0 });
  });

  it('the periodic recompute slides the window, and never removes a qr or manual tag of a category', async () => {
    const h = get();
    const [x, y] = [await makeCategory(h), await makeCategory(h)];
    const ids = await insertCustomers(h, 5);
    for (const id of ids) await insertPaidOrder(h, id, [{ categoryId: x.id, cashFen: 500 }, { categoryId: y.id, cashFen: 900 }], sh('2026-05-01 10:00'));
    // the first customer already had X from a QR scan (first source wins: it stays qr)
    await h.deps.db.transaction((tx) => tagCustomer(tx, ids[0]!, [x.tagId], { source: 'qr', sourceRef: '7', at: h.clock.now() }));
    const r1 = await recomputeAllTags(h.ctx, ['preference'], { now: sh('2026-05-02 00:00') });
    expect(r1.added).toBeGreaterThanOrEqual(2 * 5 - 1);
    expect((await tagsOf(h, ids[0]!)).map((r) => [r.tagId, r.source])).toEqual(
      [
        [x.tagId, 'qr'],
        [y.tagId, 'purchase'],
      ].sort((p, q) => (p[0] as number) - (q[0] as number)),
    );
    for (const id of ids.slice(1)) expect((await purchaseTags(h, id)).sort()).toEqual([x.tagId, y.tagId].sort());
    // 90 days after 05-01 the orders left the window: purchase tags go, the qr tag stays; announced in bulk
    const before = await lastEventId(h);
    await recomputeAllTags(h.ctx, ['preference'], { now: sh('2026-07-30 00:00') });
    expect((await tagsOf(h, ids[0]!)).map((r) => [r.tagId, r.source])).toEqual([[x.tagId, 'qr']]);
    for (const id of ids.slice(1)) expect(await purchaseTags(h, id)).toEqual([]);
    const bulk = await eventsOf(h, 'tags.bulk_changed', before);
    const removedY = bulk.filter((e) => e.tagId === y.tagId).flatMap((e) => e.removed);
    expect(removedY.sort((p, q) => p - q)).toEqual(ids);
    expect(bulk.filter((e) => e.tagId === x.tagId).flatMap((e) => e.removed).sort((p, q) => p - q)).toEqual(ids.slice(1));
  });

  it('order.paid and order.refunded events recompute that customer (the registered handlers)', async () => {
    const h = get();
    const k = await makeCategory(h);
    const [id] = await insertCustomers(h, 1);
    const orderId = await insertPaidOrder(h, id!, [{ categoryId: k.id, cashFen: 800 }], h.clock.now());
    const worker = new OutboxWorker(h.deps, { pollMs: 50, backoffMs: () => 0 });
    registerTagHandlers(worker, h.deps);
    const at = h.clock.now().toISOString();
    await h.deps.db.transaction((tx) =>
      emit(tx, 'order.paid', { orderId, channel: 'preorder', customerId: id!, storeId: 1, clerkId: null, payableFen: 800, pointsEarned: 0, paidLate: false, categoryTagIds: [], at }, h.clock.now()),
    );
    await worker.runOnce();
    expect(await purchaseTags(h, id!)).toEqual([k.tagId]);
    await refundOrder(h, orderId, 800, true);
    await h.deps.db.transaction((tx) =>
      emit(tx, 'order.refunded', { orderId, refundId: 1, customerId: id!, storeId: 1, clerkId: null, amountFen: 800, full: true, at }, h.clock.now()),
    );
    await worker.runOnce();
    expect(await purchaseTags(h, id!)).toEqual([]);
  });

  it('a pass with several customers\' payments recomputes them together, each exactly as alone', async () => {
    const h = get();
    const [k1, k2] = [await makeCategory(h), await makeCategory(h)];
    const ids = await insertCustomers(h, 3);
    const at = h.clock.now().toISOString();
    const orders = [
      await insertPaidOrder(h, ids[0]!, [{ categoryId: k1.id, cashFen: 800 }], h.clock.now()),
      await insertPaidOrder(h, ids[1]!, [{ categoryId: k2.id, cashFen: 500 }], h.clock.now()),
      await insertPaidOrder(h, ids[2]!, [{ categoryId: k1.id, cashFen: 300 }, { categoryId: k2.id, cashFen: 900 }], h.clock.now()),
    ];
    const worker = new OutboxWorker(h.deps, { pollMs: 50, backoffMs: () => 0 });
    registerTagHandlers(worker, h.deps);
    await h.deps.db.transaction(async (tx) => {
      for (const [i, orderId] of orders.entries())
        await emit(tx, 'order.paid', { orderId, channel: 'preorder', customerId: ids[i]!, storeId: 1, clerkId: null, payableFen: 800, pointsEarned: 0, paidLate: false, categoryTagIds: [], at }, h.clock.now());
    });
    while ((await worker.runOnce()) > 0); // (earlier tests' events may be pending too)
    expect(await purchaseTags(h, ids[0]!)).toEqual([k1.tagId]);
    expect(await purchaseTags(h, ids[1]!)).toEqual([k2.tagId]);
    expect((await purchaseTags(h, ids[2]!)).sort((a, b) => a - b)).toEqual([k1.tagId, k2.tagId].sort((a, b) => a - b));
  });
});
