import { LIFECYCLE_STAGES, windowStart, type LifecycleStage } from '@o2o/shared';
import { In, type EntityManager } from 'typeorm';
import type { Config } from '../../config';
import type { Db } from '../../db/db';
import { Tag } from './tag.entity';

/**
 * The rule tags and how they are computed from the customer row (set-based: one SQL expression per kind,
 * evaluated for a whole id range at once).
 *
 * Lifecycle (group `lifecycle`, exactly one per customer once computed). Days are Asia/Shanghai calendar days
 * (`daysSince(x) = day(now) − day(x)`, as in segment rules):
 *   - never purchased: `new` while days since first touch (first scan, else sign-up) < newDays, then `dormant`
 *     until lostDays, then `lost`;
 *   - purchased: `active` while days since the last purchase < dormantDays, `dormant` until lostDays, then `lost`.
 * RFM (group `rfm`, for customers with at least one order in their stats): R from days since the last purchase,
 * F from lifetime paid orders, M from lifetime net spend (fen), each banded 1–5 by four ascending thresholds.
 */

export const RFM_LETTERS = ['R', 'F', 'M'] as const;
export type RfmLetter = (typeof RFM_LETTERS)[number];

export interface RuleTagIds {
  lifecycle: Record<LifecycleStage, number>;
  /** rfm[letter][band - 1] */
  rfm: Record<RfmLetter, number[]>;
  /** Every lifecycle tag id, then every RFM tag id. */
  lifecycleIds: number[];
  rfmIds: number[];
}

const RULE_TAG_NAMES: { tagGroup: 'lifecycle' | 'rfm'; name: string }[] = [
  ...LIFECYCLE_STAGES.map((name) => ({ tagGroup: 'lifecycle' as const, name })),
  ...RFM_LETTERS.flatMap((l) => [1, 2, 3, 4, 5].map((b) => ({ tagGroup: 'rfm' as const, name: `${l}${b}` }))),
];

// Tag rows are never deleted, so their ids can be remembered per database for the life of the process.
const cache = new WeakMap<Db, RuleTagIds>();

/** Creates the rule tags the first time (insert-ignore on the unique group+name, so concurrent first runs agree). */
export async function ensureRuleTags(db: Db): Promise<RuleTagIds> {
  const hit = cache.get(db);
  if (hit) return hit;
  const rows = await db.transaction(async (tx) => {
    await tx.createQueryBuilder().insert().into(Tag).values(RULE_TAG_NAMES).orIgnore().updateEntity(false).execute();
    return tx.getRepository(Tag).find({ where: { tagGroup: In(['lifecycle', 'rfm']) }, select: { id: true, name: true, tagGroup: true } });
  });
  const id = (group: string, name: string) => {
    const t = rows.find((r) => r.tagGroup === group && r.name === name);
    if (!t) throw new Error(`rule tag ${group}/${name} missing`);
    return t.id;
  };
  const lifecycle = Object.fromEntries(LIFECYCLE_STAGES.map((s) => [s, id('lifecycle', s)])) as Record<LifecycleStage, number>;
  const rfm = Object.fromEntries(RFM_LETTERS.map((l) => [l, [1, 2, 3, 4, 5].map((b) => id('rfm', `${l}${b}`))])) as Record<RfmLetter, number[]>;
  const ids: RuleTagIds = { lifecycle, rfm, lifecycleIds: Object.values(lifecycle), rfmIds: RFM_LETTERS.flatMap((l) => rfm[l]) };
  cache.set(db, ids);
  return ids;
}

export function isRuleTagGroup(group: string): boolean {
  return group === 'lifecycle' || group === 'rfm';
}

/** SQL expressions over `customer c` and their parameters for the instant `now`. */
export function ruleTagSql(cfg: Config['tags'], now: Date): { lifecycle: string; r: string; f: string; m: string; rfmEligible: string; params: Record<string, unknown> } {
  const { newDays, dormantDays, lostDays } = cfg.lifecycle;
  // daysSince(x) < D  ⇔  x ≥ the first instant of the D-day window ending today (Shanghai).
  const params: Record<string, unknown> = {
    lcNew: windowStart(now, newDays),
    lcDormant: windowStart(now, dormantDays),
    lcLost: windowStart(now, lostDays),
  };
  cfg.rfm.recencyDays.forEach((d, i) => (params[`rR${i}`] = windowStart(now, d)));
  cfg.rfm.frequencyOrders.forEach((n, i) => (params[`rF${i}`] = n));
  cfg.rfm.monetaryFen.forEach((n, i) => (params[`rM${i}`] = n));
  const firstTouch = 'COALESCE(c.first_scan_at, c.created_at)';
  const lifecycle = `CASE
    WHEN c.last_purchase_at IS NULL THEN (CASE WHEN ${firstTouch} >= :lcNew THEN 'new' WHEN ${firstTouch} >= :lcLost THEN 'dormant' ELSE 'lost' END)
    WHEN c.last_purchase_at >= :lcDormant THEN 'active'
    WHEN c.last_purchase_at >= :lcLost THEN 'dormant'
    ELSE 'lost' END`;
  const r = `CASE WHEN c.last_purchase_at >= :rR0 THEN 5 WHEN c.last_purchase_at >= :rR1 THEN 4 WHEN c.last_purchase_at >= :rR2 THEN 3 WHEN c.last_purchase_at >= :rR3 THEN 2 ELSE 1 END`;
  const f = `CASE WHEN c.order_count >= :rF3 THEN 5 WHEN c.order_count >= :rF2 THEN 4 WHEN c.order_count >= :rF1 THEN 3 WHEN c.order_count >= :rF0 THEN 2 ELSE 1 END`;
  const m = `CASE WHEN c.total_spend_fen >= :rM3 THEN 5 WHEN c.total_spend_fen >= :rM2 THEN 4 WHEN c.total_spend_fen >= :rM1 THEN 3 WHEN c.total_spend_fen >= :rM0 THEN 2 ELSE 1 END`;
  const rfmEligible = `CASE WHEN c.order_count > 0 AND c.last_purchase_at IS NOT NULL THEN 1 ELSE 0 END`;
  return { lifecycle, r, f, m, rfmEligible, params };
}

/** Lifecycle tag ids held per customer must be ≤ 1 (used by tests and the recompute's own check). */
export async function countLifecycleViolations(em: EntityManager, ids: RuleTagIds): Promise<number> {
  const rows: { n: number | string }[] = await em
    .createQueryBuilder()
    .select('COUNT(*)', 'n')
    .from((qb) => qb.select('ct.customer_id', 'cid').from('customer_tag', 'ct').where('ct.tag_id IN (:...ids)', { ids: ids.lifecycleIds }).groupBy('ct.customer_id').having('COUNT(*) > 1'), 'x')
    .getRawMany();
  return Number(rows[0]?.n ?? 0);
}
