import type { TagSource } from '@o2o/shared';
import { In, type EntityManager } from 'typeorm';
import { emitAll, type PendingEvent } from '../../events/outbox';
import { CustomerTag } from './customer-tag.entity';

/**
 * The one way tag rows change outside the scan flow: a diff computed by the caller (whose transaction holds the
 * affected customers' rows locked, so the diff is exact), applied with batched statements (≤ 1,000 rows each),
 * and announced on the outbox so the segment index follows.
 */

/** Rows and ids per statement (insert values, `IN (…)` lists, customer ids per event). */
export const TAG_BATCH = 1000;

export interface CurrentTagRow {
  id: number;
  customerId: number;
  tagId: number;
  source: TagSource;
}

export interface TagChange {
  customerId: number;
  tagId: number;
  added: boolean;
  source: TagSource;
}

export interface TagInsert {
  customerId: number;
  tagId: number;
  source: TagSource;
  sourceRef: string | null;
  expiresAt?: Date | null;
}

export const pairKey = (customerId: number, tagId: number) => `${customerId}:${tagId}`;

export function chunk<T>(items: readonly T[], size = TAG_BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Inserts the missing rows and deletes the given ones. The caller computed both against rows it read under the
 * customers' locks, so every insert lands and every delete hits (insert-ignore and the id list keep a repeat
 * harmless all the same). Returns the changes, for events and counts.
 */
export async function applyTagDiff(tx: EntityManager, add: TagInsert[], remove: CurrentTagRow[], now: Date): Promise<TagChange[]> {
  for (const part of chunk(add))
    await tx
      .createQueryBuilder()
      .insert()
      .into(CustomerTag)
      .values(part.map((r) => ({ customerId: r.customerId, tagId: r.tagId, source: r.source, sourceRef: r.sourceRef, taggedAt: now, expiresAt: r.expiresAt ?? null })))
      .orIgnore()
      .updateEntity(false)
      .execute();
  for (const part of chunk(remove)) await tx.createQueryBuilder().delete().from(CustomerTag).where({ id: In(part.map((r) => r.id)) }).execute();
  return [
    ...add.map((r) => ({ customerId: r.customerId, tagId: r.tagId, added: true, source: r.source })),
    ...remove.map((r) => ({ customerId: r.customerId, tagId: r.tagId, added: false, source: r.source })),
  ];
}

/**
 * Announces tag changes in the caller's transaction: as `customer.tags_changed` (one per source) when the caller
 * worked on one customer (`oneCustomer`), otherwise as `tags.bulk_changed` per tag and source with ≤ 1,000
 * customer ids each. `source` overrides the rows' own source: the manual removal of a qr tag is a `manual`
 * change, the expiry job's removals are `expiry`.
 */
export async function emitTagChanges(tx: EntityManager, changes: TagChange[], now: Date, opts: { oneCustomer?: boolean; source?: string } = {}): Promise<number> {
  if (changes.length === 0) return 0;
  const at = now.toISOString();
  const events: PendingEvent[] = [];
  for (const [source, list] of groupBy(changes, (c) => opts.source ?? c.source)) {
    if (opts.oneCustomer) {
      for (const [customerId, perCustomer] of groupBy(list, (c) => c.customerId))
        events.push({ type: 'customer.tags_changed', payload: { customerId, added: ids(perCustomer, true, 'tagId'), removed: ids(perCustomer, false, 'tagId'), source, at } });
      continue;
    }
    for (const [tagId, perTag] of groupBy(list, (c) => c.tagId))
      for (const part of chunk(perTag))
        events.push({ type: 'tags.bulk_changed', payload: { tagId, added: ids(part, true, 'customerId'), removed: ids(part, false, 'customerId'), source, at } });
  }
  for (const part of chunk(events, 200)) await emitAll(tx, part, now);
  return events.length;
}

function ids(list: TagChange[], added: boolean, field: 'tagId' | 'customerId'): number[] {
  return list.filter((c) => c.added === added).map((c) => c[field]);
}

function groupBy<T, K>(items: T[], key: (t: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const it of items) {
    const k = key(it);
    const arr = m.get(k);
    if (arr) arr.push(it);
    else m.set(k, [it]);
  }
  return m;
}
