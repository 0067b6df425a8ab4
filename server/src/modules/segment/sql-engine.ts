import type { EntityManager } from 'typeorm';
import { shanghaiDay, shanghaiDayStart, windowStart, type SegmentPredicate, type SegmentRule } from '@o2o/shared';
import { Customer } from '../customer/customer.entity';

/**
 * The reference segment engine: a rule compiles to one parameterised WHERE over `customer c` (MySQL and
 * SQLite alike). Every predicate compiles to an expression that is TRUE or FALSE, never NULL, so `not` is the
 * exact complement (a NULL home store is "not in these stores", as in the bitmap engine).
 *
 * Semantics (shared with bitmap-engine.ts; the property test holds them equal):
 * - tags: a customer_tag row with expires_at NULL or after `now` (an expired tag does not count);
 * - clerks: the current owner in customer_clerk; stores: the home store (customer.store_id);
 * - day predicates: Shanghai calendar days between the instant and `now` (days.ts), NULL never matches unless
 *   `includeNever`; memberDays never matches a fan;
 * - order windows: orders counted in the customer's stats (in_customer_stats, status paid or partially_refunded)
 *   paid at or after windowStart(now, W); spend is payable − refunded.
 */
export const COUNTED_ORDER_STATUSES = ['paid', 'partially_refunded'] as const;

export interface CompiledRule {
  where: string;
  params: Record<string, unknown>;
}

export function compileRule(rule: SegmentRule, now: Date): CompiledRule {
  const params: Record<string, unknown> = {};
  let n = 0;
  const p = (value: unknown) => {
    const name = `sg${n++}`;
    params[name] = value;
    return `:${name}`;
  };
  const list = (values: readonly unknown[]) => {
    const name = `sg${n++}`;
    params[name] = values;
    return `(:...${name})`;
  };
  const today = shanghaiDay(now);

  /** `col`'s Shanghai day lies in [today − max, today − min]; NULL is false (or true with includeNever). */
  const daysSince = (col: string, min: number | undefined, max: number | undefined, includeNever = false) => {
    const parts = [`${col} IS NOT NULL`];
    if (max !== undefined) parts.push(`${col} >= ${p(shanghaiDayStart(today - max))}`);
    if (min !== undefined) parts.push(`${col} < ${p(shanghaiDayStart(today - min + 1))}`);
    const expr = `(${parts.join(' AND ')})`;
    return includeNever ? `(${col} IS NULL OR ${expr})` : expr;
  };
  const between = (expr: string, min: number | undefined, max: number | undefined) => {
    const parts: string[] = [];
    if (min !== undefined) parts.push(`${expr} >= ${p(min)}`);
    if (max !== undefined) parts.push(`${expr} <= ${p(max)}`);
    return `(${parts.join(' AND ')})`;
  };
  const orders = (windowDays: number) =>
    `FROM orders o WHERE o.customer_id = c.id AND o.in_customer_stats = ${p(1)} AND o.status IN ${list(COUNTED_ORDER_STATUSES)} AND o.paid_at >= ${p(windowStart(now, windowDays))}`;
  const liveTag = () => `(ct.expires_at IS NULL OR ct.expires_at > ${p(now)})`;

  const predicate = (r: SegmentPredicate): string => {
    switch (r.type) {
      case 'tags':
        if (r.match === 'any') return `EXISTS (SELECT 1 FROM customer_tag ct WHERE ct.customer_id = c.id AND ct.tag_id IN ${list(r.tagIds)} AND ${liveTag()})`;
        return `(${[...new Set(r.tagIds)].map((t) => `EXISTS (SELECT 1 FROM customer_tag ct WHERE ct.customer_id = c.id AND ct.tag_id = ${p(t)} AND ${liveTag()})`).join(' AND ')})`;
      case 'stores':
        return `(c.store_id IS NOT NULL AND c.store_id IN ${list(r.storeIds)})`;
      case 'clerks':
        return `EXISTS (SELECT 1 FROM customer_clerk cc WHERE cc.customer_id = c.id AND cc.staff_id IN ${list(r.staffIds)})`;
      case 'membership':
        return r.value === 'member' ? '(c.member_since IS NOT NULL)' : '(c.member_since IS NULL)';
      case 'consent':
        return `(c.marketing_consent = ${p(r.value ? 1 : 0)})`;
      case 'level':
        return between('c.level', r.min, r.max);
      case 'pointsBalance':
        return between('c.points_balance', r.min, r.max);
      case 'daysSinceLastPurchase':
        return daysSince('c.last_purchase_at', r.min, r.max, r.includeNever);
      case 'daysSinceLastVisit':
        return daysSince('c.last_visit_at', r.min, r.max, r.includeNever);
      case 'memberDays':
        return daysSince('c.member_since', r.min, r.max);
      case 'orderCount':
        return between(`(SELECT COUNT(*) ${orders(r.windowDays)})`, r.min, r.max);
      case 'spend':
        return between(`COALESCE((SELECT SUM(o.payable_fen - o.refunded_fen) ${orders(r.windowDays)}), 0)`, r.minFen, r.maxFen);
    }
  };
  const node = (r: SegmentRule): string => {
    if (r.type === 'all') return `(${r.rules.map(node).join(' AND ')})`;
    if (r.type === 'any') return `(${r.rules.map(node).join(' OR ')})`;
    if (r.type === 'not') return `(NOT ${node(r.rule)})`;
    return predicate(r);
  };
  return { where: node(rule), params };
}

/** Number of customers matching the rule at `now`. */
export async function sqlCount(em: EntityManager, rule: SegmentRule, now: Date): Promise<number> {
  const { where, params } = compileRule(rule, now);
  const row = await em.createQueryBuilder().select('COUNT(*)', 'n').from(Customer, 'c').where(where, params).getRawOne<{ n: number | string }>();
  return Number(row?.n ?? 0);
}

/** One keyset page: matching ids above `after`, ascending, at most `limit`. */
export async function sqlIdPage(em: EntityManager, rule: SegmentRule, now: Date, after: number, limit: number): Promise<number[]> {
  const { where, params } = compileRule(rule, now);
  const rows = await em
    .createQueryBuilder()
    .select('c.id', 'id')
    .from(Customer, 'c')
    .where('c.id > :sgAfter', { sgAfter: after })
    .andWhere(where, params)
    .orderBy('c.id', 'ASC')
    .limit(limit)
    .getRawMany<{ id: number | string }>();
  return rows.map((r) => Number(r.id));
}

/**
 * Matching ids ascending, page by page (keyset on the primary key): memory per page, never a giant IN list
 * or one result of a million rows. All pages read through `em` (a transaction's manager gives one snapshot).
 */
export async function* sqlIdPages(em: EntityManager, rule: SegmentRule, now: Date, pageSize = 10_000): AsyncGenerator<number[]> {
  for (let after = 0; ; ) {
    const ids = await sqlIdPage(em, rule, now, after, pageSize);
    if (ids.length === 0) return;
    yield ids;
    if (ids.length < pageSize) return;
    after = ids[ids.length - 1]!;
  }
}

/** The newest `limit` matching customer ids (highest ids first): the preview's sample. */
export async function sqlSampleIds(em: EntityManager, rule: SegmentRule, now: Date, limit: number): Promise<number[]> {
  const { where, params } = compileRule(rule, now);
  const rows = await em.createQueryBuilder().select('c.id', 'id').from(Customer, 'c').where(where, params).orderBy('c.id', 'DESC').limit(limit).getRawMany<{ id: number | string }>();
  return rows.map((r) => Number(r.id));
}
