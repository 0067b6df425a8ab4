import { describeEachDb, type Harness } from '../helpers/harness';
import { becomeMember, newOpenid, session } from '../helpers/flows';
import { makeClerkCode, makeStaff, makeStore, makeStoreCode } from '../helpers/fixtures';
import { emit } from '../../src/events/outbox';
import { OutboxWorker } from '../../src/events/outbox-worker';
import { HandledEvent } from '../../src/events/handled-event.entity';
import { Customer } from '../../src/modules/customer/customer.entity';
import { applyQrStatEvents, maybePurgeHandledEvents, QR_STAT_EVENTS, QR_STATS_CONSUMER, rebuildQrCodeStats, registerQrStatHandlers } from '../../src/modules/qr-code/qr-stats';
import { deliveredSince, insertOrder, lastEventId, randomPhone, statOf, tokenOf } from './qr-helpers';

jest.setTimeout(60_000);

/** What settlement emits for a paid order and the refund service for a successful refund (same payloads). */
async function paid(h: Harness, orderId: number, customerId: number, storeId: number, payableFen: number) {
  const at = h.clock.now();
  await h.deps.db.transaction((tx) =>
    emit(tx, 'order.paid', { orderId, channel: 'preorder', customerId, storeId, clerkId: null, payableFen, pointsEarned: 0, paidLate: false, categoryTagIds: [], at: at.toISOString() }, at),
  );
}
async function refunded(h: Harness, orderId: number, customerId: number, storeId: number, amountFen: number, full: boolean) {
  const at = h.clock.now();
  await h.deps.db.transaction((tx) => emit(tx, 'order.refunded', { orderId, refundId: orderId, customerId, storeId, clerkId: null, amountFen, full, at: at.toISOString() }, at));
}

