import { windowStart, type RecomputeKind, type RecomputeResult } from '@o2o/shared';
import type { EntityManager } from 'typeorm';
import type { Ctx } from '../../context';
import { Category } from '../catalogue/category.entity';
import { Customer } from '../customer/customer.entity';
import { CustomerTag } from './customer-tag.entity';
import { ensureRuleTags, ruleTagSql, RFM_LETTERS, type RuleTagIds } from './rule-tags';
import { applyTagDiff, emitTagChanges, pairKey, TAG_BATCH, type CurrentTagRow, type TagChange, type TagInsert } from './tag-changes';

/**
 * Recomputing derived tags — lifecycle and RFM (source `rule`) and category preference (source `purchase`) —
 * for a range of customer ids in one transaction:
 *   1. lock the range's customer rows and read their lifecycle/RFM bands in the same statement (set-based CASE);
 *   2. read the range's spend per preference tag in the window (one grouped query) and keep each customer's top K;
 *   3. read the range's current derived tag rows, diff, apply in batches, emit the changes.
 * The customer locks serialise this with every other tag writer of those customers (payment settlement and the
 * scan flow write the customer row first; bulk tagging locks the same rows), so the diff is exact and two
 * recomputes running at once leave exactly one lifecycle tag. Only rows this module owns are ever removed:
 * rule-group tags, and `purchase` rows — a `qr` or `manual` tag is never taken off here, even in a category.
 * Idempotent: a second run at the same instant changes nothing.
 */

export const ALL_KINDS: readonly RecomputeKind[] = ['lifecycle', 'rfm', 'preference'];

interface Range {
  lo: number;
  /** exclusive */
  hi: number;
}

export interface RangeOutcome extends RecomputeResult {
  changes: TagChange[];
}

/** Recomputes the given kinds for customers with lo ≤ id < hi. `tags` comes from ensureRuleTags (outside any transaction). */
export async function recomputeRange(ctx: Ctx, tags: RuleTagIds, range: Range, kinds: readonly RecomputeKind[], now: Date): Promise<RangeOutcome> {
  const categoryTagIds = kinds.includes('preference') ? await preferenceTagIds(ctx) : [];
  return ctx.db.transaction(async (tx) => {
    const customers = await lockAndBand(ctx, tx, range, now);
    if (customers.length === 0) return { customers: 0, added: 0, removed: 0, changes: [] };
    const desired = new Map<string, TagInsert>();
    const want = (customerId: number, tagId: number, source: 'rule' | 'purchase', sourceRef: string) =>
      desired.set(pairKey(customerId, tagId), { customerId, tagId, source, sourceRef });
    for (const c of customers) {
      if (kinds.includes('lifecycle')) want(c.id, tags.lifecycle[c.stage], 'rule', 'lifecycle');
      if (kinds.includes('rfm') && c.eligible) RFM_LETTERS.forEach((l, i) => want(c.id, tags.rfm[l][c.bands[i]! - 1]!, 'rule', 'rfm'));
    }
    if (kinds.includes('preference')) for (const [customerId, tagIds] of await topPreferences(ctx, tx, range, now)) for (const t of tagIds) want(customerId, t, 'purchase', 'preference');

    const owned = new Set<number>([...(kinds.includes('lifecycle') ? tags.lifecycleIds : []), ...(kinds.includes('rfm') ? tags.rfmIds : [])]);
    const current = await currentRows(tx, range, [...owned, ...categoryTagIds], kinds.includes('preference'));
    const present = new Set(current.map((r) => pairKey(r.customerId, r.tagId)));
    const add = [...desired.values()].filter((d) => !present.has(pairKey(d.customerId, d.tagId)));
    const removable = (r: CurrentTagRow) => owned.has(r.tagId) || (kinds.includes('preference') && r.source === 'purchase');
    const remove = current.filter((r) => removable(r) && !desired.has(pairKey(r.customerId, r.tagId)));
    const changes = await applyTagDiff(tx, add, remove, now);
    await emitTagChanges(tx, changes, now, { oneCustomer: range.hi - range.lo === 1 });
    return { customers: customers.length, added: add.length, removed: remove.length, changes };
  });
}

/**
 * One customer, on events (`order.paid`, `order.refunded`, a new fan's first scan): the same code path as the
 * schedule, on a range of one, so its change is announced as `customer.tags_changed`.
 */
export async function recomputeCustomerTags(ctx: Ctx, customerId: number, kinds: readonly RecomputeKind[] = ALL_KINDS, now = ctx.clock.now()): Promise<RangeOutcome> {
  const tags = await ensureRuleTags(ctx.db);
  return recomputeRange(ctx, tags, { lo: customerId, hi: customerId + 1 }, kinds, now);
}

/**
 * Every customer, in id ranges of `batch` (≤ 1,000): one transaction per range with a fixed number of statements,
 * so 1,000,000 customers are 1,000 short transactions and never a per-customer loop. Changes go out as
 * `tags.bulk_changed` per tag. `now` is fixed for the whole run so day boundaries are the same for every batch.
 */
export async function recomputeAllTags(ctx: Ctx, kinds: readonly RecomputeKind[] = ALL_KINDS, opts: { now?: Date; batch?: number; shouldStop?: () => boolean } = {}): Promise<RecomputeResult> {
  const now = opts.now ?? ctx.clock.now();
  const batch = Math.min(opts.batch ?? TAG_BATCH, TAG_BATCH);
  const tags = await ensureRuleTags(ctx.db);
  const bounds: { lo: number | null; hi: number | null }[] = await ctx.db.read((em) =>
    em.getRepository(Customer).createQueryBuilder('c').select('MIN(c.id)', 'lo').addSelect('MAX(c.id)', 'hi').getRawMany(),
  );
  const total: RecomputeResult = { customers: 0, added: 0, removed: 0 };
  const lo = Number(bounds[0]?.lo ?? 0);
  const hi = Number(bounds[0]?.hi ?? -1);
  for (let start = lo; start <= hi && lo > 0; start += batch) {
    if (opts.shouldStop?.()) break; // shutting down: the next run starts over, every batch is idempotent
    const r = await recomputeRange(ctx, tags, { lo: start, hi: start + batch }, kinds, now);
    total.customers += r.customers;
    total.added += r.added;
    total.removed += r.removed;
  }
  return total;
}

