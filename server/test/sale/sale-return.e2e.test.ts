import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer, member, newOpenid, session } from '../helpers/flows';
import { makeProduct, makeStore } from '../helpers/fixtures';
import { claim, makeTemplate, marketerToken } from '../coupon/helpers';
import { Coupon } from '../../src/modules/coupon/coupon.entity';
import { Customer } from '../../src/modules/customer/customer.entity';
import { OutboxEvent } from '../../src/events/outbox-event.entity';
import { Order } from '../../src/modules/payment/order.entity';
import { OrderItem } from '../../src/modules/payment/order-item.entity';
import { Refund } from '../../src/modules/payment/refund.entity';
import { postPoints } from '../../src/modules/points/points.service';
import { commitSale, returnSale } from '../../src/modules/sale/sale.service';
import { balanceOf, cashier, givingProduct, ledgerSum, posTill } from './sale-fixtures';

let phoneSeq = 13810000000;
const nextPhone = () => String(++phoneSeq);
let seq = 0;
const no = (p: string) => `${p}${process.pid}-${++seq}`;

/**
 * Till returns (退货): by receipt and lines, idempotent by return number, through the one refund success path —
 * points returned and reversed in proportion (never a negative balance), statistics, order.refunded — and the
 * documented coupon rule: a partial return keeps the coupon redeemed; the return that completes the sale gives it back.
 */
