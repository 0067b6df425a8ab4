import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { CreatedAt, DateTimeColumn } from '../../db/columns';

/**
 * An in-store redemption (核销) by a clerk. UNIQUE(store, requestNo) makes the clerk's confirm idempotent: a retry
 * returns the same row. A reversal (same store, within the window) is recorded on the row, never deleted.
 */
@Entity('redemption')
@Unique('uq_redemption_request', ['storeId', 'requestNo'])
@Index('idx_redemption_coupon', ['couponId'])
@Index('idx_redemption_store', ['storeId', 'redeemedAt'])
export class Redemption {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'int' })
  couponId!: number;

  @Column({ type: 'int' })
  storeId!: number;

  @Column({ type: 'int' })
  clerkId!: number;

  @Column({ type: 'varchar', length: 64 })
  requestNo!: string;

  @Column({ type: 'int' })
  orderAmountFen!: number;

  @Column({ type: 'int' })
  discountFen!: number;

  /** The 30-second code window presented (with the coupon, the single-use key of the code). */
  @Column({ type: 'int' })
  codeWindow!: number;

  /** When the clerk confirmed (the server clock; the reversal window runs from here). */
  @DateTimeColumn()
  redeemedAt!: Date;

  @DateTimeColumn({ nullable: true })
  reversedAt!: Date | null;

  @Column({ type: 'int', nullable: true })
  reversedBy!: number | null;

  @Column({ type: 'varchar', length: 80, nullable: true })
  reverseReason!: string | null;

  @CreatedAt()
  createdAt!: Date;
}

/** A rotating code (coupon, window) that has been used: a second use is COUPON_CODE_REPLAYED. */
@Entity('coupon_code_use')
@Unique('uq_coupon_code_use', ['couponId', 'codeWindow'])
export class CouponCodeUse {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'int' })
  couponId!: number;

  @Column({ type: 'int' })
  codeWindow!: number;

  @DateTimeColumn()
  usedAt!: Date;
}
