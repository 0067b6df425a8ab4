import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { RefundStatus } from '@o2o/shared';
import { CreatedAt, DateTimeColumn, UpdatedAt } from '../../db/columns';

/**
 * A refund of (part of) a paid order. `outRefundNo` is fixed when the row is created and reused for every
 * retry of the request, so WeChat refunds it at most once; `requestNo` makes the staff request itself
 * idempotent. Points: spent points are returned and earned points reversed in proportion, computed
 * cumulatively on the order so that duplicates and out-of-order notifications give exact totals. When the
 * customer has already spent the points to reverse, the reversal stops at a zero balance and the rest is
 * recorded here as `pointsUnrecovered` (and announced for review); the balance never goes negative.
 */
@Entity('refund')
@Unique('uq_refund_request', ['orderId', 'requestNo'])
@Index('idx_refund_status', ['status', 'updatedAt'])
export class Refund {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  outRefundNo!: string;

  @Column({ type: 'int' })
  orderId!: number;

  @Column({ type: 'varchar', length: 64 })
  requestNo!: string;

  @Column({ type: 'int' })
  amountFen!: number;

  @Column({ type: 'varchar', length: 80 })
  reason!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: RefundStatus;

  /** Staff who asked; null for automatic refunds (a payment that landed after close). */
  @Column({ type: 'int', nullable: true })
  requestedBy!: number | null;

  /**
   * `wechat`: money goes back through WeChat Pay (pre-orders), settled by its notification. `till`: an in-store
   * return; the till hands the money back, so the refund is recorded and settled in one transaction.
   */
  @Column({ type: 'varchar', length: 8, default: 'wechat' })
  via!: 'wechat' | 'till';

  /** sha256 of a till return's canonical lines: the same returnNo with other lines → IDEMPOTENCY_KEY_REUSED. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  requestHash!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  wechatRefundId!: string | null;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ type: 'varchar', length: 200, nullable: true })
  lastError!: string | null;

  @Column({ type: 'int', default: 0 })
  pointsReturned!: number;

  @Column({ type: 'int', default: 0 })
  pointsReversed!: number;

  @Column({ type: 'int', default: 0 })
  pointsUnrecovered!: number;

  @DateTimeColumn({ nullable: true })
  completedAt!: Date | null;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}
