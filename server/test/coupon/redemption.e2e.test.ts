import crypto from 'node:crypto';
import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer, member } from '../helpers/flows';
import { makeStaff, makeStore, staffToken } from '../helpers/fixtures';
import { mapPool } from '../helpers/pool';
import { Coupon } from '../../src/modules/coupon/coupon.entity';
import { Redemption } from '../../src/modules/coupon/redemption.entity';
import { OutboxEvent } from '../../src/events/outbox-event.entity';
import { bulkMembers, claim, makeTemplate, marketerToken } from './helpers';

let phone = 13400000000;
let reqSeq = 0;
const reqNo = () => `req-${process.pid}-${++reqSeq}-${crypto.randomBytes(3).toString('hex')}`;

describeEachDb('wallet, rotating codes and clerk redemption (核销)', (get) => {
  let mk: string;
  let storeA: number;
  let storeB: number;
  let clerkA: { id: number };
  let clerkB: { id: number };
  // minted at the current (test) clock: staff tokens last an hour and some tests move the clock by days
  const tokA = () => staffToken(get(), clerkA.id);
  const tokB = () => staffToken(get(), clerkB.id);
  let allStores: number;
  let onlyA: number;
  const start = new Date('2026-05-20T02:00:00.000Z'); // 10:00 Shanghai

  beforeAll(async () => {
    const h = get();
    h.clock.set(start);
    mk = await marketerToken(h);
    storeA = (await makeStore(h)).id;
    storeB = (await makeStore(h)).id;
    const a = (await makeStaff(h, 'clerk', storeA)).staff;
    const b = (await makeStaff(h, 'clerk', storeB)).staff;
    clerkA = { id: a.id };
    clerkB = { id: b.id };
    allStores = (await makeTemplate(h, mk, { perCustomerLimit: 100 })).id;
    onlyA = (await makeTemplate(h, mk, { storeIds: [storeA], perCustomerLimit: 100, kind: 'percent_off', thresholdFen: 0, amountOffFen: undefined, percentOff: 15, maxDiscountFen: 1_000, title: '8.5折' })).id;
  });
  beforeEach(() => get().clock.set(start));

  const code = async (h: Harness, token: string, couponId: number) => {
    const res = await h.http.get(`/api/app/coupons/${couponId}/code`).set(bearer(token));
    if (res.status !== 200) throw new Error(`code ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { token: string; digits: string; expiresAt: string };
  };
  const lookup = (h: Harness, clerk: string, body: object) => h.http.post('/api/clerk/redemptions/lookup').set(bearer(clerk)).send(body);
  const redeem = (h: Harness, clerk: string, body: object) => h.http.post('/api/clerk/redemptions').set(bearer(clerk)).send({ requestNo: reqNo(), ...body });
  const holder = async (h: Harness, templateId: number) => {
    const m = await member(h, String(++phone));
    const c = await claim(h, m.token, templateId);
    if (c.status !== 201) throw new Error(JSON.stringify(c.body));
    return { ...m, couponId: c.body.coupon.id as number };
  };

  it('wallet: list by status and detail; another consumer gets 404 for the coupon and its code', async () => {
    const h = get();
    const m = await holder(h, allStores);
    const list = await h.http.get('/api/app/coupons').set(bearer(m.token));
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: m.couponId, templateId: allStores, title: '满100减20', kind: 'amount_off', thresholdFen: 10_000, amountOffFen: 2_000, status: 'issued', storeIds: [] }),
    ]);
    // relative validity of 7 days: ends 23:59:59.999 Shanghai of day 7 (issue day = day 1)
    expect(list.body.items[0].validTo).toBe('2026-05-26T15:59:59.999Z');
    expect((await h.http.get('/api/app/coupons?status=redeemed').set(bearer(m.token))).body.items).toEqual([]);
    expect((await h.http.get('/api/app/coupons?status=bogus').set(bearer(m.token))).status).toBe(400);
    expect((await h.http.get(`/api/app/coupons/${m.couponId}`).set(bearer(m.token))).body.coupon.id).toBe(m.couponId);
    const other = await member(h, String(++phone));
    for (const path of [`/api/app/coupons/${m.couponId}`, `/api/app/coupons/${m.couponId}/code`]) {
      const res = await h.http.get(path).set(bearer(other.token));
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 404, code: 'NOT_FOUND' });
    }
  });

  it('lookup previews the discount with the member masked; confirm redeems once; retries return the same redemption', async () => {
    const h = get();
    const m = await holder(h, allStores);
    const c = await code(h, m.token, m.couponId);
    expect(c.digits).toMatch(/^\d{12}$/);
    expect(c.expiresAt).toBe(new Date((Math.floor(start.getTime() / 30_000) + 2) * 30_000).toISOString());

    const low = await lookup(h, tokA(), { token: c.token, orderAmountFen: 9_999 });
    expect(low.body).toMatchObject({ usable: false, reason: 'COUPON_THRESHOLD_NOT_MET', discountFen: 0 });
    const pre = await lookup(h, tokA(), { digits: c.digits, orderAmountFen: 15_000 });
    expect(pre.status).toBe(200);
    expect(pre.body).toEqual({ coupon: expect.objectContaining({ id: m.couponId, status: 'issued' }), member: { phoneMasked: `134****${String(phone).slice(-4)}` }, discountFen: 2_000, usable: true });
    expect(JSON.stringify(pre.body)).not.toMatch(/openid|customerId|phoneEnc/);

    const below = await redeem(h, tokA(), { token: c.token, orderAmountFen: 5_000 });
    expect({ status: below.status, code: below.body.code }).toEqual({ status: 409, code: 'COUPON_THRESHOLD_NOT_MET' });

    const requestNo = reqNo();
    const ok = await redeem(h, tokA(), { token: c.token, orderAmountFen: 15_000, requestNo });
    expect(ok.status).toBe(201);
    expect(ok.body.redemption).toMatchObject({ couponId: m.couponId, storeId: storeA, clerkId: clerkA.id, orderAmountFen: 15_000, discountFen: 2_000, reversedAt: null });
    // a retry after a lost response, even once the code has expired, returns the same redemption
    h.clock.advance(120_000);
    const again = await redeem(h, tokA(), { token: c.token, orderAmountFen: 15_000, requestNo });
    expect(again.status).toBe(201);
    expect(again.body.redemption.id).toBe(ok.body.redemption.id);
    h.clock.set(start);
    // the same code again (new request) is a replay; the typed digits of the same window too
    const replay = await redeem(h, tokA(), { token: c.token, orderAmountFen: 15_000 });
    expect({ status: replay.status, code: replay.body.code }).toEqual({ status: 410, code: 'COUPON_CODE_REPLAYED' });
    expect((await redeem(h, tokA(), { digits: c.digits, orderAmountFen: 15_000 })).body.code).toBe('COUPON_CODE_REPLAYED');
    // the wallet: redeemed, and no new code for it
    expect((await h.http.get(`/api/app/coupons/${m.couponId}`).set(bearer(m.token))).body.coupon.status).toBe('redeemed');
    expect((await h.http.get(`/api/app/coupons/${m.couponId}/code`).set(bearer(m.token))).body.code).toBe('COUPON_ALREADY_REDEEMED');
    const events = await h.deps.db.read((em) => em.getRepository(OutboxEvent).findBy({ type: 'coupon.redeemed' }));
    expect(events.filter((e) => JSON.parse(e.payload).couponId === m.couponId)).toHaveLength(1);
  });

  it('expired, forged and mistyped codes have distinct answers; another store gets the forged answer even for a genuine code', async () => {
    const h = get();
    const m = await holder(h, onlyA);
    const c = await code(h, m.token, m.couponId);
    // other store: same answer as a forged code, whether the code is fresh or expired
    for (const body of [{ token: c.token }, { digits: c.digits }]) {
      const res = await lookup(h, tokB(), { ...body, orderAmountFen: 5_000 });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 404, code: 'COUPON_CODE_INVALID' });
    }
    const forged = Buffer.from(c.token, 'base64url');
    forged[31] ^= 1;
    const mistyped = `${c.digits.slice(0, 6)}${String((Number(c.digits.slice(6)) + 1) % 1_000_000).padStart(6, '0')}`;
    for (const body of [{ token: forged.toString('base64url') }, { token: crypto.randomBytes(32).toString('base64url') }, { digits: mistyped }, { digits: '000000000000' }]) {
      const res = await lookup(h, tokA(), { ...body, orderAmountFen: 5_000 });
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 404, code: 'COUPON_CODE_INVALID' });
    }
    // inside the window: fine; 30 s later still fine (previous window); past expiresAt: expired
    expect((await lookup(h, tokA(), { token: c.token, orderAmountFen: 5_000 })).body).toMatchObject({ usable: true, discountFen: 750 });
    h.clock.set(new Date(c.expiresAt).getTime() - 1);
    expect((await lookup(h, tokA(), { digits: c.digits, orderAmountFen: 5_000 })).status).toBe(200);
    h.clock.set(new Date(c.expiresAt));
    for (const body of [{ token: c.token }, { digits: c.digits }]) {
      const res = await redeem(h, tokA(), { ...body, orderAmountFen: 5_000 });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 410, code: 'COUPON_CODE_EXPIRED' });
      const other = await lookup(h, tokB(), { ...body, orderAmountFen: 5_000 });
      expect(other.body.code).toBe('COUPON_CODE_INVALID');
    }
    // percent off with a cap: 15 % of 100.00 = 15.00, capped at 10.00
    const fresh = await code(h, m.token, m.couponId);
    const big = await redeem(h, tokA(), { token: fresh.token, orderAmountFen: 10_000 });
    expect(big.body.redemption.discountFen).toBe(1_000);
    // bad bodies
    for (const body of [{ orderAmountFen: 100 }, { token: fresh.token, digits: fresh.digits, orderAmountFen: 100 }, { token: fresh.token, orderAmountFen: 0 }, { token: fresh.token, orderAmountFen: 100, storeId: storeB }]) {
      expect((await lookup(h, tokA(), body)).status).toBe(400);
    }
  });

  it('validity ends at 23:59:59.999 Asia/Shanghai with the server clock in UTC', async () => {
    const h = get();
    const fixed = await makeTemplate(h, mk, { validDays: undefined, validFrom: '2026-05-01T00:00:00+08:00', validTo: '2026-05-31T23:59:59.999+08:00' });
    const oneDay = await makeTemplate(h, mk, { validDays: 1 });
    h.clock.set(new Date('2026-05-31T15:59:45.000Z')); // 23:59:45 Shanghai, still the 31st there (UTC says 15:59)
    const m = await holder(h, fixed.id);
    const c = await code(h, m.token, m.couponId); // good until 00:00:30 as a code; the coupon itself ends sooner
    h.clock.set(new Date('2026-05-31T15:59:59.999Z'));
    expect((await lookup(h, tokA(), { token: c.token, orderAmountFen: 20_000 })).body).toMatchObject({ usable: true });
    h.clock.set(new Date('2026-05-31T16:00:00.000Z')); // 00:00:00.000 on 1 June in Shanghai
    const c2 = await h.http.get(`/api/app/coupons/${m.couponId}/code`).set(bearer(m.token));
    expect(c2.body.code).toBe('COUPON_EXPIRED');
    const late = await redeem(h, tokA(), { token: c.token, orderAmountFen: 20_000 });
    expect({ status: late.status, code: late.body.code }).toEqual({ status: 409, code: 'COUPON_EXPIRED' });
    expect((await h.http.get('/api/app/coupons?status=expired').set(bearer(m.token))).body.items.map((x: { id: number }) => x.id)).toContain(m.couponId);
    // a relative 1-day coupon claimed at 23:30 Shanghai lasts 30 minutes
    h.clock.set(new Date('2026-06-10T15:30:00.000Z'));
    const d = await holder(h, oneDay.id);
    expect((await h.http.get(`/api/app/coupons/${d.couponId}`).set(bearer(d.token))).body.coupon.validTo).toBe('2026-06-10T15:59:59.999Z');
  });

  it('reversal: same store only, once, audited; coupon back to issued; refused after the window', async () => {
    const h = get();
    const m = await holder(h, allStores);
    const c = await code(h, m.token, m.couponId);
    const r = (await redeem(h, tokA(), { token: c.token, orderAmountFen: 12_000 })).body.redemption;
    const reverse = (token: string, id: number = r.id) => h.http.post(`/api/clerk/redemptions/${id}/reverse`).set(bearer(token)).send({ reason: '顾客取消' });
    expect((await reverse(tokB())).status).toBe(404);
    h.clock.advance(60_000);
    const rev = await reverse(tokA());
    expect(rev.status).toBe(200);
    expect(rev.body.redemption).toMatchObject({ id: r.id, reversedBy: clerkA.id, reverseReason: '顾客取消', reversedAt: new Date(start.getTime() + 60_000).toISOString() });
    expect((await reverse(tokA())).body.redemption.reversedAt).toBe(rev.body.redemption.reversedAt); // idempotent
    expect((await h.http.get(`/api/app/coupons/${m.couponId}`).set(bearer(m.token))).body.coupon.status).toBe('issued');
    // usable again with a fresh code
    const again = await code(h, m.token, m.couponId);
    const r2 = await redeem(h, tokA(), { digits: again.digits, orderAmountFen: 12_000 });
    expect(r2.status).toBe(201);
    h.clock.advance(24 * 3_600_000 + 1);
    const tooLate = await reverse(tokA(), r2.body.redemption.id);
    expect(tooLate.status).not.toBe(401);
    expect({ status: tooLate.status, code: tooLate.body.code }).toEqual({ status: 409, code: 'REDEMPTION_NOT_REVERSIBLE' });
  });

  // The concurrent-redemption must-show (50 sessions × 1,000 coupons on MariaDB) is redemption-race.e2e.test.ts.
});
