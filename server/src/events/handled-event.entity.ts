import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAt } from '../db/columns';

/**
 * Exactly-once effects for counting handlers: a handler that adds to a counter inserts (consumer, eventId) in the
 * same transaction as the increment; a redelivered event hits the primary key and changes nothing. Rows older than
 * any redelivery (the outbox keeps retrying for at most days) are purged by the handlers' own sweep.
 */
@Entity('handled_event')
@Index('idx_handled_event_created', ['createdAt'])
export class HandledEvent {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  consumer!: string;

  @PrimaryColumn({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  eventId!: number;

  @CreatedAt()
  createdAt!: Date;
}
