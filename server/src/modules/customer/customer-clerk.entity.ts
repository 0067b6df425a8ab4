import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ClerkBindingRule } from '@o2o/shared';
import { DateTimeColumn } from '../../db/columns';

/** The customer's owning clerk (专属导购). One row per customer; changes only by conditional update, each audited. */
@Entity('customer_clerk')
@Index('idx_customer_clerk_staff', ['staffId'])
@Index('idx_customer_clerk_store', ['storeId'])
export class CustomerClerk {
  @PrimaryColumn({ type: 'int' })
  customerId!: number;

  @Column({ type: 'int' })
  staffId!: number;

  @Column({ type: 'int' })
  storeId!: number;

  @Column({ type: 'varchar', length: 32 })
  rule!: ClerkBindingRule;

  @DateTimeColumn()
  boundAt!: Date;

  /** Until then another clerk's code does not take the customer over. */
  @DateTimeColumn()
  protectedUntil!: Date;
}
