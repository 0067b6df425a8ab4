import type { EntityManager } from 'typeorm';
import type { Ctx } from '../../context';
import { chunks, inList, insertIgnore, sqlTime } from '../../db/raw-sql';
import { CouponTemplate } from './coupon-template.entity';
import { newCouponCode } from './coupon-code';
import { giveBackStock, takeStock } from './stock';
import { validityAt } from './validity';

export interface BatchIssueCmd {
  templateId: number;
  /** Distinct customer ids. */
  customerIds: number[];
  source: 'campaign' | 'clerk';
  /** With customer and source, each grant's idempotency key (`cmp<campaignId>`): a repeat batch grants nothing new. */
  sourceRef: string;
  now: Date;
}

export interface BatchIssueResult {
  /** customer → coupon id: issued now, or granted earlier under the same key. */
  coupons: Map<number, number>;
  /** Coupons created by this call (the template's issued_count moved by exactly this much). */
  created: number;
  outOfStock: number[];
  /** The customer already holds perCustomerLimit coupons of the template. */
  limitReached: number[];
  /** The template is missing, not active, or past its end: nobody got one. */
  notActive: number[];
}

/**
 * Issues one template to many customers inside the CALLER's transaction — the fan-out path of campaigns and clerk
 * offers. Per-recipient `issueCoupon` serialises on the template's stock row (~2.5k/s here, research/limits.md
 * §2b+); this takes the stock for the whole batch in one statement. Same invariants as `issueCoupon`, each held by
 * the database:
 *  - stock: `issued_count = issued_count + n WHERE status = 'active' AND (total_stock IS NULL OR issued_count + n
 *    <= total_stock)`; if fewer than n are left, the row is locked and exactly the remainder is taken; whatever
 *    the inserts below did not use is given back before the caller commits, so at commit issued_count still equals
 *    the number of coupon rows (CHECK issued_count <= total_stock as the last guard). The customers beyond the
 *    stock (in the order given) are returned as `outOfStock`;
 *  - per-customer limit: each row takes the customer's lowest free slot under UNIQUE(template, customer, slot);
 *  - idempotency: UNIQUE(customer, source, sourceRef); rows are inserted with INSERT IGNORE, the number of rows
 *    really inserted (affected rows) is what the stock keeps, and the coupons are read back by that key;
 *  - validity and status as `issueCoupon`: an inactive or ended template issues nothing; validity from the template
 *    at `now`; store and category scope live on the template and are checked at redemption.
 */
export async function issueCouponBatch(ctx: Ctx, tx: EntityManager, cmd: BatchIssueCmd): Promise<BatchIssueResult> {
  const dialect = ctx.db.dialect;
  const { templateId, source, sourceRef, now } = cmd;
  const result: BatchIssueResult = { coupons: new Map(), created: 0, outOfStock: [], limitReached: [], notActive: [] };
  if (cmd.customerIds.length === 0) return result;

  for (const [customerId, couponId] of await grantedBefore(tx, cmd.customerIds, source, sourceRef)) result.coupons.set(customerId, couponId);
  const fresh = cmd.customerIds.filter((id) => !result.coupons.has(id));
  if (fresh.length === 0) return result;

  const t = await tx.getRepository(CouponTemplate).findOneBy({ id: templateId });
  if (!t || t.status !== 'active' || (t.validTo && t.validTo.getTime() < now.getTime())) {
    result.notActive = fresh;
    return result;
  }

  let slots = await freeSlots(tx, templateId, fresh, t.perCustomerLimit);
  const eligible = fresh.filter((id) => slots.has(id));
  result.limitReached = fresh.filter((id) => !slots.has(id));
  if (eligible.length === 0) return result;

  const take = await reserveStock(ctx, tx, templateId, eligible.length);
  if (take === null) {
    result.notActive = eligible;
    return result;
  }
  const assigned = eligible.slice(0, take);
  result.outOfStock = eligible.slice(take);

  const { validFrom, validTo } = validityAt(t, now);
  let pending = assigned;
  // Two rounds: a slot taken by a concurrent claim (or, vanishingly, a code clash) is retried once with fresh slots.
  for (let round = 0; round < 2 && pending.length > 0; round++) {
    if (round > 0) slots = await freeSlots(tx, templateId, pending, t.perCustomerLimit);
    const rows = pending
      .filter((id) => slots.has(id))
      .map((customerId) => [newCouponCode(), templateId, customerId, 'issued', source, sourceRef, slots.get(customerId)!, sqlTime(validFrom), sqlTime(validTo), sqlTime(now)]);
    result.created += await insertIgnore(tx, dialect, 'coupon', COUPON_COLUMNS, rows);
    for (const [customerId, couponId] of await grantedBefore(tx, pending, source, sourceRef)) result.coupons.set(customerId, couponId);
    pending = pending.filter((id) => !result.coupons.has(id));
  }
  result.limitReached.push(...pending);

  // Give back what was reserved and not inserted (limit clashes, or rows another transaction inserted first).
  const unused = take - result.created;
  if (unused > 0) {
    await giveBackStock(tx, templateId, unused);
  }
  return result;
}

