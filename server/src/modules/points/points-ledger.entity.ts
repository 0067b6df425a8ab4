import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { PointsReason } from '@o2o/shared';
import { CreatedAt } from '../../db/columns';

/**
 * Append-only points ledger. Every grant and spend is idempotent by its business key
 * (reason, refType, refId); balanceAfter equals the customer's balance right after this entry.
 */
@Entity('points_ledger')
@Unique('uq_points_business_key', ['reason', 'refType', 'refId'])
@Index('idx_points_customer', ['customerId', 'id'])
export class PointsLedger {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'int' })
  customerId!: number;

  @Column({ type: 'int' })
  delta!: number;

  @Column({ type: 'varchar', length: 32 })
  reason!: PointsReason;

  @Column({ type: 'varchar', length: 32 })
  refType!: string;

  @Column({ type: 'varchar', length: 64 })
  refId!: string;

  @Column({ type: 'int' })
  balanceAfter!: number;

  @CreatedAt()
  createdAt!: Date;
}
