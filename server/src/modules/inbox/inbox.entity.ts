import { Check, Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { DateTimeColumn, UpdatedAt } from '../../db/columns';

/** A message in the consumer's in-app inbox; one per (customer, campaign) by a unique key. */
@Entity('inbox_message')
@Unique('uq_inbox_campaign', ['campaignId', 'customerId'])
@Index('idx_inbox_customer', ['customerId', 'id'])
export class InboxMessage {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'int' })
  customerId!: number;

  @Column({ type: 'int' })
  campaignId!: number;

  @Column({ type: 'varchar', length: 40 })
  title!: string;

  @Column({ type: 'varchar', length: 500 })
  body!: string;

  @Column({ type: 'int', nullable: true })
  couponId!: number | null;

  @DateTimeColumn({ nullable: true })
  readAt!: Date | null;

  @DateTimeColumn()
  at!: Date;
}

/**
 * One-time subscribe-message quota (WeChat keeps none we can query): +1 per accept, −1 per send by a conditional
 * update (`remaining > 0`), zeroed when WeChat answers 43101. CHECK (remaining >= 0) as the last guard.
 */
@Entity('subscribe_quota')
@Check('chk_subscribe_quota_nonneg', 'remaining >= 0')
export class SubscribeQuota {
  @PrimaryColumn({ type: 'int' })
  customerId!: number;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  templateId!: string;

  @Column({ type: 'int', default: 0 })
  remaining!: number;

  @UpdatedAt()
  updatedAt!: Date;
}
