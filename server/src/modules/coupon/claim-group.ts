import { In, type EntityManager } from 'typeorm';
import type { Ctx } from '../../context';
import { DEFER, committerFor, type Deferred } from '../../db/group-commit';
import { inList, insertIgnore, sqlTime } from '../../db/raw-sql';
import { COUPON_COLUMNS } from './batch-issue.service';
import { CouponTemplate } from './coupon-template.entity';
import { storeScopes } from './coupon-view';
import { newCouponCode } from './coupon-code';
import { takeStock } from './stock';
import { validityAt } from './validity';

export interface ClaimItem {
  customerId: number;
  templateId: number;
  /** The claim's Idempotency-Key: the coupon's source_ref under source 'claim'. */
  key: string;
}

/** A claim issued by its group, with what its view needs (the template's store scope read once per group). */
export type ClaimDone = { kind: 'done'; couponId: number; template: CouponTemplate; storeIds: number[]; validFrom: Date; validTo: Date };

/**
 * Claims of the same templates that arrive together, issued in ONE transaction (group commit). A flash claim is
 * thousands of members on one template: one-by-one, every claim waits its turn at the template's stock row and
 * pays its own commit; here a group takes its stock by one conditional update.
 *
 * Only the plain case is done here: the first claim of a (template, customer) in the group, on a template that is
 * active, claimable, not ended and (by a plain read) has stock for the whole group, whose coupon row lands in slot
 * 1 under a key never used before. Everything else — a repeated Idempotency-Key, a key reused for another template,
 * a member's second coupon of a template, a template short of stock or not claimable — is returned as DEFER and
 * goes through the one-by-one `claimCoupon` path, which gives the exact answer; the rare paths keep one
 * implementation.
 *
 * Invariants (the same as `issueCoupon`, each held by the database):
 *  - stock: after the rows are in, `issued_count = issued_count + n WHERE status = 'active' AND (total_stock IS NULL
 *    OR issued_count + n <= total_stock)` for exactly the n rows inserted; if it misses (a concurrent claim took the
 *    last units), the group throws and rolls back, and every member retries one by one;
 *  - per-customer limit and idempotency: rows go in by INSERT IGNORE under UNIQUE(template, customer, slot) and
 *    UNIQUE(customer, source, sourceRef); a row the keys refused is simply not there, and its claim is deferred;
 *  - which rows landed is read back by their random codes and checked against customer and key, so a (vanishing)
 *    code clash is a refusal, never someone else's coupon.
 */
export async function claimGroup(ctx: Ctx, tx: EntityManager, items: readonly ClaimItem[], now: Date): Promise<(ClaimDone | Deferred)[]> {
  const results: (ClaimDone | Deferred)[] = items.map(() => DEFER);
  const firstOf = new Map<string, number>(); // "template:customer" → item index; later ones one by one
  items.forEach((it, i) => {
    const k = `${it.templateId}:${it.customerId}`;
    if (!firstOf.has(k)) firstOf.set(k, i);
  });
  const templateIds = [...new Set(items.map((it) => it.templateId))].sort((a, b) => a - b);
  const templates = await tx.getRepository(CouponTemplate).find({ where: { id: In(templateIds) }, order: { id: 'ASC' } });

  // Templates in id order: two groups never take two stock rows in opposite orders.
  for (const t of templates) {
    const members = [...firstOf.values()].filter((i) => items[i].templateId === t.id);
    if (!claimableFor(t, members.length, now)) continue;
    const { validFrom, validTo } = validityAt(t, now);
    const rows = members.map((i) => ({ i, code: newCouponCode() }));
    const inserted = await insertIgnore(
      tx,
      ctx.db.dialect,
      'coupon',
      COUPON_COLUMNS,
      rows.map(({ i, code }) => [code, t.id, items[i].customerId, 'issued', 'claim', items[i].key, 1, sqlTime(validFrom), sqlTime(validTo), sqlTime(now)]),
    );
    if (inserted === 0) continue;

    const codes = rows.map((r) => r.code);
    const found: { id: number; code: string; customer_id: number; source_ref: string }[] = await tx.query(
      `SELECT id, code, customer_id, source_ref FROM coupon WHERE code IN ${inList(codes)}`,
      codes,
    );
    const byCode = new Map(found.map((f) => [f.code, f]));
    const landed = rows.flatMap(({ i, code }) => {
      const f = byCode.get(code);
      return f && Number(f.customer_id) === items[i].customerId && f.source_ref === items[i].key ? [{ i, id: Number(f.id) }] : [];
    });
    if (landed.length !== inserted) throw new Error(`claim group: ${inserted} rows inserted, ${landed.length} found by code`);

    if (!(await takeStock(tx, t.id, inserted))) throw new Error(`claim group: stock of template ${t.id} moved under the group`);
    const storeIds = (await storeScopes(tx, [t])).get(t.id) ?? [];
    for (const { i, id } of landed) results[i] = { kind: 'done', couponId: id, template: t, storeIds, validFrom, validTo };
  }
  return results;
}

/** By the plain read: can the whole group be issued from this template now? (The conditional update decides.) */
function claimableFor(t: CouponTemplate, n: number, now: Date): boolean {
  if (t.status !== 'active' || !t.claimable) return false;
  if (t.validTo && t.validTo.getTime() < now.getTime()) return false;
  return t.totalStock === null || t.issuedCount + n <= t.totalStock;
}

/** The process's claim grouper: up to 64 claims a group, two groups in flight. */
export const claimGrouper = committerFor({ name: 'claim group', maxGroup: 64, parallel: 2 }, claimGroup);
