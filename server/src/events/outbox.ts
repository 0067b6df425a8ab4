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
