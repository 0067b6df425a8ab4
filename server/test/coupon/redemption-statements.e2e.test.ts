import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer, member } from '../helpers/flows';
import { makeProduct, makeStaff, makeStore, staffToken } from '../helpers/fixtures';
import { mapPool } from '../helpers/pool';
import { Coupon } from '../../src/modules/coupon/coupon.entity';
import { Redemption } from '../../src/modules/coupon/redemption.entity';
import { OutboxEvent } from '../../src/events/outbox-event.entity';
import { makeToken, windowOf } from '../../src/modules/coupon/coupon-code';
import { claimCoupon } from '../../src/modules/coupon/issue.service';
import { bulkMembers, claim, makeTemplate, marketerToken } from './helpers';

/**
 * What a clerk's scan costs the database, counted through the real HTTP stack: every statement TypeORM sends (its
 * logger sees each one, in both dialects) while one request is in flight, nothing else running.
 *
 * Counting rule: `data` = every statement that reads or writes rows, the staff auth read included (the code-attempt
 * limiter is in-process and sends none). Transaction control (START TRANSACTION / BEGIN / COMMIT / ROLLBACK) is
 * counted apart as `tx`, and MySQL's once-per-pooled-connection `SET SESSION TRANSACTION ISOLATION LEVEL` apart as
 * `session`. Budget (issue 12): a lookup ≤ 3 statements all told; a confirm ≤ 6 data statements in exactly one
 * transaction (+ its START/COMMIT, which the bare reference of bench:redeem pays too). A refusal or a retry opens no
 * transaction at all.
 */
type Count = { data: string[]; tx: string[]; session: string[] };

function statementCounter(h: Harness) {
  const logger = h.deps.db.dataSource.logger as unknown as { logQuery(q: string, p?: unknown[], qr?: unknown): unknown };
  const original = logger.logQuery;
  let seen: string[] | null = null;
  logger.logQuery = function (this: unknown, q: string, p?: unknown[], qr?: unknown) {
    seen?.push(q);
    return original.call(this, q, p, qr);
  };
  return {
    async during<T>(fn: () => Promise<T>): Promise<{ result: T; count: Count }> {
      seen = [];
      try {
        const result = await fn();
        await new Promise((r) => setImmediate(r)); // anything the request left behind would land here
        const all = seen;
        const count: Count = { data: [], tx: [], session: [] };
        for (const q of all) {
          if (/^\s*(START TRANSACTION|BEGIN|COMMIT|ROLLBACK)/i.test(q)) count.tx.push(q);
          else if (/^\s*SET (SESSION )?TRANSACTION/i.test(q)) count.session.push(q);
          else count.data.push(q);
        }
        return { result, count };
      } finally {
        seen = null;
      }
    },
    restore() {
      logger.logQuery = original;
    },
  };
}

let phone = 13500000000;
let reqSeq = 0;
const reqNo = () => `stmt-${process.pid}-${++reqSeq}`;

