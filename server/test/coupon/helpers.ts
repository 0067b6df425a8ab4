import crypto from 'node:crypto';
import type { Harness } from '../helpers/harness';
import { bearer, idemKey } from '../helpers/flows';
import { makeStaff, staffToken } from '../helpers/fixtures';
import { Customer } from '../../src/modules/customer/customer.entity';

/** A console (marketer) token for creating templates through the API. */
export async function marketerToken(h: Harness): Promise<string> {
  return staffToken(h, (await makeStaff(h, 'marketer')).staff.id);
}

/** POST /api/admin/coupon-templates; the template is active and claimable unless the body says otherwise. */
export async function makeTemplate(h: Harness, token: string, body: Record<string, unknown> = {}) {
  const res = await h.http
    .post('/api/admin/coupon-templates')
    .set(bearer(token))
    .send({ title: '满100减20', kind: 'amount_off', thresholdFen: 10_000, amountOffFen: 2_000, validDays: 7, status: 'active', claimable: true, ...body });
  if (res.status !== 201) throw new Error(`template ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.template as { id: number; issuedCount: number; totalStock: number | null };
}

let seq = 0;
/** Members inserted directly (fast), each with a consumer token: for concurrency tests of thousands of customers. */
export async function bulkMembers(h: Harness, n: number): Promise<{ customerId: number; token: string }[]> {
  const now = h.clock.now();
  const tag = crypto.randomBytes(4).toString('hex');
  const openids = Array.from({ length: n }, () => `o_bulk_${tag}_${++seq}`);
  await h.deps.db.transaction(async (tx) => {
    for (let i = 0; i < n; i += 500)
      await tx.createQueryBuilder().insert().into(Customer).values(openids.slice(i, i + 500).map((openid) => ({ openid, memberSince: now }))).updateEntity(false).execute();
  });
  const rows = await h.deps.db.read((em) => em.getRepository(Customer).createQueryBuilder('c').select(['c.id', 'c.openid']).where('c.openid LIKE :p', { p: `o_bulk_${tag}_%` }).getMany());
  return rows.map((c) => ({ customerId: c.id, token: h.deps.tokens.issue({ aud: 'app', sub: c.id }, 3600, now).token }));
}

export const claim = (h: Harness, token: string, templateId: number, key = idemKey()) =>
  h.http.post('/api/app/coupons/claim').set(bearer(token)).set('idempotency-key', key).send({ templateId });

/** SQL invariants of issuing: issued_count = coupons per template, never above stock, slots within the limit. */
export async function expectIssueInvariants(h: Harness) {
  const bad = await h.deps.db.read((em) =>
    em.query(`
      SELECT t.id, t.issued_count, t.total_stock, (SELECT COUNT(*) FROM coupon c WHERE c.template_id = t.id) AS n,
             (SELECT MAX(c.claim_slot) FROM coupon c WHERE c.template_id = t.id) AS max_slot, t.per_customer_limit
      FROM coupon_template t`),
  );
  for (const r of bad as { id: number; issued_count: number; total_stock: number | null; n: number | string; max_slot: number | null; per_customer_limit: number }[]) {
    expect({ id: r.id, n: Number(r.n) }).toEqual({ id: r.id, n: Number(r.issued_count) });
    if (r.total_stock !== null) expect(Number(r.issued_count)).toBeLessThanOrEqual(Number(r.total_stock));
    if (r.max_slot !== null) expect(Number(r.max_slot)).toBeLessThanOrEqual(Number(r.per_customer_limit));
  }
}
