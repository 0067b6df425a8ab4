import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { ClerkBindingRule } from '@o2o/shared';
import { DateTimeColumn } from '../../db/columns';

/** Audit of every clerk (re)assignment: first binding, rebinding after protection, handover. Append-only. */
@Entity('clerk_assignment')
@Index('idx_clerk_assignment_customer', ['customerId', 'at'])
export class ClerkAssignment {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'int' })
  customerId!: number;

  @Column({ type: 'int', nullable: true })
  fromStaffId!: number | null;

  @Column({ type: 'int' })
  toStaffId!: number;

  @Column({ type: 'varchar', length: 32 })
  rule!: ClerkBindingRule;

  /** Staff who made the change (handover), null for scans. */
  @Column({ type: 'int', nullable: true })
  actorStaffId!: number | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  reason!: string | null;

  @DateTimeColumn()
  at!: Date;
}
