import type { Db } from '../../db/db';
import { OutboxEvent } from '../../events/outbox-event.entity';
import { segmentIndexOf } from '../segment/index-runtime';
import { CustomerTag } from './customer-tag.entity';

/**
 * How long a grouped SQL count of customer_tag may serve the tag list at most (the index path needs no cache),
 * and how long it serves whatever happened meanwhile (so a busy outbox cannot make every request recount).
 */
export const TAG_COUNT_TTL_MS = 30_000;
export const TAG_COUNT_MIN_MS = 2_000;

export interface TagCounts {
  byTag: Map<number, number>;
  source: 'index' | 'sql';
  at: Date;
}

/** A SQL count and the outbox head (newest event id) read just before it. */
const cache = new WeakMap<Db, { counts: TagCounts; head: number }>();

/**
 * Customers per tag, as cheaply as this process can tell:
 * - the segment index when it is ready (its per-tag bitmaps, lapsed rows excluded as segments see them): a few
 *   microseconds per tag, current within the outbox poll;
 * - otherwise one grouped count over the (tag, customer) index (with millions of tag rows a full index scan).
 *   Every change of tag rows, from any path and any process (scans, order recomputes, bulk and phone tagging,
 *   the expiry job), writes an outbox event in its own transaction, so the count is kept only while the outbox
 *   head (MAX(id), a primary-key lookup) is where it was when counting, for at most TAG_COUNT_TTL_MS (the bound
 *   for a transaction that took an earlier id and committed later); within TAG_COUNT_MIN_MS it is kept anyway.
 *   Lapsed rows still count there until the expiry job (every minute) removes them.
 */
export async function tagCounts(db: Db, tagIds: number[], now: Date): Promise<TagCounts> {
  const index = segmentIndexOf(db);
  if (index?.ready(now)) {
    const byTag = new Map<number, number>();
    for (const tagId of tagIds) byTag.set(tagId, index.evaluate({ type: 'tags', match: 'any', tagIds: [tagId] }, now)?.size ?? 0);
    return { byTag, source: 'index', at: now };
  }
  const hit = cache.get(db);
  const age = hit ? now.getTime() - hit.counts.at.getTime() : -1;
  if (hit && age >= 0 && age < TAG_COUNT_MIN_MS) return hit.counts;
  // The head is read before the count: a change committed in between makes the next request count again.
  const head = await outboxHead(db);
  if (hit && age >= 0 && age < TAG_COUNT_TTL_MS && head === hit.head) return hit.counts;
  const rows = await db.read((em) =>
    em.getRepository(CustomerTag).createQueryBuilder('ct').select('ct.tag_id', 'tagId').addSelect('COUNT(*)', 'n').groupBy('ct.tag_id').getRawMany<{ tagId: number | string; n: number | string }>(),
  );
  const fresh: TagCounts = { byTag: new Map(rows.map((r) => [Number(r.tagId), Number(r.n)])), source: 'sql', at: now };
  cache.set(db, { counts: fresh, head });
  return fresh;
}

async function outboxHead(db: Db): Promise<number> {
  const row = await db.read((em) => em.getRepository(OutboxEvent).createQueryBuilder('e').select('MAX(e.id)', 'm').getRawOne<{ m: number | string | null }>());
  return Number(row?.m ?? 0);
}

/** Drops the cached SQL counts (after this process changed tag rows in bulk). */
export function invalidateTagCounts(db: Db): void {
  cache.delete(db);
}
