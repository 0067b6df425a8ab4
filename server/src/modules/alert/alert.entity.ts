import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { CreatedAt, DateTimeColumn, UpdatedAt } from '../../db/columns';
import type { AlertKind, AlertStatus } from '@o2o/shared';

/**
 * Something about money or delivery that needs a human: a quarantined payment notification, a refund failed or
 * stuck, points a refund could not recover, a dead outbox event. One row per (kind, subject), so raising the same
 * alert again (event redelivery, the sweep running twice) changes nothing.
 */
@Entity('alert')
@Unique('uq_alert_subject', ['kind', 'refType', 'refId'])
@Index('idx_alert_status', ['status', 'id'])
export class Alert {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'varchar', length: 32 })
  kind!: AlertKind;

  @Column({ type: 'varchar', length: 32 })
  refType!: string;

  @Column({ type: 'varchar', length: 64 })
  refId!: string;

  @Column({ type: 'int', nullable: true })
  storeId!: number | null;

  @Column({ type: 'varchar', length: 500 })
  summary!: string;

  /** JSON facts for the operator (no PII). */
  @Column({ type: 'text', nullable: true })
  details!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'open' })
  status!: AlertStatus;

  @Column({ type: 'int', nullable: true })
  resolvedBy!: number | null;

  @DateTimeColumn({ nullable: true })
  resolvedAt!: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  resolution!: string | null;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}
