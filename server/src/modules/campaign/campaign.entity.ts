import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { CampaignKind, CampaignStatus, DeliveryStatus, SkipReason, SubscribeStatus } from '@o2o/shared';
import { CreatedAt, DateTimeColumn, UpdatedAt } from '../../db/columns';

/**
 * A campaign (活动) or a clerk offer (the same pipeline, `kind = 'clerk_offer'`, scoped to one clerk's customers).
 * Status moves only by guarded updates naming the source state:
 *   draft → scheduled → snapshotting → sending → completed; sending ⇄ paused; any open state → cancelled.
 * `audience` is the target as JSON: `{segmentId, rule}` (the rule is copied at creation) or `{customerIds}`.
 */
@Entity('campaign')
@Index('idx_campaign_status', ['status', 'sendAt'])
@Index('idx_campaign_clerk', ['clerkId', 'id'])
@Unique('uq_campaign_request', ['createdBy', 'requestKey'])
export class Campaign {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'varchar', length: 16 })
  kind!: CampaignKind;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: CampaignStatus;

  @Column({ type: 'int', nullable: true })
  segmentId!: number | null;

  /** JSON: `{rule}` or `{customerIds}`. */
  @Column({ type: 'text' })
  audience!: string;

  @Column({ type: 'int' })
  templateId!: number;

  /** JSON of TCampaignMessage (inbox title/body, optional subscribe template + data). */
  @Column({ type: 'text' })
  message!: string;

  @DateTimeColumn({ nullable: true })
  sendAt!: Date | null;

  @Column({ type: 'int', default: 0 })
  holdoutPercent!: number;

  @Column({ type: 'int', nullable: true })
  capCount!: number | null;

  @Column({ type: 'int', nullable: true })
  capDays!: number | null;

  @Column({ type: 'int', default: 14 })
  reportWindowDays!: number;

  /** The offering clerk (clerk offers only). */
  @Column({ type: 'int', nullable: true })
  clerkId!: number | null;

  @Column({ type: 'int' })
  createdBy!: number;

  /** Idempotency of creation (a clerk offer's Idempotency-Key); null = none (NULLs never clash). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  requestKey!: string | null;

  /** Snapshot figures, written once with the recipients. */
  @Column({ type: 'int', default: 0 })
  audienceCount!: number;

  @Column({ type: 'int', default: 0 })
  heldOutCount!: number;

  @Column({ type: 'int', default: 0 })
  excludedNoConsent!: number;

  @Column({ type: 'int', default: 0 })
  batchCount!: number;

  /** When the send started (the snapshot instant; the report window starts here). */
  @DateTimeColumn({ nullable: true })
  startedAt!: Date | null;

  @DateTimeColumn({ nullable: true })
  completedAt!: Date | null;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}

/**
 * The audience snapshot: one row per consenting customer at send time, PRIMARY KEY (campaign, customer).
 * `heldOut` is decided by a hash of (campaign, customer) — deterministic, so a re-run snapshot splits identically.
 */
@Entity('campaign_recipient')
@Index('idx_campaign_recipient_batch', ['campaignId', 'batchNo'])
export class CampaignRecipient {
  @PrimaryColumn({ type: 'int' })
  campaignId!: number;

  @PrimaryColumn({ type: 'int' })
  customerId!: number;

  @Column({ type: 'int' })
  batchNo!: number;

  @Column({ type: 'boolean' })
  heldOut!: boolean;
}

/**
 * A unit of delivery work. Claimed by a guarded update (pending, or running with an expired lease → running with a
 * new lease and owner); finished by a guarded update on the owner. `enqueuedAt` keeps the sweeper from re-queueing
 * a batch that is still waiting in the queue.
 */
@Entity('campaign_batch')
@Index('idx_campaign_batch_status', ['campaignId', 'status'])
export class CampaignBatch {
  @PrimaryColumn({ type: 'int' })
  campaignId!: number;

  @PrimaryColumn({ type: 'int' })
  batchNo!: number;

  /** pending | running | done */
  @Column({ type: 'varchar', length: 8 })
  status!: 'pending' | 'running' | 'done';

  @Column({ type: 'varchar', length: 40, nullable: true })
  owner!: string | null;

  @DateTimeColumn({ nullable: true })
  leaseUntil!: Date | null;

  @DateTimeColumn({ nullable: true })
  enqueuedAt!: Date | null;

  @Column({ type: 'int', default: 0 })
  attempts!: number;
}

/**
 * What happened for one recipient: UNIQUE(campaign, customer), so a resumed or repeated batch never delivers twice.
 * Written in the same transaction as the coupon and the inbox message.
 */
@Entity('campaign_delivery')
@Unique('uq_campaign_delivery', ['campaignId', 'customerId'])
@Index('idx_campaign_delivery_customer', ['customerId', 'at'])
@Index('idx_campaign_delivery_status', ['campaignId', 'status'])
export class CampaignDelivery {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'int' })
  campaignId!: number;

  @Column({ type: 'int' })
  customerId!: number;

  @Column({ type: 'varchar', length: 16 })
  kind!: CampaignKind;

  @Column({ type: 'varchar', length: 12 })
  status!: DeliveryStatus;

  @Column({ type: 'varchar', length: 24, nullable: true })
  reason!: SkipReason | 'error' | null;

  @Column({ type: 'int', nullable: true })
  couponId!: number | null;

  @Column({ type: 'varchar', length: 12, default: 'none' })
  subscribeStatus!: SubscribeStatus;

  @DateTimeColumn()
  at!: Date;
}

/** Templates clerks may offer (an admin flags them; clerk offers refuse any other). */
@Entity('clerk_offer_template')
export class ClerkOfferTemplate {
  @PrimaryColumn({ type: 'int' })
  templateId!: number;

  @Column({ type: 'int' })
  addedBy!: number;

  @CreatedAt()
  createdAt!: Date;
}