describeEachDb('till returns: lines, amounts, points, the coupon rule', (get) => {
  let storeA: number;
  let storeB: number;
  let clerkA: Awaited<ReturnType<typeof cashier>>;
  let clerkB: Awaited<ReturnType<typeof cashier>>;
  let nuts: { sku: string };
  let snack: { sku: string };
  let giving: { sku: string };
  let off20: number;

  beforeAll(async () => {
    const h = get();
    h.clock.set(new Date('2026-05-21T03:00:10.000Z'));
    storeA = (await makeStore(h)).id;
    storeB = (await makeStore(h)).id;
    clerkA = await cashier(h, storeA);
    clerkB = await cashier(h, storeB);
    nuts = await makeProduct(h, { priceFen: 5_000, memberPriceFen: 4_500 });
    snack = await makeProduct(h, { priceFen: 250, memberPriceFen: 190, memberPoints: 6 });
    giving = await givingProduct(h, { priceFen: 12_000, memberPriceFen: 9_900, given: 50 });
    off20 = (await makeTemplate(h, await marketerToken(h), { perCustomerLimit: 10 })).id; // 满100减20
  });

  const giveBack = (h: Harness, token: string, receiptNo: string, body: object) => h.http.post(`/api/clerk/sales/${receiptNo}/returns`).set(bearer(token)).send(body);
  const orderOf = (h: Harness, id: number) => h.deps.db.read((em) => em.getRepository(Order).findOneByOrFail({ id }));
  const customerOf = (h: Harness, id: number) => h.deps.db.read((em) => em.getRepository(Customer).findOneByOrFail({ id }));
  const couponOf = (h: Harness, id: number) => h.deps.db.read((em) => em.getRepository(Coupon).findOneByOrFail({ id }));
  /** A member's sale at store A's clerk cashier, by phone. */
  async function sold(h: Harness, items: { sku: string; quantity: number }[], opts: { coupon?: boolean; usePoints?: number } = {}) {
    const phone = nextPhone();
    const m = await member(h, phone);
    const couponId = opts.coupon ? ((await claim(h, m.token, off20)).body.coupon.id as number) : undefined;
    const receiptNo = no('R');
    const sale = await commitSale(h.ctx, clerkA.actor, { phone, items, couponId, usePoints: opts.usePoints, receiptNo });
    const paid = Object.fromEntries(sale.lines.map((l) => [l.sku, l.paidFen]));
    return { m, sale, receiptNo, couponId, paid };
  }

  it('a partial return gives back what the returned units were paid and keeps the coupon, even below its threshold; the return that completes the sale gives the coupon back and everything else', async () => {
    const h = get();
    const { m, sale, receiptNo, couponId, paid } = await sold(h, [{ sku: nuts.sku, quantity: 2 }, { sku: snack.sku, quantity: 3 }, { sku: giving.sku, quantity: 1 }], { coupon: true, usePoints: 100 });
    expect(sale).toMatchObject({ payableFen: 16_470, pointsUsed: 118, pointsEarned: 214 });
    expect(await balanceOf(h, m.customerId)).toBe(1_096);

    // 1. one bag of nuts back: half the line's paidFen (rounded down), the points in proportion to the money
    const r1 = await giveBack(h, clerkA.token, receiptNo, { returnNo: 'T1', lines: [{ sku: nuts.sku, quantity: 1 }] });
    expect(r1.status).toBe(201);
    const a1 = Math.floor(paid[nuts.sku] / 2);
    const ret1 = Math.floor((118 * a1) / 16_470);
    const rev1 = Math.floor((214 * a1) / 16_470);
    expect(r1.body.return).toMatchObject({ returnNo: 'T1', amountFen: a1, lines: [{ sku: nuts.sku, quantity: 1, amountFen: a1 }], pointsReturned: ret1, pointsReversed: rev1, pointsUnrecovered: 0, couponReturned: false });
    expect(r1.body.return.sale).toMatchObject({ status: 'partially_refunded', refundedFen: a1 });
    expect(r1.body.return.sale.lines.find((l: { sku: string }) => l.sku === nuts.sku).returnedQuantity).toBe(1);
    expect(await couponOf(h, couponId!)).toMatchObject({ status: 'redeemed', lockedOrderId: sale.id });
    expect(await balanceOf(h, m.customerId)).toBe(1_096 + ret1 - rev1);

    // 2. the gift box back: what is kept (45.00 + 5.70) is now below the coupon's 100.00 threshold — the coupon stays
    //    redeemed and the box gives back exactly its paidFen (the discount stays spread over the lines)
    const r2 = await giveBack(h, clerkA.token, receiptNo, { returnNo: 'T2', lines: [{ sku: giving.sku, quantity: 1 }] });
    expect(r2.body.return).toMatchObject({ amountFen: paid[giving.sku], couponReturned: false });
    expect((await couponOf(h, couponId!)).status).toBe('redeemed');

    // 3. the rest (lines omitted): completes the sale
    const r3 = await giveBack(h, clerkA.token, receiptNo, { returnNo: 'T3' });
    expect(r3.status).toBe(201);
    expect(r3.body.return.lines.map((l: { sku: string; quantity: number }) => [l.sku, l.quantity]).sort()).toEqual([[nuts.sku, 1], [snack.sku, 3]].sort());
    expect(a1 + paid[giving.sku] + r3.body.return.amountFen).toBe(16_470);
    expect(r3.body.return).toMatchObject({ couponReturned: true, sale: { status: 'refunded', refundedFen: 16_470 } });
    expect(await couponOf(h, couponId!)).toMatchObject({ status: 'issued', lockedOrderId: null, redeemedAt: null, redeemedStoreId: null, redeemedClerkId: null });
    // every point back where it was, the ledger agreeing, the sale no longer a purchase
    const o = await orderOf(h, sale.id);
    expect(o).toMatchObject({ pointsUsedReturned: 118, pointsEarnedReversed: 214, refundPendingFen: 0 });
    expect(await balanceOf(h, m.customerId)).toBe(1_000);
    expect(await ledgerSum(h, m.customerId)).toBe(1_000);
    expect(await customerOf(h, m.customerId)).toMatchObject({ orderCount: 0, totalSpendFen: 0 });
    const refunds = await h.deps.db.read((em) => em.getRepository(Refund).find({ where: { orderId: sale.id }, order: { id: 'ASC' } }));
    expect(refunds.map((r) => [r.requestNo, r.via, r.status, r.requestedBy])).toEqual([
      ['T1', 'till', 'success', clerkA.staffId],
      ['T2', 'till', 'success', clerkA.staffId],
      ['T3', 'till', 'success', clerkA.staffId],
    ]);
    const events = (await h.deps.db.read((em) => em.getRepository(OutboxEvent).find({ order: { id: 'ASC' } }))).map((e) => ({ type: e.type, p: JSON.parse(e.payload) }));
    expect(events.filter((e) => e.type === 'order.refunded' && e.p.orderId === sale.id).map((e) => e.p.full)).toEqual([false, false, true]);
    expect(events.filter((e) => e.type === 'coupon.returned' && e.p.orderId === sale.id)).toHaveLength(1);

    // retries answer the same return and move nothing; the completing one still says it gave the coupon back
    const again = await giveBack(h, clerkA.token, receiptNo, { returnNo: 'T3' });
    expect(again.body.return).toEqual(r3.body.return);
    expect((await giveBack(h, clerkA.token, receiptNo, { returnNo: 'T1', lines: [{ sku: nuts.sku, quantity: 1 }] })).body.return.refundId).toBe(r1.body.return.refundId);
    expect(await balanceOf(h, m.customerId)).toBe(1_000);
    const after = await giveBack(h, clerkA.token, receiptNo, { returnNo: 'T4' });
    expect([after.status, after.body.code]).toEqual([409, 'SALE_NOT_RETURNABLE']);
  });

  it('returns in pieces add up to exactly what each line was paid (the last unit takes the rounding)', async () => {
    const h = get();
    const { sale, receiptNo, paid } = await sold(h, [{ sku: snack.sku, quantity: 7 }, { sku: nuts.sku, quantity: 3 }], { usePoints: 37 });
    const amounts: number[] = [];
    for (let i = 0; i < 7; i++) amounts.push((await returnSale(h.ctx, clerkA.actor, receiptNo, { returnNo: `S${i}`, lines: [{ sku: snack.sku, quantity: 1 }] })).amountFen);
    expect(amounts.reduce((s, a) => s + a, 0)).toBe(paid[snack.sku]);
    expect(Math.max(...amounts) - Math.min(...amounts)).toBeLessThanOrEqual(1);
    const n2 = await returnSale(h.ctx, clerkA.actor, receiptNo, { returnNo: 'N2', lines: [{ sku: nuts.sku, quantity: 2 }] });
    const n1 = await returnSale(h.ctx, clerkA.actor, receiptNo, { returnNo: 'N1', lines: [{ sku: nuts.sku, quantity: 1 }] });
    expect(n2.amountFen + n1.amountFen).toBe(paid[nuts.sku]);
    expect(n1.sale).toMatchObject({ status: 'refunded', refundedFen: sale.payableFen });
    expect(await orderOf(h, sale.id)).toMatchObject({ pointsUsedReturned: sale.pointsUsed, pointsEarnedReversed: sale.pointsEarned });
  });

  it('a return of more than was sold, or of what the sale does not hold, is refused and changes nothing', async () => {
    const h = get();
    const { m, sale, receiptNo } = await sold(h, [{ sku: nuts.sku, quantity: 2 }]);
    const snapshot = async () => ({
      order: await orderOf(h, sale.id),
      items: await h.deps.db.read((em) => em.getRepository(OrderItem).findBy({ orderId: sale.id })),
      refunds: await h.deps.db.read((em) => em.getRepository(Refund).countBy({ orderId: sale.id })),
      balance: await balanceOf(h, m.customerId),
    });
    const before = await snapshot();
    for (const lines of [[{ sku: nuts.sku, quantity: 3 }], [{ sku: snack.sku, quantity: 1 }], [{ sku: nuts.sku, quantity: 1 }, { sku: giving.sku, quantity: 1 }]]) {
      const res = await giveBack(h, clerkA.token, receiptNo, { returnNo: no('X'), lines });
      expect([res.status, res.body.code]).toEqual([409, 'RETURN_EXCEEDS_SOLD']);
    }
    expect(await snapshot()).toEqual(before);
    expect((await giveBack(h, clerkA.token, receiptNo, { returnNo: 'Y1', lines: [{ sku: nuts.sku, quantity: 1 }] })).status).toBe(201);
    const tooMany = await giveBack(h, clerkA.token, receiptNo, { returnNo: 'Y2', lines: [{ sku: nuts.sku, quantity: 2 }] });
    expect([tooMany.status, tooMany.body.code, tooMany.body.details]).toEqual([409, 'RETURN_EXCEEDS_SOLD', { sku: nuts.sku, returnable: 1 }]);
  });

  it('the same returnNo with other lines → 422; a receipt of another store or terminal → SALE_NOT_FOUND', async () => {
    const h = get();
    const { receiptNo } = await sold(h, [{ sku: nuts.sku, quantity: 2 }]);
    expect((await giveBack(h, clerkA.token, receiptNo, { returnNo: 'Z1', lines: [{ sku: nuts.sku, quantity: 1 }] })).status).toBe(201);
    const reused = await giveBack(h, clerkA.token, receiptNo, { returnNo: 'Z1', lines: [{ sku: nuts.sku, quantity: 2 }] });
    expect([reused.status, reused.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    const all = await giveBack(h, clerkA.token, receiptNo, { returnNo: 'Z1' }); // "everything left" is another request
    expect([all.status, all.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);

    const elsewhere = await giveBack(h, clerkB.token, receiptNo, { returnNo: 'Z2' });
    expect([elsewhere.status, elsewhere.body.code]).toEqual([404, 'SALE_NOT_FOUND']);
    expect((await giveBack(h, clerkA.token, 'NO-SUCH-RECEIPT', { returnNo: 'Z3' })).body.code).toBe('SALE_NOT_FOUND');
    expect((await giveBack(h, clerkA.token, 'bad%20receipt', { returnNo: 'Z3' })).body.code).toBe('SALE_NOT_FOUND');
    // a terminal's receipts are that terminal's
    const phone = nextPhone();
    await member(h, phone);
    const posReceipt = no('P');
    await commitSale(h.ctx, posTill(storeA, 81), { phone, items: [{ sku: nuts.sku, quantity: 1 }], receiptNo: posReceipt });
    await expect(returnSale(h.ctx, posTill(storeA, 82), posReceipt, { returnNo: 'Z4' })).rejects.toMatchObject({ code: 'SALE_NOT_FOUND' });
    await expect(returnSale(h.ctx, clerkA.actor, posReceipt, { returnNo: 'Z4' })).rejects.toMatchObject({ code: 'SALE_NOT_FOUND' });
    expect((await returnSale(h.ctx, posTill(storeA, 81), posReceipt, { returnNo: 'Z4' })).sale).toMatchObject({ status: 'refunded', channel: 'pos' });
  });

  it('given points are reversed in proportion; when the member has spent them the balance stops at zero and the shortfall is recorded and announced', async () => {
    const h = get();
    const a = await sold(h, [{ sku: giving.sku, quantity: 2 }]);
    expect(a.sale).toMatchObject({ payableFen: 19_800, pointsGiven: 100, pointsEarned: 298 });
    const r = await returnSale(h.ctx, clerkA.actor, a.receiptNo, { returnNo: 'G1', lines: [{ sku: giving.sku, quantity: 1 }] });
    expect(r).toMatchObject({ amountFen: 9_900, pointsReturned: 0, pointsReversed: 149, pointsUnrecovered: 0 });
    expect(await balanceOf(h, a.m.customerId)).toBe(1_298 - 149);

    const b = await sold(h, [{ sku: giving.sku, quantity: 2 }]);
    await h.deps.db.transaction((tx) => postPoints(h.deps.db, tx, { customerId: b.m.customerId, delta: -1_290, reason: 'adjustment', refType: 'test', refId: `spent-${b.m.customerId}` }, h.clock.now()));
    const short = await returnSale(h.ctx, clerkA.actor, b.receiptNo, { returnNo: 'G2', lines: [{ sku: giving.sku, quantity: 1 }] });
    expect(short).toMatchObject({ pointsReversed: 8, pointsUnrecovered: 141 });
    expect(await balanceOf(h, b.m.customerId)).toBe(0);
    expect(await ledgerSum(h, b.m.customerId)).toBe(0);
    const alerts = (await h.deps.db.read((em) => em.getRepository(OutboxEvent).findBy({ type: 'points.unrecovered' }))).map((e) => JSON.parse(e.payload));
    expect(alerts).toContainEqual({ customerId: b.m.customerId, orderId: b.sale.id, refundId: short.refundId, points: 141 });
  });

  it("a fan's sale comes back with no points to move; the statistics follow the money", async () => {
    const h = get();
    const fan = await session(h, newOpenid());
    const digits = (await h.http.get('/api/app/member-code').set(bearer(fan.token))).body.digits;
    const receiptNo = no('F');
    const sale = await commitSale(h.ctx, clerkA.actor, { memberCode: digits, items: [{ sku: nuts.sku, quantity: 3 }], receiptNo });
    expect(sale).toMatchObject({ payableFen: 15_000, pointsEarned: 0 });
    const r = await returnSale(h.ctx, clerkA.actor, receiptNo, { returnNo: 'F1', lines: [{ sku: nuts.sku, quantity: 1 }] });
    expect(r).toMatchObject({ amountFen: 5_000, pointsReturned: 0, pointsReversed: 0, pointsUnrecovered: 0 });
    expect(await customerOf(h, fan.customer.id)).toMatchObject({ pointsBalance: 0, orderCount: 1, totalSpendFen: 10_000 });
    await returnSale(h.ctx, clerkA.actor, receiptNo, { returnNo: 'F2' });
    expect(await customerOf(h, fan.customer.id)).toMatchObject({ pointsBalance: 0, orderCount: 0, totalSpendFen: 0 });
  });
});
