import type { Db } from '../../db/db';
import { segmentIndexOf } from '../segment/index-runtime';
import { CustomerTag } from './customer-tag.entity';

/** How long a grouped SQL count of customer_tag serves the tag list (the index path needs no cache). */
export const TAG_COUNT_TTL_MS = 60_000;

export interface TagCounts {
  byTag: Map<number, number>;
  source: 'index' | 'sql';
  at: Date;
}

const cache = new WeakMap<Db, TagCounts>();

/**
 * Customers per tag, as cheaply as this process can tell:
 * - the segment index when it is ready (its per-tag bitmaps, lapsed rows excluded as segments see them): a few
 *   microseconds per tag, current within the outbox poll;
 * - otherwise one grouped count over the (tag, customer) index, kept for TAG_COUNT_TTL_MS per database handle
 *   (with millions of tag rows it is a full index scan; this process's own bulk tagging drops the cache).
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
  if (hit && now.getTime() - hit.at.getTime() < TAG_COUNT_TTL_MS && now.getTime() >= hit.at.getTime()) return hit;
  const rows = await db.read((em) =>
    em.getRepository(CustomerTag).createQueryBuilder('ct').select('ct.tag_id', 'tagId').addSelect('COUNT(*)', 'n').groupBy('ct.tag_id').getRawMany<{ tagId: number | string; n: number | string }>(),
  );
  const fresh: TagCounts = { byTag: new Map(rows.map((r) => [Number(r.tagId), Number(r.n)])), source: 'sql', at: now };
  cache.set(db, fresh);
  return fresh;
}

/** Drops the cached SQL counts (after this process changed tag rows in bulk). */
export function invalidateTagCounts(db: Db): void {
  cache.delete(db);
}
