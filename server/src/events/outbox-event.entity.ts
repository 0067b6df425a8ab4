import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, DateTimeColumn } from '../db/columns';

export type OutboxStatus = 'pending' | 'processing' | 'done' | 'dead';

/** An event written in the same transaction as the change it announces; delivered after commit by the worker. */
@Entity('outbox_event')
@Index('idx_outbox_due', ['status', 'availableAt'])
export class OutboxEvent {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ type: 'text' })
  payload!: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: OutboxStatus;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @DateTimeColumn()
  availableAt!: Date;

  /** Lease of the worker that claimed it; an expired lease is claimable again (crash recovery). */
  @DateTimeColumn({ nullable: true })
  lockedUntil!: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @CreatedAt()
  createdAt!: Date;

  @DateTimeColumn({ nullable: true })
  processedAt!: Date | null;
}
