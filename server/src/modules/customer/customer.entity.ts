import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, DateTimeColumn, UpdatedAt } from '../../db/columns';

/**
 * A WeChat identity (fan); with a bound phone, a member. The phone is stored only as AES-GCM ciphertext
 * plus a keyed blind index for uniqueness and lookup. Stats are kept current by events.
 */
@Entity('customer')
@Index('idx_customer_store', ['storeId'])
@Index('idx_customer_unionid', ['unionid'])
// Console sorts over the whole brand (1M+ customers): without these a page sorted by recency or spend reads the table.
@Index('idx_customer_last_visit', ['lastVisitAt'])
@Index('idx_customer_last_purchase', ['lastPurchaseAt'])
@Index('idx_customer_spend', ['totalSpendFen'])
@Check('chk_customer_points_nonneg', 'points_balance >= 0')
export class Customer {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  openid!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  unionid!: string | null;

  /** Encrypted; never leaves the server. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  sessionKeyEnc!: string | null;

  @Column({ type: 'varchar', length: 160, nullable: true })
  phoneEnc!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true, unique: true })
  phoneHash!: string | null;

  /** null = fan only. Set exactly once, by the conditional update in bindMember. */
  @DateTimeColumn({ nullable: true })
  memberSince!: Date | null;

  @Column({ type: 'int', default: 0 })
  level!: number;

  @Column({ type: 'int', default: 0 })
  pointsBalance!: number;

  /** Home store: the store of the first attributed scan, then the owning clerk's store. */
  @Column({ type: 'int', nullable: true })
  storeId!: number | null;

  /** The store the customer orders pre-orders from: the last store or clerk code scanned, or chosen in the app. */
  @Column({ type: 'int', nullable: true })
  orderingStoreId!: number | null;

  /** Random 9-digit handle inside the member code (assigned when first shown; UNIQUE so a code names one customer). */
  @Column({ type: 'varchar', length: 9, nullable: true, unique: true })
  memberHandle!: string | null;

  @DateTimeColumn({ nullable: true })
  firstScanAt!: Date | null;

  /** The code of the first attributed scan (acquisition channel): per-code new fans, members and sales. Set once. */
  @Column({ type: 'int', nullable: true })
  firstQrCodeId!: number | null;

  @DateTimeColumn({ nullable: true })
  lastVisitAt!: Date | null;

  @DateTimeColumn({ nullable: true })
  lastPurchaseAt!: Date | null;

  @Column({ type: 'int', default: 0 })
  orderCount!: number;

  @Column({ type: 'bigint', default: 0, transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  totalSpendFen!: number;

  /** Personalised marketing is opt-out (PIPL Art. 24): false excludes the customer from every targeted send. */
  @Column({ type: 'boolean', default: true })
  marketingConsent!: boolean;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}
