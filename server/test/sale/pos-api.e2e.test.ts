import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ERROR_SPECS, z } from '@o2o/shared';
import { describeEachDb, type Harness } from '../helpers/harness';
import { member } from '../helpers/flows';
import { makeProduct, makeStore } from '../helpers/fixtures';
import { claim, makeTemplate, marketerToken } from '../coupon/helpers';
import type { PosResponse } from '../../src/cli/pos';
import { Coupon } from '../../src/modules/coupon/coupon.entity';
import { Customer } from '../../src/modules/customer/customer.entity';
import { issueMemberCode } from '../../src/modules/sale/member-code';
import { POS_OPERATIONS, errorsOf, posOpenApiDocument } from '../../src/modules/sale/pos-openapi';
import { adminToken, makeTill, tillClient, type Till } from './pos-helpers';

let phoneSeq = 13700000000;
const nextPhone = () => String(++phoneSeq);

/** The OpenAPI response schema of an operation and status, as a zod schema (components → $defs). */
function responseSchema(operationId: string, status: number): z.ZodType {
  const doc = posOpenApiDocument() as any;
  const op = POS_OPERATIONS.find((o) => o.operationId === operationId)!;
  const schema = doc.paths[op.path][op.method].responses[String(status)].content['application/json'].schema;
  const local = (s: unknown) => JSON.parse(JSON.stringify(s).replaceAll('#/components/schemas/', '#/$defs/'));
  return z.fromJSONSchema({ $defs: local(doc.components.schemas), ...local(schema) } as never) as z.ZodType;
}

/**
 * Every answer the tests receive is checked against the document: a success against its response schema, an error
 * code against the operation's listed codes with the code's own status. So the OpenAPI cannot drift from the API
 * in whatever these tests exercise.
 */
function documented<T>(operationId: string, res: PosResponse<T>): PosResponse<T> {
  const op = POS_OPERATIONS.find((o) => o.operationId === operationId)!;
  if (res.status < 300) {
    expect(res.status).toBe(op.ok.status);
    const parsed = responseSchema(operationId, res.status).safeParse(res.body);
    if (!parsed.success) throw new Error(`${operationId} ${res.status} does not match its OpenAPI schema: ${JSON.stringify(parsed.error.issues.slice(0, 3))}`);
  } else {
    const code = (res.body as { code: string }).code;
    expect(errorsOf(op)).toContain(code);
    expect(res.status).toBe(ERROR_SPECS[code as keyof typeof ERROR_SPECS].status);
  }
  return res;
}

