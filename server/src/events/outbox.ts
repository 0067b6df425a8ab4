import type { EntityManager } from 'typeorm';
import { exec, sqlTime } from '../db/raw-sql';
import type { EventMap, EventType } from './event-types';

/**
 * Records an event in the caller's transaction: it is delivered only if that transaction commits,
 * and at least once after it does. Handlers must therefore be idempotent.
 */
export function emit<T extends EventType>(tx: EntityManager, type: T, payload: EventMap[T], now: Date): Promise<void> {
  return emitAll(tx, [{ type, payload } as PendingEvent], now);
}

export type PendingEvent = { [T in EventType]: { type: T; payload: EventMap[T] } }[EventType];

/**
 * `emit` for several events in one statement (hot paths announce two or three things at once). Plain bound SQL,
 * the same in both dialects: every write path goes through here, and the query builder's per-statement work
 * cost more than the insert.
 */
export async function emitAll(tx: EntityManager, events: PendingEvent[], now: Date): Promise<void> {
  if (events.length === 0) return;
  const at = sqlTime(now);
  await exec(
    tx,
    `INSERT INTO outbox_event (type, payload, status, attempts, available_at) VALUES ${events.map(() => "(?, ?, 'pending', 0, ?)").join(',')}`,
    events.flatMap((e) => [e.type, JSON.stringify(e.payload), at]),
  );
}
