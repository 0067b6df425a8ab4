import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer, newOpenid, session } from '../helpers/flows';
import { makeStaff, makeStore, makeStoreCode, staffToken } from '../helpers/fixtures';
import { OutboxWorker } from '../../src/events/outbox-worker';
import { registerHandlers } from '../../src/events/handlers';
import { Coupon } from '../../src/modules/coupon/coupon.entity';
import { grantScanCoupons } from '../../src/modules/coupon/qr-grant.service';
import { expectIssueInvariants, makeTemplate } from './helpers';

describeEachDb('coupons granted on QR scan (the code schedule carries a template)', (get) => {
  let marketerId: number;
  // minted at the current (test) clock: staff tokens last an hour and the test moves the clock by hours
  const mkTok = () => staffToken(get(), marketerId);
  let worker: OutboxWorker;
  const drain = async () => {
    while ((await worker.runOnce()) > 0);
  };
  beforeAll(async () => {
    const h = get();
    marketerId = (await makeStaff(h, 'marketer')).staff.id;
    worker = new OutboxWorker(h.deps, { pollMs: 60_000, backoffMs: () => 0 });
    registerHandlers(worker, h.deps);
  });
  const held = (h: Harness, customerId: number) => h.deps.db.read((em) => em.getRepository(Coupon).find({ where: { customerId, source: 'qr' }, order: { id: 'ASC' } }));
  const scheduleCoupon = (h: Harness, qrCodeId: number, body: object) => h.http.post(`/api/admin/qr-codes/${qrCodeId}/coupons`).set(bearer(mkTok())).send(body);

  it('scan twice → one coupon; schedule changed → the new one; outside the schedule → none', async () => {
    const h = get();
    const store = await makeStore(h);
    const code = await makeStoreCode(h, store.id);
    const first = await makeTemplate(h, mkTok(), { claimable: false, kind: 'voucher', thresholdFen: 0, amountOffFen: 500, title: '扫码送5元' });
    const second = await makeTemplate(h, mkTok(), { claimable: false, kind: 'voucher', thresholdFen: 0, amountOffFen: 800, title: '扫码送8元' });
    const now = h.clock.now();
    const s1 = await scheduleCoupon(h, code.id, { templateId: first.id, validFrom: new Date(now.getTime() - 60_000).toISOString() });
    expect(s1.status).toBe(201);
    expect(s1.body.schedule).toMatchObject({ qrCodeId: code.id, templateId: first.id, validTo: null });

    const openid = newOpenid();
    const fan = await session(h, openid, code.sceneEncoded);
    await drain();
    // a second visit later (a new scan event, past the visit window) and a redelivered event grant nothing more
    h.clock.advance(2 * 3_600_000);
    await session(h, openid, code.sceneEncoded);
    await drain();
    await grantScanCoupons(h.ctx, { customerId: fan.customer.id, qrCodeId: code.id, storeId: store.id, staffId: null, tagIds: [], isNewFan: false, at: now.toISOString() });
    let mine = await held(h, fan.customer.id);
    expect(mine.map((c) => [c.templateId, c.sourceRef])).toEqual([[first.id, `qs${s1.body.schedule.id}`]]);
    const wallet = await h.http.get('/api/app/coupons').set(bearer(fan.token));
    expect(wallet.body.items).toEqual([expect.objectContaining({ id: mine[0].id, source: 'qr', title: '扫码送5元', status: 'issued' })]);

    // the poster's offer changes: the open entry is closed, the next scan grants the new template
    h.clock.advance(60_000);
    const s2 = await scheduleCoupon(h, code.id, { templateId: second.id, validFrom: h.clock.now().toISOString(), replace: true });
    expect(s2.status).toBe(201);
    const list = await h.http.get(`/api/admin/qr-codes/${code.id}/coupons`).set(bearer(mkTok()));
    expect(list.body.items.map((e: { templateId: number; validTo: string | null }) => [e.templateId, e.validTo])).toEqual([
      [first.id, h.clock.now().toISOString()],
      [second.id, null],
    ]);
    h.clock.advance(2 * 3_600_000);
    await session(h, openid, code.sceneEncoded);
    h.clock.advance(2 * 3_600_000);
    await session(h, openid, code.sceneEncoded);
    await drain();
    mine = await held(h, fan.customer.id);
    expect(mine.map((c) => c.templateId)).toEqual([first.id, second.id]);

    // another fan scanning now gets only the template in force now
    const other = await session(h, newOpenid(), code.sceneEncoded);
    await drain();
    expect((await held(h, other.customer.id)).map((c) => c.templateId)).toEqual([second.id]);

    // a schedule that has ended grants nothing; a sold-out template is skipped (the scan is not retried forever)
    const plain = await makeStoreCode(h, store.id);
    const ended = await makeTemplate(h, mkTok(), { claimable: false, totalStock: 1 });
    const past = h.clock.now().getTime();
    expect((await scheduleCoupon(h, plain.id, { templateId: ended.id, validFrom: new Date(past - 7_200_000).toISOString(), validTo: new Date(past - 3_600_000).toISOString() })).status).toBe(201);
    const late = await session(h, newOpenid(), plain.sceneEncoded);
    await drain();
    expect(await held(h, late.customer.id)).toEqual([]);
    const soldOut = await makeStoreCode(h, store.id);
    await scheduleCoupon(h, soldOut.id, { templateId: ended.id, validFrom: new Date(past - 1000).toISOString() });
    const a = await session(h, newOpenid(), soldOut.sceneEncoded);
    const b = await session(h, newOpenid(), soldOut.sceneEncoded);
    await drain();
    expect([...(await held(h, a.customer.id)), ...(await held(h, b.customer.id))]).toHaveLength(1);
    const r = await grantScanCoupons(h.ctx, { customerId: b.customer.id, qrCodeId: soldOut.id, storeId: store.id, staffId: null, tagIds: [], isNewFan: true, at: h.clock.now().toISOString() });
    expect(r.issued).toEqual([]);
    await expectIssueInvariants(h);
  });

  it('admin input: unknown code or template → 404, bad window → 400, a clerk may not schedule', async () => {
    const h = get();
    const store = await makeStore(h);
    const code = await makeStoreCode(h, store.id);
    const t = await makeTemplate(h, mkTok());
    const at = h.clock.now().toISOString();
    expect((await scheduleCoupon(h, 999_999, { templateId: t.id, validFrom: at })).status).toBe(404);
    expect((await scheduleCoupon(h, code.id, { templateId: 999_999, validFrom: at })).status).toBe(404);
    expect((await scheduleCoupon(h, code.id, { templateId: t.id, validFrom: at, validTo: at })).status).toBe(400);
    expect((await scheduleCoupon(h, code.id, { templateId: t.id, validFrom: 'yesterday' })).status).toBe(400);
    const clerk = staffToken(h, (await makeStaff(h, 'clerk', store.id)).staff.id);
    expect((await h.http.post(`/api/admin/qr-codes/${code.id}/coupons`).set(bearer(clerk)).send({ templateId: t.id, validFrom: at })).status).toBe(403);
    expect((await h.http.get('/api/admin/qr-codes/999999/coupons').set(bearer(mkTok()))).status).toBe(404);
  });
});
