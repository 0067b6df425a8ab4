import crypto from 'node:crypto';
import { priceOrder, type PricingLine } from '@o2o/shared';
import { createHarness, dbTargets, type Harness } from '../helpers/harness';
import { makeStore } from '../helpers/fixtures';
import { mapPool } from '../helpers/pool';
import { makeProduct } from '../helpers/fixtures';
import { Customer } from '../../src/modules/customer/customer.entity';
import { mainlandPhoneHash } from '../../src/modules/customer/customer-view';
import { issueMemberCode } from '../../src/modules/sale/member-code';
import type { SaleActor } from '../../src/modules/sale/sale-actor';
import { commitSale } from '../../src/modules/sale/sale.service';
import { givingProduct, posTill } from './sale-fixtures';

/**
 * The issue's concurrency must-shows, on MariaDB (real row locks, many connections; SQLite runs one transaction at a
 * time, so it could not show a race). The use cases are called directly: what is under test is the database's
 * arbitration (the customer row lock, UNIQUE sale_key, the member_code_use primary key), not HTTP.
 */
if (dbTargets().includes('mysql')) {
  describe('the store counter under concurrency [mysql]', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness('mysql', { now: new Date('2026-05-22T04:00:05.000Z'), env: { DB_POOL_SIZE: '24' } });
    });
    afterAll(async () => {
      await h?.close();
    });

    it('50 tills × 200 sales, every commit sent 5 times at once → exactly 10,000 sales; every balance = its ledger = the expected points', async () => {
      const [TILLS, SALES, COPIES, PER_TILL] = [50, 200, 5, 10];
      const INITIAL = 100_000;
      const stores = await mapPool(Array.from({ length: TILLS }), 8, async () => (await makeStore(h)).id);
      const plain = await makeProduct(h, { priceFen: 1_234 });
      const snack = await makeProduct(h, { priceFen: 250, memberPriceFen: 190, memberPoints: 6 });
      const giving = await givingProduct(h, { priceFen: 1_200, memberPriceFen: 990, given: 5 });
      const catalogue: PricingLine[] = [
        { sku: plain.sku, quantity: 0, categoryId: plain.categoryId, priceFen: 1_234, memberPriceFen: null, memberPoints: null },
        { sku: snack.sku, quantity: 0, categoryId: snack.categoryId, priceFen: 250, memberPriceFen: 190, memberPoints: 6 },
        { sku: giving.sku, quantity: 0, categoryId: giving.categoryId, priceFen: 1_200, memberPriceFen: 990, memberPoints: null, memberPointsGiven: 5 },
      ];
      const customers = await membersWithPhones(h, TILLS * PER_TILL, INITIAL);
      // half the tills are POS terminals, half clerk cashiers (staff ids are only recorded)
      const tills: SaleActor[] = stores.map((storeId, i) => (i % 2 ? posTill(storeId, 10_000 + i) : { channel: 'clerk', storeId, staffId: 20_000 + i, terminalId: null }));

      // The sales and what each must do to its customer's points, from the pure pricing (big balances: no limit binds).
      const rules = h.config.rules;
      const expected = new Map<number, number>(customers.map((c) => [c.id, INITIAL]));
      let expectedPayable = 0;
      const rnd = prng(20_260_522);
      const plan = tills.map((till, i) =>
        Array.from({ length: SALES }, (_, j) => {
          const who = customers[i * PER_TILL + (j % PER_TILL)];
          const items = catalogue.filter(() => rnd() < 0.6).map((l) => ({ ...l, quantity: 1 + Math.floor(rnd() * 4) }));
          if (items.length === 0) items.push({ ...catalogue[0], quantity: 1 });
          let usePoints = [0, 0, 3, 10][Math.floor(rnd() * 4)];
          const price = (u: number) => priceOrder({ lines: items, isMember: true, pointValueFen: rules.pointValueFen, pointsBalance: INITIAL, usePoints: u, maxPointsOffsetPercent: rules.pointsMaxOffsetPercent });
          let priced = price(usePoints);
          if (!priced.ok) priced = price((usePoints = 0));
          if (!priced.ok) throw new Error(JSON.stringify(priced.problem));
          const earned = Math.floor((priced.order.payableFen * rules.pointsPerYuan) / 100) + priced.order.pointsGiven;
          expected.set(who.id, (expected.get(who.id) as number) - priced.order.pointsUsed + earned);
          expectedPayable += priced.order.payableFen;
          return { till, body: { phone: who.phone, items: items.map((l) => ({ sku: l.sku, quantity: l.quantity })), usePoints, receiptNo: `T${i}-${j}` } };
        }),
      );

      const started = Date.now();
      let disagreements = 0;
      await Promise.all(
        plan.map(async (sales) => {
          for (const s of sales) {
            const copies = await Promise.all(Array.from({ length: COPIES }, () => commitSale(h.ctx, s.till, s.body)));
            if (new Set(copies.map((c) => c.id)).size !== 1) disagreements++;
          }
        }),
      );
      const ms = Date.now() - started;
      expect(disagreements).toBe(0);

      const q = async (sql: string, params: unknown[] = []) => (await h.deps.db.read((em) => em.query(sql, params))) as Record<string, unknown>[];
      const storeList = stores.join(',');
      const [totals] = await q(`SELECT COUNT(*) AS n, COUNT(DISTINCT sale_key) AS k, SUM(payable_fen) AS paid FROM orders WHERE store_id IN (${storeList})`);
      expect([Number(totals.n), Number(totals.k), Number(totals.paid)]).toEqual([TILLS * SALES, TILLS * SALES, expectedPayable]);
      const ids = customers.map((c) => c.id).join(',');
      const rows = await q(`SELECT c.id, c.points_balance AS balance, c.order_count AS orders, (SELECT SUM(l.delta) FROM points_ledger l WHERE l.customer_id = c.id) AS ledger FROM customer c WHERE c.id IN (${ids})`);
      const wrong = rows.filter((r) => Number(r.balance) !== Number(r.ledger) || Number(r.balance) !== expected.get(Number(r.id)) || Number(r.orders) !== SALES / PER_TILL);
      expect(wrong).toEqual([]);
      const [paidEvents] = await q(`SELECT COUNT(*) AS n FROM outbox_event WHERE type = 'order.paid'`);
      expect(Number(paidEvents.n)).toBe(TILLS * SALES);
      console.log(`[mysql] ${TILLS} tills × ${SALES} sales × ${COPIES} copies: ${TILLS * SALES * COPIES} commits in ${ms} ms (${Math.round((TILLS * SALES * 1000) / ms)} sales/s)`);
    }, 600_000);

    it('one member code raced by 20 tills → exactly one sale, the other 19 MEMBER_CODE_USED (25 codes at once)', async () => {
      const stores = await mapPool(Array.from({ length: 20 }), 8, async () => (await makeStore(h)).id);
      const sku = (await makeProduct(h, { priceFen: 800, memberPriceFen: 700 })).sku;
      const members = await membersWithPhones(h, 25, 1_000);
      const tills = stores.map((storeId, i) => posTill(storeId, 30_000 + i));
      const outcomes = await Promise.all(
        members.map(async (m) => {
          const { digits } = await issueMemberCode(h.ctx, m.id);
          const results = await Promise.allSettled(tills.map((till, i) => commitSale(h.ctx, till, { memberCode: digits, items: [{ sku, quantity: 2 }], receiptNo: `C${m.id}-${i}` })));
          return {
            ok: results.filter((r) => r.status === 'fulfilled').length,
            refusals: results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string }).code ?? String(r.reason)] : [])),
          };
        }),
      );
      for (const o of outcomes) {
        expect(o.ok).toBe(1);
        expect(o.refusals).toEqual(Array(19).fill('MEMBER_CODE_USED'));
      }
      const ids = members.map((m) => m.id).join(',');
      const rows = (await h.deps.db.read((em) =>
        em.query(
          `SELECT c.id, c.points_balance AS balance, (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) AS sales, (SELECT COUNT(*) FROM member_code_use u WHERE u.customer_id = c.id) AS uses, ` +
            `(SELECT SUM(l.delta) FROM points_ledger l WHERE l.customer_id = c.id) AS ledger FROM customer c WHERE c.id IN (${ids})`,
        ),
      )) as Record<string, unknown>[];
      // 2 × 7.00 at the member price: 14 points earned, nothing spent
      expect(rows.map((r) => [Number(r.sales), Number(r.uses), Number(r.balance), Number(r.ledger)])).toEqual(Array(25).fill([1, 1, 1_014, 1_014]));
    }, 120_000);
  });
}