describeEachDb('QR code figures: exactly once per event, rebuild = incremental', (get) => {
  it('counts scans, new fans, members, orders, sales and refunds once however often the events are delivered', async () => {
    const h = get();
    const store = await makeStore(h);
    const { staff: clerk } = await makeStaff(h, 'clerk', store.id);
    const storeCode = await makeStoreCode(h, store.id);
    const clerkCode = await makeClerkCode(h, store.id, clerk.id);
    const before = await lastEventId(h);

    // three new fans through the store code, two through the clerk code
    const a = await session(h, newOpenid(), storeCode.sceneEncoded);
    const b = await session(h, newOpenid(), storeCode.sceneEncoded);
    await session(h, newOpenid(), storeCode.sceneEncoded);
    const d = await session(h, newOpenid(), clerkCode.sceneEncoded);
    await session(h, newOpenid(), clerkCode.sceneEncoded);
    // a fan who first opened the app without a code and scans later: a scan, not a new fan of the code
    const plainOpenid = newOpenid();
    const plain = await session(h, plainOpenid);
    await session(h, plainOpenid, storeCode.sceneEncoded);
    // a's reload inside the visit window is no new visit; a's visit after the window is
    const aOpenid = (await h.deps.db.read((em) => em.getRepository(Customer).findOneByOrFail({ id: a.customer.id }))).openid;
    await session(h, aOpenid, storeCode.sceneEncoded);
    h.clock.advance(31 * 60_000);
    await session(h, aOpenid, storeCode.sceneEncoded);

    // the acquisition code is written with the new fan's row, and only there
    const firstCodes = await h.deps.db.read((em) => em.getRepository(Customer).find({ where: [{ id: a.customer.id }, { id: d.customer.id }, { id: plain.customer.id }], select: { id: true, firstQrCodeId: true } }));
    expect(Object.fromEntries(firstCodes.map((c) => [c.id, c.firstQrCodeId]))).toEqual({ [a.customer.id]: storeCode.id, [d.customer.id]: clerkCode.id, [plain.customer.id]: null });

    for (const [s, phone] of [[a, randomPhone()], [b, randomPhone()], [d, randomPhone()]] as const) expect((await becomeMember(h, s.token, phone)).status).toBe(200);
    await becomeMember(h, plain.token, randomPhone()); // no acquisition code: counts nowhere

    const oa = await insertOrder(h, a.customer.id, store.id, 3000, { refundedFen: 1000 });
    await paid(h, oa, a.customer.id, store.id, 3000);
    await refunded(h, oa, a.customer.id, store.id, 1000, false);
    const ob = await insertOrder(h, b.customer.id, store.id, 2000);
    await paid(h, ob, b.customer.id, store.id, 2000);
    const od = await insertOrder(h, d.customer.id, store.id, 5000);
    await paid(h, od, d.customer.id, store.id, 5000);
    // a late payment refunded automatically was never a sale (no order.paid, not in the customer's stats)
    const late = await insertOrder(h, b.customer.id, store.id, 800, { refundedFen: 800, inCustomerStats: false });
    await refunded(h, late, b.customer.id, store.id, 800, true);
    const po = await insertOrder(h, plain.customer.id, store.id, 700);
    await paid(h, po, plain.customer.id, store.id, 700);

    const events = await deliveredSince(h, before, QR_STAT_EVENTS);
    expect(events.filter((e) => e.type === 'customer.scanned')).toHaveLength(7);
    const expectStore = { scans: 5, newFans: 3, newMembers: 2, orders: 2, salesFen: 5000, refundedFen: 1000 };
    const expectClerk = { scans: 2, newFans: 2, newMembers: 1, orders: 1, salesFen: 5000, refundedFen: 0 };

    expect(await applyQrStatEvents(h.ctx, events)).toBe(events.length);
    expect(await statOf(h, storeCode.id)).toEqual(expectStore);
    expect(await statOf(h, clerkCode.id)).toEqual(expectClerk);
    // redelivered: the same pass again, then each event alone, then through the registered batch handler
    expect(await applyQrStatEvents(h.ctx, events)).toBe(0);
    for (const e of events) expect(await applyQrStatEvents(h.ctx, [e])).toBe(0);
    const worker = new OutboxWorker(h.deps, { pollMs: 50, backoffMs: () => 0 });
    registerQrStatHandlers(worker, h.deps);
    while ((await worker.runOnce()) > 0);
    expect(await statOf(h, storeCode.id)).toEqual(expectStore);
    expect(await statOf(h, clerkCode.id)).toEqual(expectClerk);

    // the rebuild from scan_event / customer / orders gives the same figures (chunks of one code: chunk edges too)
    await rebuildQrCodeStats(h.ctx, { chunk: 1 });
    expect(await statOf(h, storeCode.id)).toEqual(expectStore);
    expect(await statOf(h, clerkCode.id)).toEqual(expectClerk);
    await rebuildQrCodeStats(h.ctx);
    expect(await statOf(h, storeCode.id)).toEqual(expectStore);

    // and the list shows them
    const { token } = await tokenOf(h, 'marketer');
    const list = await h.http.get('/api/admin/qr-codes').query({ storeId: store.id, withStats: '1', current: '1', pageSize: '10', sort: 'scans', order: 'descend' }).set('authorization', `Bearer ${token}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: any) => [r.id, r.scans, r.newFans, r.newMembers, r.orders, r.salesFen, r.refundedFen, r.conversion])).toEqual([
      [storeCode.id, 5, 3, 2, 2, 5000, 1000, 0.6667],
      [clerkCode.id, 2, 2, 1, 1, 5000, 0, 0.5],
    ]);
  });

  it('a pass whose event another delivery already counted applies only the others, in one transaction', async () => {
    const h = get();
    const store = await makeStore(h);
    const code = await makeStoreCode(h, store.id);
    const before = await lastEventId(h);
    await session(h, newOpenid(), code.sceneEncoded);
    await session(h, newOpenid(), code.sceneEncoded);
    const events = await deliveredSince(h, before, QR_STAT_EVENTS);
    expect(events).toHaveLength(2);
    await applyQrStatEvents(h.ctx, [events[0]!]);
    expect(await applyQrStatEvents(h.ctx, events)).toBe(1);
    expect(await statOf(h, code.id)).toMatchObject({ scans: 2, newFans: 2 });
    // rows of the consumer exist for both events, once each
    const handled = await h.deps.db.read((em) => em.getRepository(HandledEvent).countBy({ consumer: QR_STATS_CONSUMER, eventId: events[1]!.id }));
    expect(handled).toBe(1);
  });

  it('purges handled_event rows older than 14 days, of this consumer only', async () => {
    const h = get();
    const now = h.clock.now().getTime();
    const old = new Date(now - 15 * 86_400_000);
    const recent = new Date(now - 13 * 86_400_000);
    await h.deps.db.transaction((tx) =>
      tx
        .createQueryBuilder()
        .insert()
        .into(HandledEvent)
        .values([
          { consumer: QR_STATS_CONSUMER, eventId: 900_000_001, createdAt: old },
          { consumer: QR_STATS_CONSUMER, eventId: 900_000_002, createdAt: recent },
          { consumer: 'someone-else', eventId: 900_000_003, createdAt: old },
        ])
        .updateEntity(false)
        .execute(),
    );
    expect(await maybePurgeHandledEvents(h.ctx, true)).toBeGreaterThanOrEqual(1);
    const left = await h.deps.db.read((em) => em.getRepository(HandledEvent).createQueryBuilder('h').where('h.event_id >= 900000000').getMany());
    expect(left.map((r) => [r.consumer, Number(r.eventId)]).sort()).toEqual([
      [QR_STATS_CONSUMER, 900_000_002],
      ['someone-else', 900_000_003],
    ]);
    // throttled: a second call within the hour does nothing
    expect(await maybePurgeHandledEvents(h.ctx)).toBe(0);
  });
});
