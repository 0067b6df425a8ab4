import { Check, Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { CouponKind, CouponTemplateStatus } from '@o2o/shared';
import { CreatedAt, DateTimeColumn, UpdatedAt } from '../../db/columns';

/**
 * What a coupon is worth and how many may exist. `issuedCount` moves only by the conditional increment in
 * `issueCoupon` (`… WHERE status = 'active' AND (total_stock IS NULL OR issued_count < total_stock)`, affected rows
 * checked), with a DB CHECK as the last guard; it always equals the number of coupon rows of the template.
 * Validity is fixed (validFrom..validTo, inclusive) or relative (validDays, see validity.ts).
 */
@Entity('coupon_template')
@Index('idx_coupon_template_welcome', ['welcome', 'status'])
@Check('chk_coupon_template_stock', 'issued_count >= 0 AND (total_stock IS NULL OR issued_count <= total_stock)')
export class CouponTemplate {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'varchar', length: 32 })
  title!: string;

  @Column({ type: 'varchar', length: 200, default: '' })
  description!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: CouponKind;

  @Column({ type: 'int', default: 0 })
  thresholdFen!: number;

  @Column({ type: 'int', nullable: true })
  amountOffFen!: number | null;

  /** 20 = 20 % off (八折). */
  @Column({ type: 'int', nullable: true })
  percentOff!: number | null;

  @Column({ type: 'int', nullable: true })
  maxDiscountFen!: number | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  giftSku!: string | null;

  @DateTimeColumn({ nullable: true })
  validFrom!: Date | null;

  @DateTimeColumn({ nullable: true })
  validTo!: Date | null;

  @Column({ type: 'int', nullable: true })
  validDays!: number | null;

  /** null = unlimited. */
  @Column({ type: 'int', nullable: true })
  totalStock!: number | null;

  @Column({ type: 'int', default: 0 })
  issuedCount!: number;

  @Column({ type: 'int', default: 1 })
  perCustomerLimit!: number;

  /** Comma-separated category ids of the scope; '' = every category. */
  @Column({ type: 'varchar', length: 400, default: '' })
  categoryIds!: string;

  /** Store scope lives in coupon_template_store (none = every store); this flag saves the join when unscoped. */
  @Column({ type: 'boolean', default: false })
  storeScoped!: boolean;

  @Column({ type: 'varchar', length: 16 })
  status!: CouponTemplateStatus;

  @Column({ type: 'boolean', default: false })
  claimable!: boolean;

  @Column({ type: 'boolean', default: false })
  welcome!: boolean;

  @Column({ type: 'int', nullable: true })
  createdBy!: number | null;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}

/** A store in a template's scope: a row per store so "which templates can store S redeem" is a query. */
@Entity('coupon_template_store')
@Index('idx_coupon_template_store_store', ['storeId'])
export class CouponTemplateStore {
  @PrimaryColumn({ type: 'int' })
  templateId!: number;

  @PrimaryColumn({ type: 'int' })
  storeId!: number;
}