/** Members inserted directly (fast) with a phone's blind index (found by phone at the till) and an opening balance in the ledger. */
async function membersWithPhones(h: Harness, n: number, balance: number): Promise<{ id: number; phone: string }[]> {
  const tag = crypto.randomBytes(4).toString('hex');
  const base = 15_000_000_000 + Math.floor(Math.random() * 900_000_000);
  const phones = Array.from({ length: n }, (_, i) => String(base + i));
  const now = h.clock.now();
  await h.deps.db.transaction(async (tx) => {
    await tx
      .createQueryBuilder()
      .insert()
      .into(Customer)
      .values(phones.map((p, i) => ({ openid: `o_race_${tag}_${i}`, memberSince: now, phoneHash: mainlandPhoneHash(h.ctx.pii, p), pointsBalance: balance })))
      .updateEntity(false)
      .execute();
    await tx.query(
      `INSERT INTO points_ledger (customer_id, delta, reason, ref_type, ref_id, balance_after) SELECT id, ?, 'welcome', 'customer', CAST(id AS CHAR), ? FROM customer WHERE openid LIKE ?`,
      [balance, balance, `o_race_${tag}_%`],
    );
  });
  const rows = await h.deps.db.read((em) => em.getRepository(Customer).find({ where: phones.map((p) => ({ phoneHash: mainlandPhoneHash(h.ctx.pii, p) })), select: { id: true, phoneHash: true } }));
  const byHash = new Map(rows.map((r) => [r.phoneHash, r.id]));
  return phones.map((phone) => ({ id: byHash.get(mainlandPhoneHash(h.ctx.pii, phone)) as number, phone }));
}

/** mulberry32: a small seeded PRNG (the plan is the same every run). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
