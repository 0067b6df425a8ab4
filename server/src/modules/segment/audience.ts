import type { EntityManager } from 'typeorm';
import { segmentRuleReferences, type SegmentRule } from '@o2o/shared';
import { AppError } from '../../lib/app-error';
import { sqlCount, sqlIdPages } from './sql-engine';

/**
 * The audience of a rule as other modules (campaign snapshots, clerk offers, exports) read it: always the SQL
 * engine, inside the caller's transaction or read, so a snapshot is exactly what the database says at `now`.
 * The bitmap index only serves interactive previews.
 */

/** Number of matching customers. */
export function countAudience(em: EntityManager, rule: SegmentRule, now: Date): Promise<number> {
  return sqlCount(em, rule, now);
}

/** Every matching customer id, ascending; read in keyset pages of 10,000 (works for millions of ids). */
export async function resolveAudience(em: EntityManager, rule: SegmentRule, now: Date): Promise<number[]> {
  const out: number[] = [];
  for await (const page of sqlIdPages(em, rule, now)) for (const id of page) out.push(id);
  return out;
}

/** The same ids page by page, for callers that process as they read (exports, batch sends). */
export function audiencePages(em: EntityManager, rule: SegmentRule, now: Date, pageSize = 10_000): AsyncGenerator<number[]> {
  return sqlIdPages(em, rule, now, pageSize);
}

/**
 * Throws 400 SEGMENT_UNKNOWN_REFERENCE naming every tag, store and staff id the rule mentions that does not
 * exist (details: `{ tagIds, storeIds, staffIds }`, only the unknown ones). A left clerk still exists: rules
 * about former owners stay valid.
 */
export async function checkRuleReferences(em: EntityManager, rule: SegmentRule): Promise<void> {
  const refs = segmentRuleReferences(rule);
  const lists = [
    { kind: 'tag', table: 'tag', ids: refs.tagIds },
    { kind: 'store', table: 'store', ids: refs.storeIds },
    { kind: 'staff', table: 'staff', ids: refs.staffIds },
  ].filter((l) => l.ids.length > 0);
  if (lists.length === 0) return;
  // One round trip (previews call this on every keystroke): `?` placeholders work on mysql2 and better-sqlite3.
  const sql = lists.map((l) => `SELECT '${l.kind}' AS kind, id FROM ${l.table} WHERE id IN (${l.ids.map(() => '?').join(',')})`).join(' UNION ALL ');
  const rows: { kind: string; id: number | string }[] = await em.query(sql, lists.flatMap((l) => l.ids));
  const found = new Set(rows.map((r) => `${r.kind}:${Number(r.id)}`));
  const missing = (kind: string, ids: number[]) => ids.filter((id) => !found.has(`${kind}:${id}`));
  const tagIds = missing('tag', refs.tagIds);
  const storeIds = missing('store', refs.storeIds);
  const staffIds = missing('staff', refs.staffIds);
  if (tagIds.length + storeIds.length + staffIds.length === 0) return;
  const parts = [
    tagIds.length ? `tag ids ${tagIds.join(', ')}` : '',
    storeIds.length ? `store ids ${storeIds.join(', ')}` : '',
    staffIds.length ? `staff ids ${staffIds.join(', ')}` : '',
  ].filter(Boolean);
  throw new AppError('SEGMENT_UNKNOWN_REFERENCE', `Unknown ${parts.join('; ')}`, { tagIds, storeIds, staffIds });
}
