import { In } from 'typeorm';
import { describeEachDb } from '../helpers/harness';
import { bearer } from '../helpers/flows';
import { bulkMembers, claim, makeTemplate, marketerToken } from './helpers';
import { expireCoupons } from '../../src/modules/coupon/expiry.service';
import { Coupon } from '../../src/modules/coupon/coupon.entity';

describeEachDb('coupon expiry job', (get) => {
  it('marks lapsed issued coupons expired, leaves valid and used ones, and is idempotent', async () => {
    const h = get();
    const token = await marketerToken(h);
    const short = await makeTemplate(h, token, { validDays: 1 });
    const long = await makeTemplate(h, token, { validDays: 30 });
    const members = await bulkMembers(h, 3);
    const ids: number[] = [];
    for (const m of members) for (const t of [short, long]) ids.push((await claim(h, m.token, t.id)).body.coupon.id);
    // one short coupon is used up in an order-like way: its status is not `issued`, so the job must leave it
    await h.deps.db.transaction((tx) => tx.getRepository(Coupon).update({ id: ids[0] }, { status: 'redeemed', redeemedAt: h.clock.now() }));

    h.clock.advance(2 * 24 * 3600_000);
    expect(await expireCoupons(h.ctx, 1)).toBe(2); // batches of one: the loop keeps going
    expect(await expireCoupons(h.ctx)).toBe(0);
    const rows = await h.deps.db.read((em) => em.getRepository(Coupon).findBy({ id: In(ids) }));
    const status = Object.fromEntries(rows.map((c) => [c.id, c.status]));
    expect(ids.map((id) => status[id])).toEqual(['redeemed', 'issued', 'expired', 'issued', 'expired', 'issued']);
    const fresh = h.deps.tokens.issue({ aud: 'app', sub: members[1].customerId }, 3600, h.clock.now()).token; // two days later
    const wallet = await h.http.get('/api/app/coupons?status=expired').set(bearer(fresh));
    expect(wallet.status).toBe(200);
    expect(wallet.body.items.map((c: { id: number }) => c.id)).toEqual([ids[2]]);
  });
});
