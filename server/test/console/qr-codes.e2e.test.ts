import { describeEachDb } from '../helpers/harness';
import { bearer, newOpenid, session } from '../helpers/flows';
import { makeClerkCode, makeStaff, makeStoreCode, makeTag, schedule } from '../helpers/fixtures';
import { CustomerTag } from '../../src/modules/tag/customer-tag.entity';
import { QrCodeCoupon } from '../../src/modules/qr-code/qr-code-coupon.entity';
import { QrCodeTag } from '../../src/modules/qr-code/qr-code-tag.entity';
import { CouponTemplate } from '../../src/modules/coupon/coupon-template.entity';
import { DAY, storeIn, tokenOf } from './qr-helpers';

jest.setTimeout(60_000);

const iso = (t: number) => new Date(t).toISOString();

describeEachDb('QR codes in the console: list, batch, schedules on sets, timeline', (get) => {
  it('lists codes paged with names, tags in force and filters; a store manager sees their store only; the old call still works', async () => {
    const h = get();
    const region = `区${Date.now() % 100000}`;
    const s1 = await storeIn(h, region, `列表店甲${Date.now()}`);
    const s2 = await storeIn(h, region);
    const { staff: clerk } = await makeStaff(h, 'clerk', s1.id, `导购李${Date.now() % 10000}`);
    const c1 = await makeStoreCode(h, s1.id);
    const k1 = await makeClerkCode(h, s1.id, clerk.id);
    const c2 = await makeStoreCode(h, s2.id);
    const now = h.clock.now().getTime();
    const nuts = await makeTag(h);
    const old = await makeTag(h);
    await schedule(h, c1.id, old.id, new Date(now - 10 * DAY), new Date(now - DAY)); // past
    await schedule(h, c1.id, nuts.id, new Date(now - DAY)); // current
    await schedule(h, c1.id, old.id, new Date(now + DAY)); // future
    const { token } = await tokenOf(h, 'marketer');

    const page = await h.http.get('/api/admin/qr-codes').query({ region, current: '1', pageSize: '2' }).set(bearer(token));
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(3);
    expect(page.body.items.map((r: any) => r.id)).toEqual([c2.id, k1.id]); // newest first
    const page2 = await h.http.get('/api/admin/qr-codes').query({ region, current: '2', pageSize: '2' }).set(bearer(token));
    expect(page2.body.items.map((r: any) => r.id)).toEqual([c1.id]);
    expect(page2.body.items[0]).toMatchObject({ code: c1.code, ownerType: 'store', storeName: s1.name, storeCode: s1.code, region, staffName: null, currentTags: [{ id: nuts.id, name: nuts.name, group: 'category' }] });
    expect(page2.body.items[0].imageUrl).toContain(`/media/qr/${c1.code}.png?exp=`);
    expect(page2.body.items[0].scans).toBeUndefined(); // figures only withStats

    const f = async (q: Record<string, string>) => (await h.http.get('/api/admin/qr-codes').query({ current: '1', pageSize: '50', ...q }).set(bearer(token))).body.items.map((r: any) => r.id);
    expect(await f({ region, ownerType: 'clerk' })).toEqual([k1.id]);
    expect(await f({ staffId: String(clerk.id) })).toEqual([k1.id]);
    expect(await f({ q: clerk.name })).toEqual([k1.id]);
    expect(await f({ q: s1.name.slice(2) })).toEqual([k1.id, c1.id]);
    expect(await f({ q: c2.code })).toEqual([c2.id]);
    expect(await f({ q: '%' })).toEqual([]); // literal, not a wildcard
    const withStats = await h.http.get('/api/admin/qr-codes').query({ storeId: String(s2.id), withStats: '1', current: '1', pageSize: '5' }).set(bearer(token));
    expect(withStats.body.items[0]).toMatchObject({ scans: 0, newFans: 0, newMembers: 0, orders: 0, salesFen: 0, refundedFen: 0, conversion: null });
    expect((await h.http.get('/api/admin/qr-codes').query({ bogus: '1' }).set(bearer(token))).status).toBe(400);

    // a store manager: their store's codes whatever storeId says
    const { token: manager } = await tokenOf(h, 'store_manager', s2.id);
    const mine = await h.http.get('/api/admin/qr-codes').query({ storeId: String(s1.id), current: '1', pageSize: '50' }).set(bearer(manager));
    expect(mine.body).toMatchObject({ items: [], total: 0 });
    const mine2 = await h.http.get('/api/admin/qr-codes').query({ current: '1', pageSize: '50' }).set(bearer(manager));
    expect(mine2.body.items.map((r: any) => r.id)).toEqual([c2.id]);
    expect((await h.http.get(`/api/admin/qr-codes/${c1.id}/timeline`).set(bearer(manager))).status).toBe(404);
    expect((await h.http.get('/api/admin/qr-codes/scopes').set(bearer(manager))).body).toEqual({ regions: [region], stores: [{ id: s2.id, name: s2.name, code: s2.code, region }] });

    // callers from before paging: every code of the filter, oldest first, same row shape
    const legacy = await h.http.get('/api/admin/qr-codes').query({ storeId: String(s1.id) }).set(bearer(token));
    expect(legacy.body.items.map((r: any) => r.id)).toEqual([c1.id, k1.id]);
    expect(legacy.body.total).toBe(2);

    // the timeline: past, current, future, ordered by start
    const tl = await h.http.get(`/api/admin/qr-codes/${c1.id}/timeline`).set(bearer(token));
    expect(tl.status).toBe(200);
    expect(tl.body.qrCode).toMatchObject({ id: c1.id, storeName: s1.name, scans: 0 });
    expect(tl.body.items.map((e: any) => [e.kind, e.refId, e.state])).toEqual([
      ['tag', old.id, 'past'],
      ['tag', nuts.id, 'current'],
      ['tag', old.id, 'future'],
    ]);
    expect((await h.http.get('/api/admin/qr-codes/999999/timeline').set(bearer(token))).status).toBe(404);
  });

  it('batch generation covers every store and its active clerks in one idempotent, audited request', async () => {
    const h = get();
    const s1 = await storeIn(h, null);
    const s2 = await storeIn(h, null);
    await makeStaff(h, 'clerk', s1.id);
    await makeStaff(h, 'clerk', s2.id);
    await makeStoreCode(h, s2.id); // already has its store code
    const { token } = await tokenOf(h, 'admin');
    const first = await h.http.post('/api/admin/qr-codes/batch').set(bearer(token)).send({});
    expect(first.status).toBe(200);
    const ours = (b: any) => b.items.filter((i: any) => i.storeId === s1.id || i.storeId === s2.id);
    expect(ours(first.body).map((i: any) => `${i.storeId}:${i.ownerType}`).sort()).toEqual([`${s1.id}:clerk`, `${s1.id}:store`, `${s2.id}:clerk`, `${s2.id}:store`].sort());
    expect(first.body.created).toBeGreaterThanOrEqual(3);
    const second = await h.http.post('/api/admin/qr-codes/batch').set(bearer(token)).send({});
    expect(second.body.created).toBe(0);
    expect(ours(second.body).map((i: any) => i.code).sort()).toEqual(ours(first.body).map((i: any) => i.code).sort());
    const audits: { summary: string }[] = await h.deps.db.read((em) => em.query("SELECT summary FROM audit_log WHERE action = 'qr_code.batch' ORDER BY id DESC"));
    expect(audits[0]!.summary).toContain(`新建 ${first.body.created} 个`);
    expect(audits).toHaveLength(1); // the run that created nothing changed nothing
  });

  it('schedules a tag on a region’s store codes in one transaction: replace closes the same group only, scans see it at once', async () => {
    const h = get();
    const region = `东${Date.now() % 100000}`;
    const [a, b, other] = [await storeIn(h, region), await storeIn(h, region), await storeIn(h, `${region}外`)];
    const codeA = await makeStoreCode(h, a.id);
    const codeB = await makeStoreCode(h, b.id);
    const { staff: clerk } = await makeStaff(h, 'clerk', a.id);
    const clerkA = await makeClerkCode(h, a.id, clerk.id);
    const codeOther = await makeStoreCode(h, other.id);
    const t0 = h.clock.now().getTime();
    const oldCat = await makeTag(h, undefined, 'category');
    const channel = await makeTag(h, undefined, 'channel');
    const newCat = await makeTag(h, undefined, 'category');
    for (const c of [codeA, codeB, clerkA, codeOther]) {
      await schedule(h, c.id, oldCat.id, new Date(t0 - DAY));
      await schedule(h, c.id, channel.id, new Date(t0 - DAY));
    }
    // warm the scan cache with the old poster
    await session(h, newOpenid(), codeA.sceneEncoded);
    const { staff: marketer, token } = await tokenOf(h, 'marketer');
    const body = { target: { region }, ownerType: 'store', tagId: newCat.id, validFrom: iso(t0 + 60_000), replace: true };

    const dry = await h.http.post('/api/admin/qr-codes/schedules?dryRun=1').set(bearer(token)).send(body);
    expect(dry.body).toEqual({ dryRun: true, count: 2, closed: 0 });
    expect(await h.deps.db.read((em) => em.getRepository(QrCodeTag).countBy({ tagId: newCat.id }))).toBe(0);

    const res = await h.http.post('/api/admin/qr-codes/schedules').set(bearer(token)).send(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ dryRun: false, count: 2, closed: 2 });
    const rows = await h.deps.db.read((em) => em.getRepository(QrCodeTag).find({ order: { id: 'ASC' } }));
    const of = (codeId: number) => rows.filter((r) => r.qrCodeId === codeId).map((r) => [r.tagId, r.validTo?.toISOString() ?? null]);
    for (const c of [codeA, codeB])
      expect(of(c.id)).toEqual([
        [oldCat.id, iso(t0 + 60_000)],
        [channel.id, null],
        [newCat.id, null],
      ]);
    for (const c of [clerkA, codeOther]) expect(of(c.id)).toEqual([[oldCat.id, null], [channel.id, null]]);
    const audit: { summary: string; details: string; actor_staff_id: number }[] = await h.deps.db.read((em) => em.query("SELECT summary, details, actor_staff_id FROM audit_log WHERE action = 'qr_code.schedule_tag' ORDER BY id DESC"));
    expect(audit[0]!.summary).toContain(`区域「${region}」的门店码共 2 个`);
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ count: 2, closed: 2, tagId: newCat.id });
    expect(Number(audit[0]!.actor_staff_id)).toBe(marketer.id);

    // the scan cache was dropped: a scan after validFrom gets the new category and the channel, not the old one
    h.clock.set(t0 + 120_000);
    const { customer } = await session(h, newOpenid(), codeB.sceneEncoded);
    const tags = await h.deps.db.read((em) => em.getRepository(CustomerTag).find({ where: { customerId: customer.id } }));
    expect(tags.map((t) => t.tagId).sort((x, y) => x - y)).toEqual([channel.id, newCat.id].sort((x, y) => x - y));

    // the timeline of A: the old category closed (past now), the channel and the new category current
    const tl = await h.http.get(`/api/admin/qr-codes/${codeA.id}/timeline`).set(bearer(token));
    expect(tl.body.items.map((e: any) => [e.refId, e.state])).toEqual([
      [oldCat.id, 'past'],
      [channel.id, 'current'],
      [newCat.id, 'current'],
    ]);
  });

  it('all, picked codes and coupon schedules; bad input changes nothing', async () => {
    const h = get();
    const s = await storeIn(h, `南${Date.now() % 100000}`);
    const c1 = await makeStoreCode(h, s.id);
    const c2 = await makeStoreCode(h, s.id);
    const tag = await makeTag(h, undefined, 'custom');
    const { token } = await tokenOf(h, 'admin');
    const t0 = h.clock.now().getTime();
    const count = async () => h.deps.db.read((em) => em.getRepository(QrCodeTag).countBy({ tagId: tag.id }));

    // picked rows; an unknown id refuses the whole set
    const unknown = await h.http.post('/api/admin/qr-codes/schedules').set(bearer(token)).send({ target: { codeIds: [c1.id, 999_999] }, tagId: tag.id, validFrom: iso(t0) });
    expect(unknown.status).toBe(404);
    expect(unknown.body.details).toEqual({ codeIds: [999_999] });
    expect(await count()).toBe(0);
    expect((await h.http.post('/api/admin/qr-codes/schedules').set(bearer(token)).send({ target: { codeIds: [c1.id, c2.id] }, tagId: tag.id, validFrom: iso(t0) })).body.count).toBe(2);
    // validTo not after validFrom, an unknown tag, an empty set, two targets at once, a store manager
    const bad = await h.http.post('/api/admin/qr-codes/schedules').set(bearer(token)).send({ target: { all: true }, tagId: tag.id, validFrom: iso(t0), validTo: iso(t0) });
    expect([bad.status, bad.body.code]).toEqual([400, 'TAG_SCHEDULE_INVALID']);
    expect((await h.http.post('/api/admin/qr-codes/schedules').set(bearer(token)).send({ target: { all: true }, tagId: 999_999, validFrom: iso(t0) })).status).toBe(404);
    const empty = await h.http.post('/api/admin/qr-codes/schedules').set(bearer(token)).send({ target: { region: '没有门店的区域' }, tagId: tag.id, validFrom: iso(t0) });
    expect([empty.status, empty.body.code]).toEqual([409, 'QR_SET_EMPTY']);
    expect((await h.http.post('/api/admin/qr-codes/schedules').set(bearer(token)).send({ target: { all: true, region: 'x' }, tagId: tag.id, validFrom: iso(t0) })).status).toBe(400);
    const { token: manager } = await tokenOf(h, 'store_manager', s.id);
    expect((await h.http.post('/api/admin/qr-codes/schedules').set(bearer(manager)).send({ target: { storeId: s.id }, tagId: tag.id, validFrom: iso(t0) })).status).toBe(403);
    expect(await count()).toBe(2);

    // all stores: every active code of every active store
    const all = await h.http.post('/api/admin/qr-codes/schedules').set(bearer(token)).send({ target: { all: true }, tagId: tag.id, validFrom: iso(t0 + DAY), replace: false });
    const active: { n: number | string }[] = await h.deps.db.read((em) => em.query("SELECT COUNT(*) AS n FROM qr_code q JOIN store s ON s.id = q.store_id WHERE q.status = 'active' AND s.status = 'active'"));
    expect(all.body).toEqual({ dryRun: false, count: Number(active[0]!.n), closed: 0 });

    // coupons on this store's codes: replace closes every open coupon entry at validFrom
    const tpl = await h.deps.db.transaction((tx) => h.deps.db.insertReturningId(tx, CouponTemplate, { title: '扫码礼', kind: 'voucher', thresholdFen: 0, amountOffFen: 300, validDays: 7, status: 'active', perCustomerLimit: 1 } as never));
    const tpl2 = await h.deps.db.transaction((tx) => h.deps.db.insertReturningId(tx, CouponTemplate, { title: '新扫码礼', kind: 'voucher', thresholdFen: 0, amountOffFen: 500, validDays: 7, status: 'active', perCustomerLimit: 1 } as never));
    const first = await h.http.post('/api/admin/qr-codes/coupon-schedules').set(bearer(token)).send({ target: { storeId: s.id }, templateId: tpl, validFrom: iso(t0 - DAY) });
    expect(first.body).toEqual({ dryRun: false, count: 2, closed: 0 });
    const change = await h.http.post('/api/admin/qr-codes/coupon-schedules').set(bearer(token)).send({ target: { storeId: s.id }, templateId: tpl2, validFrom: iso(t0 + DAY), validTo: iso(t0 + 10 * DAY) });
    expect(change.body).toEqual({ dryRun: false, count: 2, closed: 2 });
    const entries = await h.deps.db.read((em) => em.getRepository(QrCodeCoupon).find({ where: { qrCodeId: c1.id }, order: { id: 'ASC' } }));
    expect(entries.map((e) => [e.templateId, e.validTo?.toISOString() ?? null])).toEqual([
      [tpl, iso(t0 + DAY)],
      [tpl2, iso(t0 + 10 * DAY)],
    ]);
    const tl = await h.http.get(`/api/admin/qr-codes/${c1.id}/timeline`).set(bearer(token));
    expect(tl.body.items.map((e: any) => [e.kind, e.name, e.state])).toEqual([
      ['coupon', '扫码礼', 'current'],
      ['tag', tag.name, 'current'],
      ['tag', tag.name, 'future'],
      ['coupon', '新扫码礼', 'future'],
    ]);
  });
});
