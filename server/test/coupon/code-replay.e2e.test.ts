import fc from 'fast-check';
import { describeEachDb } from '../helpers/harness';
import { bearer } from '../helpers/flows';
import { makeStaff, makeStore, staffToken } from '../helpers/fixtures';
import { CODE_WINDOW_MS, MAX_SKEW_MS, windowOf, windowVerdict } from '../../src/modules/coupon/coupon-code';
import { claimCoupon } from '../../src/modules/coupon/issue.service';
import { bulkMembers, makeTemplate, marketerToken } from './helpers';

/**
 * The rotating-code property end to end (real tables, real HTTP): over random (issue time, age, skew), the first
 * presentation is accepted exactly when the pure window rule says fresh, and 100 % of expired and replayed
 * presentations are refused — including a replay after the redemption was reversed (the code stays used).
 */
describeEachDb('rotating codes end to end: no false reject, every expired or replayed code refused', (get) => {
  it('property over (issue time, age, skew)', async () => {
    const h = get();
    const storeId = (await makeStore(h)).id;
    const clerkId = (await makeStaff(h, 'clerk', storeId)).staff.id;
    const templateId = (await makeTemplate(h, await marketerToken(h), { kind: 'voucher', thresholdFen: 0, amountOffFen: 300, perCustomerLimit: 100, validDays: 30 })).id;
    const runs = 25;
    const [m] = await bulkMembers(h, 1);
    const base = h.clock.now().getTime();
    let n = 0;
    const outcomes = { accepted: 0, expired: 0, replayed: 0 };
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3_600_000 }), fc.integer({ min: 0, max: 3 * CODE_WINDOW_MS }), fc.integer({ min: -MAX_SKEW_MS, max: MAX_SKEW_MS }), async (offset, age, skew) => {
        const seq = ++n;
        const issueAt = base + seq * 4 * 3_600_000 + offset; // every run on fresh windows
        h.clock.set(new Date(issueAt));
        const token = h.deps.tokens.issue({ aud: 'app', sub: m.customerId }, 3600, h.clock.now()).token;
        const c = await claimCoupon(h.ctx, m.customerId, templateId, `prop-${seq}-${issueAt}`);
        const code = (await h.http.get(`/api/app/coupons/${c.id}/code`).set(bearer(token))).body as { token: string; digits: string };
        // the verifying server's clock: `age` later, off by `skew`
        const verifyAt = issueAt + age + skew;
        // (not before the issue instant: the coupon itself only became valid then)
        h.clock.set(new Date(Math.max(issueAt, verifyAt)));
        const clerk = staffToken(h, clerkId);
        const body = seq % 2 ? { token: code.token } : { digits: code.digits };
        const first = await h.http.post('/api/clerk/redemptions').set(bearer(clerk)).send({ ...body, orderAmountFen: 1_000, requestNo: `prop-${seq}-a` });
        const expected = windowVerdict(windowOf(issueAt), h.clock.now());
        // no false reject while the code is young (within 30 s less the clock difference)
        if (age <= CODE_WINDOW_MS - Math.abs(skew)) expect(first.status).toBe(201);
        if (expected === 'fresh') {
          expect(first.status).toBe(201);
          outcomes.accepted++;
          const replay = await h.http.post('/api/clerk/redemptions').set(bearer(clerk)).send({ ...body, orderAmountFen: 1_000, requestNo: `prop-${seq}-b` });
          expect({ status: replay.status, code: replay.body.code }).toEqual({ status: 410, code: 'COUPON_CODE_REPLAYED' });
          // reversed: the coupon is usable again, but this code is not
          const rev = await h.http.post(`/api/clerk/redemptions/${first.body.redemption.id}/reverse`).set(bearer(clerk)).send({ reason: 'prop' });
          expect(rev.status).toBe(200);
          const again = await h.http.post('/api/clerk/redemptions').set(bearer(clerk)).send({ ...body, orderAmountFen: 1_000, requestNo: `prop-${seq}-c` });
          expect(again.body.code).toBe('COUPON_CODE_REPLAYED');
          outcomes.replayed += 2;
        } else {
          expect({ status: first.status, code: first.body.code }).toEqual({ status: 410, code: 'COUPON_CODE_EXPIRED' });
          outcomes.expired++;
        }
      }),
      { numRuns: runs },
    );
    expect(outcomes.accepted + outcomes.expired).toBe(runs);
  }, 60_000);
});
