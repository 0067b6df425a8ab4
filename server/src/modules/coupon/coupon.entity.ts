import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { CouponSource, CouponStatus } from '@o2o/shared';
import { CreatedAt, DateTimeColumn, UpdatedAt } from '../../db/columns';

/**
 * One customer's coupon. Status moves only by conditional updates naming the source status (affected rows
 * checked): issued → locked → redeemed (online), issued → redeemed (in store), back to issued on close, full
 * refund or reversal, → expired / revoked.
 *
 * Physical limits: UNIQUE(template, customer, claimSlot) with slot ∈ 1..perCustomerLimit makes the per-customer
 * limit a key, not a pre-check; UNIQUE(customer, source, sourceRef) makes each grant idempotent (a claim's
 * Idempotency-Key, a welcome grant's template, a campaign's id).
 */
@Entity('coupon')
@Unique('uq_coupon_slot', ['templateId', 'customerId', 'claimSlot'])
@Unique('uq_coupon_source', ['customerId', 'source', 'sourceRef'])
@Index('idx_coupon_customer_status', ['customerId', 'status'])
@Index('idx_coupon_status_valid_to', ['status', 'validTo'])
export class Coupon {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  /** Public random code (80 bits, Crockford base32): what the QR token carries. */
  @Column({ type: 'varchar', length: 24, unique: true })
  code!: string;

  /**
   * 6-digit numeric handle of the typed code: assigned at the first code request, UNIQUE (NULLs allowed many times).
   * A coupon that is no longer issued/locked keeps it (a replayed typed code is then recognised as a replay) until
   * a new assignment draws the same number and takes it over, so only usable coupons really occupy the 10^6 numbers.
   */
  @Column({ type: 'varchar', length: 6, nullable: true, unique: true })
  handle!: string | null;

  @Column({ type: 'int' })
  templateId!: number;

  @Column({ type: 'int' })
  customerId!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: CouponStatus;

  @Column({ type: 'varchar', length: 16 })
  source!: CouponSource;

  @Column({ type: 'varchar', length: 64 })
  sourceRef!: string;

  @Column({ type: 'int' })
  claimSlot!: number;

  @DateTimeColumn()
  validFrom!: Date;

  /** Inclusive (…23:59:59.999 Asia/Shanghai for day-based validity). */
  @DateTimeColumn()
  validTo!: Date;

  /** The pre-order holding it (locked), kept when that order redeems it. */
  @Column({ type: 'int', nullable: true })
  lockedOrderId!: number | null;

  @DateTimeColumn({ nullable: true })
  redeemedAt!: Date | null;

  @Column({ type: 'int', nullable: true })
  redeemedStoreId!: number | null;

  /** The clerk of an in-store redemption; null online. */
  @Column({ type: 'int', nullable: true })
  redeemedClerkId!: number | null;

  @DateTimeColumn()
  issuedAt!: Date;

  /** Revocation by an admin (issued → revoked): who, when, why. */
  @DateTimeColumn({ nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'int', nullable: true })
  revokedBy!: number | null;

  @Column({ type: 'varchar', length: 80, nullable: true })
  revokeReason!: string | null;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}
