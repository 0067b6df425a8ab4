import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { COUNT_CAP } from '@o2o/shared';

/**
 * One page of a console list (offset paging, shared/src/api/console.ts): the rows of `qb` (already filtered and
 * ordered) for page `current`, and a total that stops counting at COUNT_CAP, so a brand-wide list never pays for
 * an exact count over millions of rows. A short last page gives the exact total without a count.
 */
export async function pageOf<T extends ObjectLiteral>(em: EntityManager, qb: SelectQueryBuilder<T>, current: number, pageSize: number): Promise<{ rows: T[]; total: number; totalCapped?: boolean }> {
  const offset = (current - 1) * pageSize;
  const rows = await qb.clone().offset(offset).limit(pageSize).getMany();
  if ((rows.length > 0 || offset === 0) && rows.length < pageSize) return { rows, total: offset + rows.length };
  const total = await cappedCount(em, qb);
  return total > COUNT_CAP ? { rows, total: COUNT_CAP, totalCapped: true } : { rows, total };
}

/** COUNT(*) of `qb`'s rows, reading at most COUNT_CAP + 1 of them (a bounded subquery, same SQL in both dialects). */
export async function cappedCount<T extends ObjectLiteral>(em: EntityManager, qb: SelectQueryBuilder<T>): Promise<number> {
  const sub = qb.clone().orderBy().offset(undefined).limit(COUNT_CAP + 1).select('1', 'one');
  const [query, params] = sub.getQueryAndParameters();
  const raw: { n: number | string }[] = await em.query(`SELECT COUNT(*) AS n FROM (${query}) capped`, params);
  return Number(raw[0]?.n ?? 0);
}
