import type { EntityManager } from 'typeorm';
import { OutboxEvent } from './outbox-event.entity';
import type { EventMap, EventType } from './event-types';

/**
 * Records an event in the caller's transaction: it is delivered only if that transaction commits,
 * and at least once after it does. Handlers must therefore be idempotent.
 */
export async function emit<T extends EventType>(tx: EntityManager, type: T, payload: EventMap[T], now: Date): Promise<void> {
  await tx
    .createQueryBuilder()
    .insert()
    .into(OutboxEvent)
    .values({ type, payload: JSON.stringify(payload), status: 'pending', attempts: 0, availableAt: now })
    .updateEntity(false)
    .execute();
}

export type PendingEvent = { [T in EventType]: { type: T; payload: EventMap[T] } }[EventType];

/** `emit` for several events in one statement (hot paths announce two or three things at once). */
export async function emitAll(tx: EntityManager, events: PendingEvent[], now: Date): Promise<void> {
  if (events.length === 0) return;
  await tx
    .createQueryBuilder()
    .insert()
    .into(OutboxEvent)
    .values(events.map((e) => ({ type: e.type, payload: JSON.stringify(e.payload), status: 'pending' as const, attempts: 0, availableAt: now })))
    .updateEntity(false)
    .execute();
}