export const COUPON_COLUMNS = ['code', 'template_id', 'customer_id', 'status', 'source', 'source_ref', 'claim_slot', 'valid_from', 'valid_to', 'issued_at'];

/**
 * Takes up to `n` from the template's stock: all n by one conditional update, else (fewer left) the remainder under
 * the row lock. Returns how many were taken, or null when the template is no longer active.
 */
async function reserveStock(ctx: Ctx, tx: EntityManager, templateId: number, n: number): Promise<number | null> {
  if (await takeStock(tx, templateId, n)) return n;
  const row = await ctx.db
    .forUpdate(tx.getRepository(CouponTemplate).createQueryBuilder('t').select(['t.id', 't.status', 't.totalStock', 't.issuedCount']).where('t.id = :templateId', { templateId }))
    .getOne();
  if (!row || row.status !== 'active') return null;
  const left = row.totalStock === null ? n : Math.max(0, Math.min(n, row.totalStock - row.issuedCount));
  if (left === 0) return 0;
  if (!(await takeStock(tx, templateId, left))) throw new Error('stock row changed under its lock');
  return left;
}

/** The lowest free claim slot (1..limit) of each customer that has one. */
async function freeSlots(tx: EntityManager, templateId: number, customerIds: number[], limit: number): Promise<Map<number, number>> {
  const held = new Map<number, Set<number>>();
  for (const part of chunks(customerIds, 1000)) {
    const rows: { customer_id: number; claim_slot: number }[] = await tx.query(
      `SELECT customer_id, claim_slot FROM coupon WHERE template_id = ? AND customer_id IN ${inList(part)}`,
      [templateId, ...part],
    );
    for (const r of rows) {
      const s = held.get(Number(r.customer_id)) ?? new Set<number>();
      s.add(Number(r.claim_slot));
      held.set(Number(r.customer_id), s);
    }
  }
  const out = new Map<number, number>();
  for (const id of customerIds) {
    const taken = held.get(id);
    let slot = 1;
    while (taken?.has(slot)) slot++;
    if (slot <= limit) out.set(id, slot);
  }
  return out;
}

/** Coupons already granted under (customer, source, sourceRef), by the unique key's index. */
async function grantedBefore(tx: EntityManager, customerIds: number[], source: string, sourceRef: string): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const part of chunks(customerIds, 1000)) {
    const rows: { id: number; customer_id: number }[] = await tx.query(
      `SELECT id, customer_id FROM coupon WHERE customer_id IN ${inList(part)} AND source = ? AND source_ref = ?`,
      [...part, source, sourceRef],
    );
    for (const r of rows) out.set(Number(r.customer_id), Number(r.id));
  }
  return out;
}
