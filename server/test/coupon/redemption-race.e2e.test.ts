import crypto from 'node:crypto';
import { describeEachDb } from '../helpers/harness';
import { makeStaff, makeStore, staffToken } from '../helpers/fixtures';
import { mapPool } from '../helpers/pool';
import { Redemption } from '../../src/modules/coupon/redemption.entity';
import { claimCoupon } from '../../src/modules/coupon/issue.service';
import { couponCode } from '../../src/modules/coupon/wallet.service';
import { OutboxEvent } from '../../src/events/outbox-event.entity';
import { bulkMembers, expectIssueInvariants, makeTemplate, marketerToken } from './helpers';

/**
 * The must-show race: every coupon presented at once to many clerk sessions (each a different clerk of the store),
 * over many coupons. Exactly one redemption per coupon; every other attempt a clean 4xx refusal (the coupon already
 * used, or the code already used) — never a 5xx, never a second redemption. MariaDB: 50 sessions × 1,000 coupons
 * = 50,000 HTTP calls over keep-alive to the harness's listening server (supertest opens a socket per call).
 */
describeEachDb('the same coupon redeemed concurrently from many clerk sessions', (get) => {
  it('exactly one redemption per coupon; all other attempts refused cleanly; SQL invariants hold', async () => {
    const h = get();
    const [clerks, coupons, inFlight] = h.target === 'mysql' ? [50, 1_000, 50] : [10, 50, 10];
    const storeId = (await makeStore(h)).id;
    const templateId = (await makeTemplate(h, await marketerToken(h), { kind: 'voucher', thresholdFen: 0, amountOffFen: 500, title: '5元券' })).id;
    const sessions = await mapPool(Array.from({ length: clerks }), 10, async () => staffToken(h, (await makeStaff(h, 'clerk', storeId)).staff.id));
    const holders = await bulkMembers(h, coupons);
    // issued and shown through the same use cases the API calls (the HTTP budget goes to the race itself)
    const codes = await mapPool(holders, 16, async (m, i) => {
      const c = await claimCoupon(h.ctx, m.customerId, templateId, `race-${i}-${crypto.randomBytes(4).toString('hex')}`);
      return { couponId: c.id, code: await couponCode(h.ctx, m.customerId, c.id) };
    });

    // attempts of one coupon are adjacent, so its `clerks` attempts are in flight together
    const attempts = codes.flatMap((c, i) => sessions.map((s, j) => ({ s, body: (i + j) % 2 ? { token: c.code.token } : { digits: c.code.digits } })));
    let n = 0;
    const started = Date.now();
    const results = await mapPool(attempts, inFlight, async ({ s, body }) => {
      const res = await fetch(`${h.baseUrl}/api/clerk/redemptions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${s}` },
        body: JSON.stringify({ ...body, orderAmountFen: 1_000, requestNo: `race-${++n}` }),
      });
      const json = (await res.json()) as { code?: string };
      return `${res.status} ${json.code ?? ''}`.trim();
    });
    const ms = Date.now() - started;
    const tally: Record<string, number> = {};
    for (const r of results) tally[r] = (tally[r] ?? 0) + 1;
    expect(tally['201']).toBe(coupons);
    for (const key of Object.keys(tally)) expect(['201', '409 COUPON_ALREADY_REDEEMED', '410 COUPON_CODE_REPLAYED']).toContain(key);
    expect(results.length - tally['201']).toBe(coupons * (clerks - 1));

    const ids = codes.map((c) => c.couponId);
    const q = (sql: string, params: unknown[] = []) => h.deps.db.read((em) => em.query(sql, params)) as Promise<Record<string, unknown>[]>;
    const inList = ids.join(',');
    expect(await q(`SELECT coupon_id FROM redemption WHERE coupon_id IN (${inList}) GROUP BY coupon_id HAVING COUNT(*) <> 1`)).toEqual([]);
    expect(Number((await q(`SELECT COUNT(*) AS n FROM redemption WHERE coupon_id IN (${inList})`))[0].n)).toBe(coupons);
    expect(await q(`SELECT id FROM coupon WHERE id IN (${inList}) AND status <> 'redeemed'`)).toEqual([]);
    // every redeemed coupon agrees with its redemption row (store, clerk) and its code window is recorded once
    expect(
      await q(`SELECT c.id FROM coupon c JOIN redemption r ON r.coupon_id = c.id WHERE c.id IN (${inList}) AND (c.redeemed_store_id <> r.store_id OR c.redeemed_clerk_id <> r.clerk_id)`),
    ).toEqual([]);
    expect(Number((await q(`SELECT COUNT(*) AS n FROM coupon_code_use WHERE coupon_id IN (${inList})`))[0].n)).toBe(coupons);
    const events = await h.deps.db.read((em) => em.getRepository(OutboxEvent).findBy({ type: 'coupon.redeemed' }));
    expect(events.filter((e) => ids.includes(JSON.parse(e.payload).couponId))).toHaveLength(coupons);
    expect(await h.deps.db.read((em) => em.getRepository(Redemption).countBy({ storeId }))).toBe(coupons);
    await expectIssueInvariants(h);
    console.log(`[${h.target}] ${coupons} coupons × ${clerks} clerk sessions: ${tally['201']} redemptions, ${results.length - tally['201']} refusals ${JSON.stringify(tally)}, ${ms} ms (${Math.round((results.length * 1000) / ms)} calls/s)`);
  }, 600_000);
});
