import { maskPhone } from '@o2o/shared';
import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer, member, newOpenid, session } from '../helpers/flows';
import { makeClerkCode, makeProduct, makeStaff, makeStore, staffToken } from '../helpers/fixtures';
import { claim, makeTemplate, marketerToken } from '../coupon/helpers';
import { Order } from '../../src/modules/payment/order.entity';
import { OrderItem } from '../../src/modules/payment/order-item.entity';
import { Coupon } from '../../src/modules/coupon/coupon.entity';
import { Customer } from '../../src/modules/customer/customer.entity';
import { OutboxEvent } from '../../src/events/outbox-event.entity';
import { MemberCodeUse } from '../../src/modules/sale/member-code-use.entity';
import { postPoints } from '../../src/modules/points/points.service';
import { orderCoupons } from '../../src/modules/payment/order-coupons';
import { commitSale, quoteSale } from '../../src/modules/sale/sale.service';
import { balanceOf, cashier, givingProduct, ledgerOf, ledgerSum, posTill, statementCounter } from './sale-fixtures';
// The concurrency must-shows: MySQL/MariaDB-only cases (real row locks and many connections).
import './sale-race.cases';

let phoneSeq = 13800000000;
const nextPhone = () => String(++phoneSeq);
let receiptSeq = 0;
const receipt = () => `R${process.pid}-${++receiptSeq}`;

/**
 * The in-store sale through the clerk cashier's routes (channel `clerk`) and the use cases a POS terminal calls
 * (channel `pos`): the member code, identify, quote and commit, with every refusal the issue lists for them.
 */