describeEachDb('POS API end to end: identify → quote → commit → return with the signing client', (get) => {
  const start = new Date('2026-05-20T02:00:30.000Z');
  let storeA: number;
  let storeB: number;
  let till: Till;
  let otherTill: Till; // same store, another terminal
  let nuts: string; // 50.00, member 45.00
  let snack: string; // 2.50, member 1.90 + 6 points
  let template: number; // 满100减20

  beforeAll(async () => {
    const h = get();
    h.clock.set(start);
    const admin = await adminToken(h);
    storeA = (await makeStore(h)).id;
    storeB = (await makeStore(h)).id;
    till = await makeTill(h, admin, storeA, '收银台 1');
    otherTill = await makeTill(h, admin, storeA, '收银台 2');
    await makeTill(h, admin, storeB, 'B 店收银台');
    nuts = (await makeProduct(h, { priceFen: 5_000, memberPriceFen: 4_500 })).sku;
    snack = (await makeProduct(h, { priceFen: 250, memberPriceFen: 190, memberPoints: 6 })).sku;
    template = (await makeTemplate(h, await marketerToken(h), { perCustomerLimit: 10 })).id;
  });
  beforeEach(() => get().clock.set(start));

  const balanceOf = async (h: Harness, id: number) => (await h.deps.db.read((em) => em.getRepository(Customer).findOneByOrFail({ id }))).pointsBalance;

  it('a member with a coupon buys at the till and returns part, then the rest; retries answer the same sale and return', async () => {
    const h = get();
    const pos = tillClient(h, till);
    const m = await member(h, nextPhone());
    const couponId = (await claim(h, m.token, template)).body.coupon.id as number;
    const code = (await issueMemberCode(h.ctx, m.customerId)).digits;
    const balance0 = await balanceOf(h, m.customerId);

    const who = documented('identifyMember', await pos.identify({ memberCode: code }));
    expect(who.status).toBe(200);
    expect(who.body.member).toMatchObject({ customerId: m.customerId, isMember: true, pointsBalance: balance0 });
    expect(who.body.member.coupons.map((c) => c.id)).toEqual([couponId]);

    const basket = { memberCode: code, items: [{ sku: nuts, quantity: 2 }, { sku: snack, quantity: 3 }], couponId, usePoints: 50 };
    // member prices 9000 + 570 = 9570 < 满100: the coupon does not apply → refused, the till adds a bag of nuts
    const short = documented('quoteSale', await pos.quote(basket));
    expect([short.status, short.body.code]).toEqual([409, 'COUPON_THRESHOLD_NOT_MET']);

    const bigger = { ...basket, items: [{ sku: nuts, quantity: 3 }, { sku: snack, quantity: 3 }] }; // 13500 + 570 = 14070
    const q = documented('quoteSale', await pos.quote(bigger));
    expect(q.status).toBe(200);
    expect(q.body.quote).toMatchObject({ member: { customerId: m.customerId }, totalFen: 14_070, couponDiscountFen: 2_000, pointsDeductionFen: 500, pointsUsed: 18 + 50, payableFen: 11_570, couponId });

    const commit = { ...bigger, receiptNo: 'R-0001' };
    const sale = documented('commitSale', await pos.commit(commit));
    expect(sale.status).toBe(201);
    const s = sale.body.sale;
    expect(s).toMatchObject({ channel: 'pos', receiptNo: 'R-0001', status: 'paid', storeId: storeA, terminalId: till.id, staffId: null, customerId: m.customerId, couponId });
    for (const k of ['listFen', 'totalFen', 'couponDiscountFen', 'pointsDeductionFen', 'pointsUsed', 'pointsGiven', 'pointsEarned', 'payableFen'] as const) expect(s[k]).toBe(q.body.quote[k]);
    expect(await balanceOf(h, m.customerId)).toBe(balance0 - s.pointsUsed + s.pointsEarned);
    expect(s.pointsBalanceAfter).toBe(balance0 - s.pointsUsed + s.pointsEarned);
    expect((await h.deps.db.read((em) => em.getRepository(Coupon).findOneByOrFail({ id: couponId }))).status).toBe('redeemed');

    // the till retries (lost answer): the same sale; the same receipt with another basket is 422
    const retry = documented('commitSale', await pos.commit(commit));
    expect(retry.body.sale.id).toBe(s.id);
    const reused = documented('commitSale', await pos.commit({ ...commit, items: [{ sku: nuts, quantity: 1 }] }));
    expect([reused.status, reused.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    // the code was used up by the sale
    const usedCode = documented('identifyMember', await pos.identify({ memberCode: code }));
    expect([usedCode.status, usedCode.body.code]).toEqual([410, 'MEMBER_CODE_USED']);
    expect(await balanceOf(h, m.customerId)).toBe(balance0 - s.pointsUsed + s.pointsEarned);

    // receipts are per terminal: the other till of the same store does not see R-0001
    const elsewhere = documented('returnSale', await tillClient(h, otherTill).returnSale('R-0001', { returnNo: 'X-1' }));
    expect([elsewhere.status, elsewhere.body.code]).toEqual([404, 'SALE_NOT_FOUND']);

    // partial return: one snack; retried with the same returnNo → the same return
    const part = documented('returnSale', await pos.returnSale('R-0001', { returnNo: 'X-1', lines: [{ sku: snack, quantity: 1 }], reason: '破损' }));
    expect(part.status).toBe(201);
    expect(part.body.return).toMatchObject({ returnNo: 'X-1', couponReturned: false, lines: [{ sku: snack, quantity: 1 }] });
    expect(part.body.return.amountFen).toBeGreaterThan(0);
    expect(part.body.return.sale.status).toBe('partially_refunded');
    const partAgain = documented('returnSale', await pos.returnSale('R-0001', { returnNo: 'X-1', lines: [{ sku: snack, quantity: 1 }], reason: '破损' }));
    expect(partAgain.body.return.refundId).toBe(part.body.return.refundId);
    const tooMany = documented('returnSale', await pos.returnSale('R-0001', { returnNo: 'X-2', lines: [{ sku: snack, quantity: 3 }] }));
    expect([tooMany.status, tooMany.body.code]).toEqual([409, 'RETURN_EXCEEDS_SOLD']);

    // the rest: everything not yet returned; the coupon comes back, the money adds up to what was paid
    const rest = documented('returnSale', await pos.returnSale('R-0001', { returnNo: 'X-3' }));
    expect(rest.status).toBe(201);
    expect(rest.body.return.couponReturned).toBe(true);
    expect(part.body.return.amountFen + rest.body.return.amountFen).toBe(s.payableFen);
    expect(rest.body.return.sale).toMatchObject({ status: 'refunded', refundedFen: s.payableFen });
    const none = documented('returnSale', await pos.returnSale('R-0001', { returnNo: 'X-4' }));
    expect([none.status, none.body.code]).toEqual([409, 'SALE_NOT_RETURNABLE']);
    expect((await h.deps.db.read((em) => em.getRepository(Coupon).findOneByOrFail({ id: couponId }))).status).toBe('issued');
    // spent points back, earned points reversed: the balance is where it started
    expect(await balanceOf(h, m.customerId)).toBe(balance0);
  });

  it('anonymous quote, a phone number, a payment code, an unknown receipt: the documented answer each', async () => {
    const h = get();
    const pos = tillClient(h, till);
    const anon = documented('quoteSale', await pos.quote({ items: [{ sku: nuts, quantity: 1 }] }));
    expect(anon.body.quote).toMatchObject({ member: null, payableFen: 5_000, pointsEarned: 0 });
    const phone = nextPhone();
    const m = await member(h, phone);
    const byPhone = documented('identifyMember', await pos.identify({ phone }));
    expect(byPhone.body.member.customerId).toBe(m.customerId);
    const sale = documented('commitSale', await pos.commit({ phone, items: [{ sku: snack, quantity: 2 }], receiptNo: 'P-1' }));
    expect(sale.status).toBe(201);
    const pay = documented('identifyMember', await pos.identify({ memberCode: '134567890123456789' }));
    expect([pay.status, pay.body.code]).toEqual([422, 'PAYMENT_CODE_PRESENTED']);
    const nobody = documented('identifyMember', await pos.identify({ phone: '19999999998' }));
    expect([nobody.status, nobody.body.code]).toEqual([404, 'MEMBER_NOT_FOUND']);
    const unknownSku = documented('quoteSale', await pos.quote({ items: [{ sku: 'NO-SUCH', quantity: 1 }] }));
    expect([unknownSku.status, unknownSku.body.code]).toEqual([409, 'PRODUCT_UNAVAILABLE']);
    const bad = documented('commitSale', await pos.commit({ items: [{ sku: nuts, quantity: 1 }], receiptNo: 'P-2' } as never));
    expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const unknown = documented('returnSale', await pos.returnSale('NOPE-1', { returnNo: 'X' }));
    expect([unknown.status, unknown.body.code]).toEqual([404, 'SALE_NOT_FOUND']);
    const unprintable = documented('returnSale', await pos.returnSale('a b', { returnNo: 'X' }));
    expect([unprintable.status, unprintable.body.code]).toEqual([404, 'SALE_NOT_FOUND']);
  });

  it('GET /api/pos/v1/openapi.json serves the document, unsigned', async () => {
    const h = get();
    const res = await h.http.get('/api/pos/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(posOpenApiDocument())));
  });

  it('npm run pos: the CLI signs with the environment credentials and prints the answer', async () => {
    const h = get();
    h.clock.set(new Date()); // the CLI signs with the real clock
    const phone = nextPhone();
    const m = await member(h, phone);
    const cli = path.join(__dirname, '../../src/cli/pos.ts');
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, ['-r', '@swc-node/register', cli, ...args], {
        cwd: path.join(__dirname, '../..'),
        env: { ...process.env, POS_BASE_URL: h.baseUrl, POS_KEY_ID: till.keyId, POS_SECRET: till.secret },
      });
    const out = await run(['identify', '--phone', phone]);
    expect(JSON.parse(out.stdout).member.customerId).toBe(m.customerId);
    const sold = await run(['commit', '--phone', phone, '--items', `${snack}:2`, '--receipt', 'CLI-1']);
    expect(JSON.parse(sold.stdout).sale).toMatchObject({ receiptNo: 'CLI-1', customerId: m.customerId });
    const back = await run(['return', 'CLI-1', '--return-no', 'CLI-R1', '--lines', `${snack}:1`]);
    expect(JSON.parse(back.stdout).return.lines).toEqual([expect.objectContaining({ sku: snack, quantity: 1 })]);
    await expect(run(['identify', '--phone', phone, '--secret', 'wrong'])).rejects.toMatchObject({ code: 1, stdout: expect.stringContaining('POS_SIGNATURE_INVALID') });
  }, 60_000);
});