type Stage = keyof RuleTagIds['lifecycle'];
interface BandedCustomer {
  id: number;
  stage: Stage;
  eligible: boolean;
  bands: number[];
}

async function lockAndBand(ctx: Ctx, tx: EntityManager, range: Range, now: Date): Promise<BandedCustomer[]> {
  const sql = ruleTagSql(ctx.config.tags, now);
  const qb = tx
    .getRepository(Customer)
    .createQueryBuilder('c')
    .select('c.id', 'id')
    .addSelect(sql.lifecycle, 'stage')
    .addSelect(sql.rfmEligible, 'eligible')
    .addSelect(sql.r, 'r')
    .addSelect(sql.f, 'f')
    .addSelect(sql.m, 'm')
    .where('c.id >= :lo AND c.id < :hi', range)
    .setParameters(sql.params)
    .orderBy('c.id', 'ASC');
  const rows = await ctx.db.forUpdate(qb).getRawMany<{ id: number; stage: Stage; eligible: number | string; r: number | string; f: number | string; m: number | string }>();
  return rows.map((row) => ({ id: Number(row.id), stage: row.stage, eligible: Number(row.eligible) === 1, bands: [Number(row.r), Number(row.f), Number(row.m)] }));
}

/** Tags that a category preference can give (categories' preference tags). */
async function preferenceTagIds(ctx: Ctx): Promise<number[]> {
  const rows = await ctx.db.read((em) => em.getRepository(Category).createQueryBuilder('k').select('DISTINCT k.tag_id', 'tagId').where('k.tag_id IS NOT NULL').getRawMany<{ tagId: number }>());
  return rows.map((r) => Number(r.tagId));
}

/**
 * Each customer's top-K preference tags by spend in the window: paid lines (cash, after the member price) of
 * orders paid at or after the window start, each order's lines scaled by the share not refunded (a fully
 * refunded order counts nothing). Ties go to the smaller tag id, so every run ranks the same way.
 */
async function topPreferences(ctx: Ctx, tx: EntityManager, range: Range, now: Date): Promise<Map<number, number[]>> {
  const { preferenceWindowDays, preferenceTop } = ctx.config.tags;
  const rows = await tx
    .createQueryBuilder()
    .select('o.customer_id', 'customerId')
    .addSelect('o.payable_fen', 'payableFen')
    .addSelect('o.refunded_fen', 'refundedFen')
    .addSelect('k.tag_id', 'tagId')
    .addSelect('SUM(i.unit_cash_fen * i.quantity)', 'lineFen')
    .from('orders', 'o')
    .innerJoin('order_item', 'i', 'i.order_id = o.id')
    .innerJoin('category', 'k', 'k.id = i.category_id')
    .where('o.customer_id >= :lo AND o.customer_id < :hi', range)
    .andWhere("o.status IN ('paid', 'partially_refunded') AND o.in_customer_stats = 1 AND o.paid_at >= :since", { since: windowStart(now, preferenceWindowDays) })
    .andWhere('k.tag_id IS NOT NULL')
    .groupBy('o.id')
    .addGroupBy('o.customer_id')
    .addGroupBy('o.payable_fen')
    .addGroupBy('o.refunded_fen')
    .addGroupBy('k.tag_id')
    .getRawMany<{ customerId: number; payableFen: number; refundedFen: number; tagId: number; lineFen: number | string }>();
  const spend = new Map<number, Map<number, number>>();
  for (const r of rows) {
    const payable = Number(r.payableFen);
    const kept = payable > 0 ? Math.floor((Number(r.lineFen) * (payable - Number(r.refundedFen))) / payable) : 0;
    if (kept <= 0) continue;
    const perTag = spend.get(Number(r.customerId)) ?? new Map<number, number>();
    perTag.set(Number(r.tagId), (perTag.get(Number(r.tagId)) ?? 0) + kept);
    spend.set(Number(r.customerId), perTag);
  }
  const top = new Map<number, number[]>();
  for (const [customerId, perTag] of spend)
    top.set(
      customerId,
      [...perTag.entries()]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, preferenceTop)
        .map(([tagId]) => tagId),
    );
  return top;
}

/** The range's rows of the tags in `tagIds`, plus (for preference) every `purchase` row. */
async function currentRows(tx: EntityManager, range: Range, tagIds: number[], purchaseRows: boolean): Promise<CurrentTagRow[]> {
  if (tagIds.length === 0 && !purchaseRows) return [];
  const qb = tx
    .getRepository(CustomerTag)
    .createQueryBuilder('ct')
    .select(['ct.id', 'ct.customerId', 'ct.tagId', 'ct.source'])
    .where('ct.customer_id >= :lo AND ct.customer_id < :hi', range);
  const clauses = [...(tagIds.length ? ['ct.tag_id IN (:...tagIds)'] : []), ...(purchaseRows ? ["ct.source = 'purchase'"] : [])];
  qb.andWhere(`(${clauses.join(' OR ')})`, { tagIds });
  const rows = await qb.getMany();
  return rows.map((r) => ({ id: r.id, customerId: r.customerId, tagId: r.tagId, source: r.source }));
}