describeEachDb('the store counter: member code, identify, quote, commit', (get) => {
  const start = new Date('2026-05-20T02:00:30.000Z'); // the middle of a 60 s window
  let storeA: number;
  let storeB: number;
  let clerkA: Awaited<ReturnType<typeof cashier>>;
  let clerkB: Awaited<ReturnType<typeof cashier>>;
  let nuts: { sku: string; categoryId: number }; // 50.00, member 45.00
  let snack: { sku: string }; // 2.50, member 1.90 + 6 points
  let giving: { sku: string }; // 120.00, member 99.00 and 50 points given
  const t: Record<string, number> = {};

  beforeAll(async () => {
    const h = get();
    h.clock.set(start);
    storeA = (await makeStore(h)).id;
    storeB = (await makeStore(h)).id;
    clerkA = await cashier(h, storeA);
    clerkB = await cashier(h, storeB);
    nuts = await makeProduct(h, { priceFen: 5_000, memberPriceFen: 4_500, category: '坚果' });
    snack = await makeProduct(h, { priceFen: 250, memberPriceFen: 190, memberPoints: 6, category: '零食' });
    giving = await givingProduct(h, { priceFen: 12_000, memberPriceFen: 9_900, given: 50, category: '礼盒' });
    const mk = await marketerToken(h);
    t.any = (await makeTemplate(h, mk, { perCustomerLimit: 10 })).id; // 满100减20, every store
    t.onlyB = (await makeTemplate(h, mk, { storeIds: [storeB], perCustomerLimit: 10, title: 'B店券' })).id;
    const now = h.clock.now().getTime();
    t.later = (await makeTemplate(h, mk, { validDays: undefined, validFrom: new Date(now + 3 * 86_400_000).toISOString(), validTo: new Date(now + 9 * 86_400_000).toISOString(), title: '下周券' })).id;
  });

  const clerkPost = (h: Harness, token: string, path: string, body: object) => h.http.post(`/api/clerk${path}`).set(bearer(token)).send(body);
  const memberCode = async (h: Harness, token: string): Promise<string> => {
    const res = await h.http.get('/api/app/member-code').set(bearer(token));
    if (res.status !== 200) throw new Error(`member-code ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.digits;
  };
  const basket = () => [
    { sku: nuts.sku, quantity: 2 },
    { sku: snack.sku, quantity: 3 },
    { sku: giving.sku, quantity: 1 },
  ];
  const nextWindow = (h: Harness) => h.clock.advance(60_000);
  const salesOf = (h: Harness, customerId: number) => h.deps.db.read((em) => em.getRepository(Order).find({ where: { customerId }, order: { id: 'ASC' } }));

  it('the member code: 18 digits with the brand prefix, the same digits for QR and barcode, a new one-time part every 60 s on a stable handle; fans have one too', async () => {
    const h = get();
    const m = await member(h, nextPhone());
    const r1 = await h.http.get('/api/app/member-code').set(bearer(m.token));
    expect(r1.status).toBe(200);
    expect(r1.body.digits).toMatch(/^88\d{16}$/);
    expect(r1.body.qrToken).toBe(r1.body.digits);
    expect(r1.body.windowSeconds).toBe(60);
    const now = h.clock.now().getTime();
    expect(new Date(r1.body.expiresAt).getTime()).toBe((Math.floor(now / 60_000) + 1) * 60_000);
    expect(await memberCode(h, m.token)).toBe(r1.body.digits); // same window, same code
    nextWindow(h);
    const next = await memberCode(h, m.token);
    expect(next).not.toBe(r1.body.digits);
    expect(next.slice(0, 11)).toBe(r1.body.digits.slice(0, 11)); // prefix + handle
    const handle = (await h.deps.db.read((em) => em.getRepository(Customer).findOneByOrFail({ id: m.customerId }))).memberHandle;
    expect(next.slice(2, 11)).toBe(handle);

    const fan = await session(h, newOpenid());
    const fanCode = await memberCode(h, fan.token);
    expect(fanCode).toMatch(/^88\d{16}$/);
    const who = await clerkPost(h, clerkA.token, '/members/identify', { memberCode: fanCode });
    expect(who.status).toBe(200);
    expect(who.body.member).toMatchObject({ customerId: fan.customer.id, isMember: false, phoneMasked: null, coupons: [] });
  });

  it('identify: by member code, by phone, or a phone typed into the code field → the member, their points and the coupons usable in this store now', async () => {
    const h = get();
    const phone = nextPhone();
    const m = await member(h, phone);
    const any = (await claim(h, m.token, t.any)).body.coupon.id;
    const onlyB = (await claim(h, m.token, t.onlyB)).body.coupon.id;
    await claim(h, m.token, t.later); // not valid yet: not offered
    const digits = await memberCode(h, m.token);

    const atA = await clerkPost(h, clerkA.token, '/members/identify', { memberCode: digits });
    expect(atA.status).toBe(200);
    expect(atA.body.member).toMatchObject({ customerId: m.customerId, isMember: true, level: 0, pointsBalance: 1_000, phoneMasked: maskPhone(phone) });
    expect(atA.body.member.coupons.map((c: { id: number }) => c.id)).toEqual([any]);
    const atB = await clerkPost(h, clerkB.token, '/members/identify', { memberCode: digits.replace(/(\d{4})(?=\d)/g, '$1 ') }); // as printed
    expect(atB.body.member.coupons.map((c: { id: number }) => c.id).sort()).toEqual([any, onlyB].sort());

    expect((await clerkPost(h, clerkA.token, '/members/identify', { phone })).body.member.customerId).toBe(m.customerId);
    expect((await clerkPost(h, clerkA.token, '/members/identify', { memberCode: phone })).body.member.customerId).toBe(m.customerId);
    const nobody = await clerkPost(h, clerkA.token, '/members/identify', { phone: '19999999999' });
    expect([nobody.status, nobody.body.code]).toEqual([404, 'MEMBER_NOT_FOUND']);
    // identify consumed nothing
    expect(await h.deps.db.read((em) => em.getRepository(MemberCodeUse).countBy({ customerId: m.customerId }))).toBe(0);
  });

  it('a member code that is forged, of another brand, a WeChat Pay or Alipay payment code, expired, or replayed → a distinct error each', async () => {
    const h = get();
    const m = await member(h, nextPhone());
    const digits = await memberCode(h, m.token);
    const identify = (memberCode: string) => clerkPost(h, clerkA.token, '/members/identify', { memberCode });
    const outcome = async (memberCode: string) => {
      const r = await identify(memberCode);
      return [r.status, r.body.code ?? 'OK', r.body.details?.presented].filter((x) => x !== undefined);
    };
    const forged = digits.slice(0, 17) + String((Number(digits[17]) + 1) % 10);
    expect(await outcome(forged)).toEqual([404, 'MEMBER_CODE_INVALID']);
    const otherHandle = String((Number(digits.slice(2, 11)) + 1) % 1e9).padStart(9, '0'); // nobody's (9 random digits)
    expect(await outcome(`88${otherHandle}${digits.slice(11)}`)).toEqual([404, 'MEMBER_CODE_INVALID']);
    expect(await outcome(`80${digits.slice(2)}`)).toEqual([422, 'MEMBER_CODE_FOREIGN']);
    expect(await outcome('134567890123456789')).toEqual([422, 'PAYMENT_CODE_PRESENTED', 'wechat_pay']); // 微信付款码 10–15, 18 digits
    expect(await outcome('2812345678901234')).toEqual([422, 'PAYMENT_CODE_PRESENTED', 'alipay']); // 支付宝付款码 25–30, 16–24 digits
    expect(await outcome(digits)).toEqual([200, 'OK']);

    // Accepted through the next window (the app has rotated, the till is still scanning), then expired.
    nextWindow(h);
    expect(await outcome(digits)).toEqual([200, 'OK']);
    nextWindow(h);
    expect(await outcome(digits)).toEqual([410, 'MEMBER_CODE_EXPIRED']);
    h.clock.advance(12 * 60_000); // past the lookback: no longer recognised at all
    expect(await outcome(digits)).toEqual([404, 'MEMBER_CODE_INVALID']);

    // Replayed: one sale per code, at any till, through any door.
    const fresh = await memberCode(h, m.token);
    const sold = await clerkPost(h, clerkA.token, '/sales', { memberCode: fresh, items: [{ sku: nuts.sku, quantity: 1 }], receiptNo: receipt() });
    expect(sold.status).toBe(201);
    expect(await outcome(fresh)).toEqual([410, 'MEMBER_CODE_USED']);
    const again = await clerkPost(h, clerkB.token, '/sales', { memberCode: fresh, items: [{ sku: nuts.sku, quantity: 1 }], receiptNo: receipt() });
    expect([again.status, again.body.code]).toEqual([410, 'MEMBER_CODE_USED']);
    await expect(quoteSale(h.ctx, posTill(storeA, 7), { memberCode: fresh, items: [{ sku: nuts.sku, quantity: 1 }] })).rejects.toMatchObject({ code: 'MEMBER_CODE_USED' });
    expect(await salesOf(h, m.customerId)).toHaveLength(1);
    nextWindow(h);
    expect(await outcome(fresh)).toEqual([410, 'MEMBER_CODE_USED']); // still inside its second window: still spent
    expect(await outcome(await memberCode(h, m.token))).toEqual([200, 'OK']); // the next code is a new one
  });

  it('quote: anonymous at sale prices; a member at member prices with points spent and given, a coupon and points as cash; nothing consumed', async () => {
    const h = get();
    const anon = await clerkPost(h, clerkA.token, '/sales/quote', { items: basket() });
    expect(anon.status).toBe(200);
    expect(anon.body.quote).toMatchObject({ member: null, listFen: 22_750, totalFen: 22_750, memberSavingFen: 0, pointsUsed: 0, pointsGiven: 0, pointsEarned: 0, payableFen: 22_750, couponId: null });
    const withCoupon = await clerkPost(h, clerkA.token, '/sales/quote', { items: basket(), couponId: 1 });
    expect([withCoupon.status, withCoupon.body.code]).toEqual([400, 'VALIDATION_FAILED']); // coupons and points need a member

    const m = await member(h, nextPhone());
    const couponId = (await claim(h, m.token, t.any)).body.coupon.id;
    const digits = await memberCode(h, m.token);
    const q = await clerkPost(h, clerkA.token, '/sales/quote', { memberCode: digits, items: basket(), couponId, usePoints: 100 });
    expect(q.status).toBe(200);
    // member prices 9000 + 570 + 9900 = 19470; 满100减20 → 17470; 100 points × 10 fen → 16470
    expect(q.body.quote).toMatchObject({
      member: { customerId: m.customerId, isMember: true, pointsBalance: 1_000 },
      listFen: 22_750,
      totalFen: 19_470,
      memberSavingFen: 3_280,
      couponDiscountFen: 2_000,
      pointsDeductionFen: 1_000,
      pointsUsed: 18 + 100,
      pointsGiven: 50,
      pointsEarned: 164 + 50,
      payableFen: 16_470,
      couponId,
    });
    const lines = q.body.quote.lines as { sku: string; unitCashFen: number; unitPoints: number; unitPointsGiven: number; paidFen: number }[];
    expect(lines.reduce((s, l) => s + l.paidFen, 0)).toBe(16_470);
    expect(lines.find((l) => l.sku === snack.sku)).toMatchObject({ unitCashFen: 190, unitPoints: 6, unitPointsGiven: 0 });
    expect(lines.find((l) => l.sku === giving.sku)).toMatchObject({ unitCashFen: 9_900, unitPoints: 0, unitPointsGiven: 50 });
    // the POS door prices it the same
    const pos = await quoteSale(h.ctx, posTill(storeA, 7), { memberCode: digits, items: basket(), couponId, usePoints: 100 });
    expect(pos).toEqual(q.body.quote);
    expect(await h.deps.db.read((em) => em.getRepository(MemberCodeUse).countBy({ customerId: m.customerId }))).toBe(0);
    expect((await h.deps.db.read((em) => em.getRepository(Coupon).findOneByOrFail({ id: couponId }))).status).toBe('issued');
  });

  it('commit: one transaction records the paid sale with its items, spends and credits points, redeems the coupon, moves the stats, attributes the owning clerk and announces order.paid', async () => {
    const h = get();
    const owner = (await makeStaff(h, 'clerk', storeA)).staff.id;
    const m = await member(h, nextPhone(), (await makeClerkCode(h, storeA, owner)).sceneEncoded);
    const couponId = (await claim(h, m.token, t.any)).body.coupon.id;
    const digits = await memberCode(h, m.token);
    const receiptNo = receipt();
    const res = await clerkPost(h, clerkA.token, '/sales', { memberCode: digits, items: basket(), couponId, usePoints: 100, receiptNo });
    expect(res.status).toBe(201);
    const sale = res.body.sale;
    expect(sale).toMatchObject({
      channel: 'clerk',
      receiptNo,
      status: 'paid',
      storeId: storeA,
      staffId: clerkA.staffId,
      terminalId: null,
      customerId: m.customerId,
      couponId,
      payableFen: 16_470,
      pointsUsed: 118,
      pointsEarned: 214,
      pointsGiven: 50,
      refundedFen: 0,
      pointsBalanceAfter: 1_000 - 118 + 214,
      paidAt: h.clock.now().toISOString(),
    });

    const order = await h.deps.db.read((em) => em.getRepository(Order).findOneByOrFail({ id: sale.id }));
    expect(order).toMatchObject({ channel: 'clerk', saleKey: `clerk:${storeA}:${receiptNo}`, clerkId: owner, staffId: clerkA.staffId, inCustomerStats: true, pointsEarned: 214, pointsGiven: 50, transactionId: null });
    const items = await h.deps.db.read((em) => em.getRepository(OrderItem).find({ where: { orderId: sale.id } }));
    expect(items.map((i) => [i.sku, i.quantity, i.unitPointsGiven, i.returnedQuantity])).toEqual(
      expect.arrayContaining([
        [nuts.sku, 2, 0, 0],
        [snack.sku, 3, 0, 0],
        [giving.sku, 1, 50, 0],
      ]),
    );
    expect(items.reduce((s, i) => s + i.paidFen, 0)).toBe(16_470);
    expect((await ledgerOf(h, m.customerId)).filter((l) => l.refId === String(sale.id)).map((l) => [l.reason, l.delta])).toEqual([
      ['order_spend', -118],
      ['purchase', 214],
    ]);
    expect(await balanceOf(h, m.customerId)).toBe(1_096);
    expect(await ledgerSum(h, m.customerId)).toBe(1_096);
    const c = await h.deps.db.read((em) => em.getRepository(Customer).findOneByOrFail({ id: m.customerId }));
    expect(c).toMatchObject({ orderCount: 1, totalSpendFen: 16_470 });
    expect(c.lastPurchaseAt?.toISOString()).toBe(h.clock.now().toISOString());
    expect(await h.deps.db.read((em) => em.getRepository(Coupon).findOneByOrFail({ id: couponId }))).toMatchObject({ status: 'redeemed', lockedOrderId: sale.id, redeemedStoreId: storeA, redeemedClerkId: clerkA.staffId });
    expect(await h.deps.db.read((em) => em.getRepository(MemberCodeUse).findBy({ customerId: m.customerId }))).toEqual([expect.objectContaining({ orderId: sale.id })]);
    const events = (await h.deps.db.read((em) => em.getRepository(OutboxEvent).find({ order: { id: 'ASC' } })))
      .map((e) => ({ type: e.type, p: JSON.parse(e.payload) }))
      .filter((e) => e.p.orderId === sale.id || (e.type === 'points.changed' && e.p.customerId === m.customerId && e.p.reason !== 'welcome'));
    expect(events.map((e) => e.type)).toEqual(['coupon.redeemed', 'points.changed', 'points.changed', 'order.paid']);
    expect(events[3].p).toMatchObject({ channel: 'clerk', customerId: m.customerId, storeId: storeA, clerkId: owner, payableFen: 16_470, pointsEarned: 214, paidLate: false });
  });

  it('a retried commit returns the same sale, even after the code expired; the same receipt with another basket → 422; a POS terminal has its own receipt space', async () => {
    const h = get();
    const m = await member(h, nextPhone());
    const digits = await memberCode(h, m.token);
    const receiptNo = receipt();
    const body = { memberCode: digits, items: [{ sku: nuts.sku, quantity: 1 }, { sku: snack.sku, quantity: 2 }], receiptNo };
    const first = await clerkPost(h, clerkA.token, '/sales', body);
    expect(first.status).toBe(201);
    h.clock.advance(5 * 60_000);
    const retry = await clerkPost(h, clerkA.token, '/sales', { ...body, items: [...body.items].reverse() }); // item order is not content
    expect(retry.status).toBe(201);
    expect(retry.body.sale).toEqual({ ...first.body.sale, pointsBalanceAfter: null });
    const other = await clerkPost(h, clerkA.token, '/sales', { ...body, items: [{ sku: nuts.sku, quantity: 2 }] });
    expect([other.status, other.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    const otherWho = await clerkPost(h, clerkA.token, '/sales', { ...body, memberCode: undefined, phone: '13912345678' });
    expect([otherWho.status, otherWho.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    // another clerk of the same store: the same receipt space (the store's cashier), the same sale
    const colleague = await cashier(h, storeA);
    expect((await clerkPost(h, colleague.token, '/sales', body)).body.sale.id).toBe(first.body.sale.id);
    // a till: its own receipt space (the same number at a terminal is another sale: here refused, the code has expired)
    await expect(commitSale(h.ctx, posTill(storeA, 31), body)).rejects.toMatchObject({ code: 'MEMBER_CODE_EXPIRED' });
    expect(await salesOf(h, m.customerId)).toHaveLength(1);
    expect(await ledgerSum(h, m.customerId)).toBe(await balanceOf(h, m.customerId));
  });

  it('a coupon redeemed elsewhere between quote and commit → a clear refusal and nothing spent', async () => {
    const h = get();
    const phone = nextPhone();
    const m = await member(h, phone);
    const couponId = (await claim(h, m.token, t.any)).body.coupon.id;
    const digits = await memberCode(h, m.token);
    const body = { memberCode: digits, items: basket(), couponId, usePoints: 50 };
    expect((await clerkPost(h, clerkA.token, '/sales/quote', body)).status).toBe(200);
    // meanwhile, at store B's till, the same coupon on another sale (the customer typed their phone there)
    await commitSale(h.ctx, posTill(storeB, 41), { phone, items: basket(), couponId, receiptNo: receipt() });
    const before = { balance: await balanceOf(h, m.customerId), ledger: (await ledgerOf(h, m.customerId)).length, sales: (await salesOf(h, m.customerId)).length };

    const res = await clerkPost(h, clerkA.token, '/sales', { ...body, receiptNo: receipt() });
    expect([res.status, res.body.code]).toEqual([409, 'COUPON_ALREADY_REDEEMED']);
    expect({ balance: await balanceOf(h, m.customerId), ledger: (await ledgerOf(h, m.customerId)).length, sales: (await salesOf(h, m.customerId)).length }).toEqual(before);
    expect(await h.deps.db.read((em) => em.getRepository(MemberCodeUse).countBy({ customerId: m.customerId }))).toBe(0); // the code is still good
    expect((await clerkPost(h, clerkA.token, '/sales', { memberCode: digits, items: basket(), receiptNo: receipt() })).status).toBe(201);
  });

  it('the till redemption is one conditional update: a coupon taken after the pricing read is refused inside the transaction, which rolls back', async () => {
    const h = get();
    const m = await member(h, nextPhone());
    const couponId = (await claim(h, m.token, t.any)).body.coupon.id;
    await h.deps.db.transaction((tx) => tx.createQueryBuilder().update(Coupon).set({ status: 'redeemed', redeemedAt: h.clock.now() }).where('id = :couponId', { couponId }).execute());
    const attempt = (id: number) =>
      h.deps.db.transaction((tx) =>
        orderCoupons().redeemAtTill(h.ctx, tx, { couponId: id, customerId: m.customerId, orderId: 999_999, storeId: storeA, staffId: null, discountFen: 2_000, now: h.clock.now(), events: [] }),
      );
    await expect(attempt(couponId)).rejects.toMatchObject({ code: 'COUPON_ALREADY_REDEEMED' });
    const other = (await claim(h, m.token, t.any)).body.coupon.id;
    await expect(h.deps.db.transaction((tx) => orderCoupons().redeemAtTill(h.ctx, tx, { couponId: other, customerId: m.customerId + 1, orderId: 999_999, storeId: storeA, staffId: null, discountFen: 2_000, now: h.clock.now(), events: [] }))).rejects.toMatchObject({ code: 'COUPON_NOT_USABLE' }); // not theirs
    expect((await h.deps.db.read((em) => em.getRepository(Coupon).findOneByOrFail({ id: other }))).status).toBe('issued');
  });

  it('a balance lower at commit than the quote needed → POINTS_INSUFFICIENT and nothing changed', async () => {
    const h = get();
    const m = await member(h, nextPhone());
    const digits = await memberCode(h, m.token);
    const body = { memberCode: digits, items: [{ sku: nuts.sku, quantity: 4 }, { sku: snack.sku, quantity: 10 }], usePoints: 500 };
    const q = await clerkPost(h, clerkA.token, '/sales/quote', body);
    expect(q.body.quote).toMatchObject({ pointsUsed: 560 });
    // the member spends points elsewhere before the till commits
    await h.deps.db.transaction((tx) => postPoints(h.deps.db, tx, { customerId: m.customerId, delta: -600, reason: 'adjustment', refType: 'test', refId: `spend-${m.customerId}` }, h.clock.now()));
    const before = { balance: await balanceOf(h, m.customerId), ledger: (await ledgerOf(h, m.customerId)).length };
    const res = await clerkPost(h, clerkA.token, '/sales', { ...body, receiptNo: receipt() });
    expect([res.status, res.body.code]).toEqual([409, 'POINTS_INSUFFICIENT']);
    expect({ balance: await balanceOf(h, m.customerId), ledger: (await ledgerOf(h, m.customerId)).length }).toEqual(before);
    expect(await salesOf(h, m.customerId)).toEqual([]);
    const c = await h.deps.db.read((em) => em.getRepository(Customer).findOneByOrFail({ id: m.customerId }));
    expect(c).toMatchObject({ orderCount: 0, totalSpendFen: 0, lastPurchaseAt: null });
    expect(await h.deps.db.read((em) => em.getRepository(MemberCodeUse).countBy({ customerId: m.customerId }))).toBe(0);
  });

  it('given points (会员价送积分): a member gets them; a fan buying the same product pays the sale price and earns nothing', async () => {
    const h = get();
    const fan = await session(h, newOpenid());
    const fanSale = await clerkPost(h, clerkA.token, '/sales', { memberCode: await memberCode(h, fan.token), items: [{ sku: giving.sku, quantity: 2 }], receiptNo: receipt() });
    expect(fanSale.status).toBe(201);
    expect(fanSale.body.sale).toMatchObject({ payableFen: 24_000, pointsGiven: 0, pointsEarned: 0, pointsBalanceAfter: 0 });
    expect(await ledgerOf(h, fan.customer.id)).toEqual([]);
    expect(await h.deps.db.read((em) => em.getRepository(Customer).findOneByOrFail({ id: fan.customer.id }))).toMatchObject({ orderCount: 1, totalSpendFen: 24_000 });

    const m = await member(h, nextPhone());
    const sale = await commitSale(h.ctx, posTill(storeA, 51), { memberCode: await memberCode(h, m.token), items: [{ sku: giving.sku, quantity: 2 }], receiptNo: receipt() });
    expect(sale).toMatchObject({ channel: 'pos', terminalId: 51, staffId: null, payableFen: 19_800, pointsGiven: 100, pointsEarned: 198 + 100, pointsBalanceAfter: 1_000 + 298 });
  });

  it('the same member code at several tills at once → exactly one sale, the others MEMBER_CODE_USED, nothing else moved', async () => {
    const h = get();
    const m = await member(h, nextPhone());
    const digits = await memberCode(h, m.token);
    const tills = [posTill(storeA, 61), posTill(storeB, 62), clerkA.actor, clerkB.actor, posTill(storeA, 63)];
    const results = await Promise.allSettled(tills.map((till) => commitSale(h.ctx, till, { memberCode: digits, items: [{ sku: snack.sku, quantity: 5 }], receiptNo: receipt() })));
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(Array(4).fill('MEMBER_CODE_USED'));
    expect(await salesOf(h, m.customerId)).toHaveLength(1);
    expect(await balanceOf(h, m.customerId)).toBe(1_000 - 30 + 9);
    expect(await ledgerSum(h, m.customerId)).toBe(1_000 - 30 + 9);
  });

  it('the clerk routes need a store: a staff member without one gets 404; consumers cannot ring sales up', async () => {
    const h = get();
    const manager = staffToken(h, (await makeStaff(h, 'store_manager', storeA)).staff.id);
    const storeless = staffToken(h, (await makeStaff(h, 'clerk')).staff.id);
    for (const [path, body] of [
      ['/members/identify', { phone: '13900000000' }],
      ['/sales/quote', { items: [{ sku: nuts.sku, quantity: 1 }] }],
      ['/sales', { phone: '13900000000', items: [{ sku: nuts.sku, quantity: 1 }], receiptNo: 'R1' }],
      ['/sales/R1/returns', { returnNo: 'X1' }],
    ] as const) {
      const res = await clerkPost(h, storeless, path, body);
      expect([path, res.status, res.body.code]).toEqual([path, 404, 'NOT_FOUND']);
    }
    const fan = await session(h, newOpenid());
    expect((await clerkPost(h, fan.token, '/sales/quote', { items: [{ sku: nuts.sku, quantity: 1 }] })).status).toBe(401); // a consumer's token is not a staff session
    expect((await clerkPost(h, manager, '/sales/quote', { items: [{ sku: nuts.sku, quantity: 1 }] })).status).toBe(200);
  });

  it('statements per commit: one probe before, and in the transaction the locked pricing, the batched inserts and one customer write per ledger entry', async () => {
    const h = get();
    const counter = statementCounter(h);
    try {
      const m = await member(h, nextPhone());
      const couponId = (await claim(h, m.token, t.any)).body.coupon.id;
      const plain = await counter.during(() => commitSale(h.ctx, posTill(storeA, 71), { memberCode: 'x', phone: undefined, items: basket(), receiptNo: receipt() }).catch((e) => e));
      expect(plain.result.code).toBe('MEMBER_CODE_FOREIGN');
      expect(plain.data).toEqual([]); // refused by shape: no statement at all

      const figures: Record<string, number> = {};
      const run = async (name: string, body: object) => {
        const { data, tx } = await counter.during(() => commitSale(h.ctx, posTill(storeA, 71), { memberCode: undefined, items: basket(), receiptNo: receipt(), ...body }));
        figures[name] = data.length;
        expect(tx).toHaveLength(2); // exactly one transaction: BEGIN/START + COMMIT
        return data;
      };
      // member code, member prices spending and giving points, points as cash: 1 probe + store, customer (locked), products,
      // categories + order, items, code use, ledger ×2, customer ×2, outbox
      const data = await run('code+points', { memberCode: await memberCode(h, m.token), usePoints: 20 });
      expect(data.length).toBeLessThanOrEqual(13);
      nextWindow(h);
      // + the coupon: its terms (coupon, template) and its conditional redemption (+ the template id for coupon.redeemed)
      expect((await run('code+points+coupon', { memberCode: await memberCode(h, m.token), usePoints: 20, couponId })).length).toBeLessThanOrEqual(17);
      console.log(`[${h.target}] data statements per commit: ${JSON.stringify(figures)} (+ START/COMMIT)`);
    } finally {
      counter.restore();
    }
  });
});