describeEachDb('redemption: statements per clerk request (lookup ≤ 3, confirm ≤ 6)', (get) => {
  const start = new Date('2026-05-20T02:00:00.000Z');
  let counter: ReturnType<typeof statementCounter>;
  let storeA: number;
  let storeB: number;
  let tokA: () => string;
  let tokB: () => string;
  let scoped: number;
  let gift: number;
  let onlyA: number;
  const figures: Record<string, string> = {};

  beforeAll(async () => {
    const h = get();
    h.clock.set(start);
    const mk = await marketerToken(h);
    storeA = (await makeStore(h)).id;
    storeB = (await makeStore(h)).id;
    const a = (await makeStaff(h, 'clerk', storeA)).staff.id;
    const b = (await makeStaff(h, 'clerk', storeB)).staff.id;
    tokA = () => staffToken(h, a);
    tokB = () => staffToken(h, b);
    // the costlier cases: a store-scoped template (scope check + scope list in the view) and a gift (its product's price)
    scoped = (await makeTemplate(h, mk, { storeIds: [storeA, storeB], perCustomerLimit: 100, kind: 'percent_off', thresholdFen: 0, amountOffFen: undefined, percentOff: 15, maxDiscountFen: 1_000, title: '8.5折' })).id;
    const sku = `GIFT${Date.now() % 1_000_000}`;
    await makeProduct(h, { sku, priceFen: 800 });
    gift = (await makeTemplate(h, mk, { kind: 'gift', giftSku: sku, thresholdFen: 2_000, amountOffFen: undefined, perCustomerLimit: 100, title: '满20送饮料' })).id;
    onlyA = (await makeTemplate(h, mk, { storeIds: [storeA], perCustomerLimit: 100 })).id;
    counter = statementCounter(h);
  });
  afterAll(() => {
    counter?.restore();
    console.log(`[${get().target}] statements per request (data + tx control):\n  ${Object.entries(figures).map(([k, v]) => `${k}: ${v}`).join('\n  ')}`);
  });
  beforeEach(() => get().clock.set(start));

  const holder = async (h: Harness, templateId: number) => {
    const m = await member(h, String(++phone));
    const c = await claim(h, m.token, templateId);
    if (c.status !== 201) throw new Error(JSON.stringify(c.body));
    const code = await h.http.get(`/api/app/coupons/${c.body.coupon.id}/code`).set(bearer(m.token));
    if (code.status !== 200) throw new Error(JSON.stringify(code.body));
    return { couponId: c.body.coupon.id as number, token: code.body.token as string, digits: code.body.digits as string };
  };
  const measure = async (label: string, fn: () => Promise<{ status: number; body: any }>) => {
    const { result, count } = await counter.during(fn);
    figures[label] = `${count.data.length} + ${count.tx.length}${count.session.length ? ` (+ ${count.session.length} session setup)` : ''}`;
    return { res: result, ...count };
  };
  const lookup = (h: Harness, token: string, body: object) => h.http.post('/api/clerk/redemptions/lookup').set(bearer(token)).send({ orderAmountFen: 5_000, ...body });
  const confirm = (h: Harness, token: string, body: object) => h.http.post('/api/clerk/redemptions').set(bearer(token)).send({ orderAmountFen: 5_000, requestNo: reqNo(), ...body });

  it('lookup: ≤ 3 statements, no transaction — by QR token and by typed digits, scoped and gift templates', async () => {
    const h = get();
    const s = await holder(h, scoped);
    const g = await holder(h, gift);
    const cases = [
      ['lookup token, scoped', () => lookup(h, tokA(), { token: s.token })],
      ['lookup digits, scoped', () => lookup(h, tokA(), { digits: s.digits })],
      ['lookup token, gift', () => lookup(h, tokA(), { token: g.token })],
      ['lookup digits, gift', () => lookup(h, tokA(), { digits: g.digits })],
    ] as const;
    for (const [label, fn] of cases) {
      const m = await measure(label, fn);
      expect({ label, status: m.res.status, usable: m.res.body.usable }).toEqual({ label, status: 200, usable: true });
      expect(m.data.length + m.tx.length + m.session.length).toBeLessThanOrEqual(3);
      expect(m.tx).toEqual([]);
    }
    // the answers are complete: the scope list, the member's masked phone, the gift's worth (its price, 8.00)
    const full = await lookup(h, tokA(), { token: s.token });
    expect(full.body.coupon.storeIds).toEqual([storeA, storeB].sort((x, y) => x - y));
    expect(full.body.member.phoneMasked).toMatch(/^135\*{4}\d{4}$/);
    expect(full.body.discountFen).toBe(750);
    expect((await lookup(h, tokA(), { token: g.token })).body.discountFen).toBe(800);
  });

  it('confirm: ≤ 6 data statements in one transaction; a retry, a replay and a foreign code open none', async () => {
    const h = get();
    for (const [label, templateId, by] of [
      ['confirm token, scoped', scoped, 'token'],
      ['confirm digits, scoped', scoped, 'digits'],
      ['confirm token, gift', gift, 'token'],
    ] as const) {
      const c = await holder(h, templateId);
      const requestNo = reqNo();
      const body = by === 'token' ? { token: c.token } : { digits: c.digits };
      const m = await measure(label, () => confirm(h, tokA(), { ...body, requestNo }));
      expect({ label, status: m.res.status }).toEqual({ label, status: 201 });
      expect(m.res.body.redemption.couponId).toBe(c.couponId);
      expect(m.data.length).toBeLessThanOrEqual(6);
      expect(m.tx.filter((q) => /^\s*(START TRANSACTION|BEGIN)/i.test(q))).toHaveLength(1);
      expect(m.tx.filter((q) => /^\s*COMMIT/i.test(q))).toHaveLength(1);

      // a retry of the same request after the code expired: the same redemption, read only
      h.clock.advance(120_000);
      const retry = await measure(`${label}: retry after expiry`, () => confirm(h, tokA(), { ...body, requestNo }));
      expect({ status: retry.res.status, id: retry.res.body.redemption?.id }).toEqual({ status: 201, id: m.res.body.redemption.id });
      expect(retry.data.length).toBeLessThanOrEqual(2);
      expect(retry.tx).toEqual([]);
      h.clock.set(start);
      // the same code, a new request: a replay, refused without a transaction
      const replay = await measure(`${label}: replay`, () => confirm(h, tokA(), body));
      expect({ status: replay.res.status, code: replay.res.body.code }).toEqual({ status: 410, code: 'COUPON_CODE_REPLAYED' });
      expect(replay.data.length).toBeLessThanOrEqual(2);
      expect(replay.tx).toEqual([]);
    }
    // another store's clerk, a genuine code of a coupon outside its scope: the forged-code answer, no transaction
    const x = await holder(h, onlyA);
    const foreign = await measure('confirm, coupon of another store', () => confirm(h, tokB(), { token: x.token }));
    expect({ status: foreign.res.status, code: foreign.res.body.code }).toEqual({ status: 404, code: 'COUPON_CODE_INVALID' });
    expect(foreign.data.length).toBeLessThanOrEqual(2);
    expect(foreign.tx).toEqual([]);
  });

  it('confirms arriving together share transactions, and each still gets its exact answer', async () => {
    const h = get();
    const n = 12;
    const voucher = (await makeTemplate(h, await marketerToken(h), { kind: 'voucher', thresholdFen: 0, amountOffFen: 500, title: '5元券' })).id;
    const holders = await bulkMembers(h, n);
    const coupons = await mapPool(holders, 4, async (m, i) => {
      const c = await claimCoupon(h.ctx, m.customerId, voucher, `stmt-group-${process.pid}-${i}`);
      return h.deps.db.read((em) => em.getRepository(Coupon).findOneByOrFail({ id: c.id }));
    });
    const secret = h.config.secrets.couponCodeSecret;
    const w = windowOf(h.clock.now());
    // per coupon: a confirm (a), its double tap (b: the same request again) and a confirm of the previous window's
    // code (c: another request, a code still fresh) — one of a/c wins; b always answers like a
    const calls = coupons.flatMap((c, i) => {
      const a = { token: makeToken(secret, c.id, c.code, w), requestNo: `grp-${process.pid}-${i}-a` };
      return [
        { i, kind: 'a', body: a },
        { i, kind: 'b', body: a },
        { i, kind: 'c', body: { token: makeToken(secret, c.id, c.code, w - 1), requestNo: `grp-${process.pid}-${i}-c` } },
      ];
    });
    const clerk = tokA();
    const { result: answers, count } = await counter.during(() =>
      mapPool(calls, calls.length, async (call) => {
        const res = await fetch(`${h.baseUrl}/api/clerk/redemptions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${clerk}` },
          body: JSON.stringify({ ...call.body, orderAmountFen: 1_000 }),
        });
        return { i: call.i, kind: call.kind, requestNo: call.body.requestNo, status: res.status, body: (await res.json()) as any };
      }),
    );
    const rows = await h.deps.db.read((em) => em.getRepository(Redemption).findBy({ storeId: storeA }));
    const events = await h.deps.db.read((em) => em.getRepository(OutboxEvent).findBy({ type: 'coupon.redeemed' }));
    for (const [i, c] of coupons.entries()) {
      const mine = answers.filter((x) => x.i === i);
      const [a, b, cc] = ['a', 'b', 'c'].map((k) => mine.find((x) => x.kind === k)!);
      const row = rows.filter((r) => r.couponId === c.id);
      expect(row).toHaveLength(1);
      const winner = a.status === 201 ? a : cc;
      const loser = a.status === 201 ? cc : a;
      // the answer is the row: id, coupon, clerk, the request it was made for
      expect({ status: winner.status, id: winner.body.redemption?.id, couponId: winner.body.redemption?.couponId }).toEqual({ status: 201, id: row[0].id, couponId: c.id });
      expect(row[0].requestNo).toBe(winner.requestNo);
      expect({ status: loser.status, code: loser.body.code }).toEqual({ status: 409, code: 'COUPON_ALREADY_REDEEMED' });
      expect({ status: b.status, id: b.body.redemption?.id, code: b.body.code }).toEqual(a.status === 201 ? { status: 201, id: row[0].id, code: undefined } : { status: 409, id: undefined, code: 'COUPON_ALREADY_REDEEMED' });
      expect(events.filter((e) => JSON.parse(e.payload).redemptionId === row[0].id)).toHaveLength(1);
    }
    const begun = count.tx.filter((q) => /^\s*(START TRANSACTION|BEGIN)/i.test(q)).length;
    figures[`${calls.length} confirms at once (${n} redemptions)`] = `${count.data.length} + ${count.tx.length}: ${begun} transactions`;
  });
});
