import { Check, Column, Entity, Index, PrimaryGeneratedColumn, Unique, VersionColumn } from 'typeorm';
import type { OrderChannel, OrderStatus } from '@o2o/shared';
import { CreatedAt, DateTimeColumn, UpdatedAt } from '../../db/columns';

/**
 * A sale: a pre-order paid with WeChat Pay (channel `preorder`) or an in-store sale committed by a till or the
 * clerk cashier (`pos`, `clerk`), paid at the till and recorded paid at once. Amounts are integer fen fixed at creation by `priceOrder`; status moves
 * only through the guarded transitions of order-state.ts (conditional UPDATEs, affected rows checked).
 * Refund bookkeeping: refundPendingFen reserves amounts sent to WeChat and not yet settled, so that
 * refundedFen + refundPendingFen never exceeds payableFen (DB CHECK on MySQL).
 */
@Entity('orders')
@Unique('uq_order_idempotency', ['customerId', 'idempotencyKey'])
@Index('idx_order_customer', ['customerId', 'id'])
@Index('idx_order_status_created', ['status', 'createdAt'])
@Index('idx_order_store', ['storeId', 'paidAt'])
@Index('idx_order_store_created', ['storeId', 'createdAt'])
@Index('idx_order_created', ['createdAt'])
@Index('idx_order_store_pickup', ['storeId', 'pickupCode'])
@Check('chk_order_refund_bound', 'refunded_fen + refund_pending_fen <= payable_fen')
export class Order {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  /** Our order number at WeChat Pay: random, never sequential. */
  @Column({ type: 'varchar', length: 32, unique: true })
  outTradeNo!: string;

  @Column({ type: 'int' })
  customerId!: number;

  @Column({ type: 'int' })
  storeId!: number;

  /** The customer's owning clerk when the order was placed: who gets the sale credited. */
  @Column({ type: 'int', nullable: true })
  clerkId!: number | null;

  /** Staff member who rang the sale up (clerk cashier) or the terminal's store manager of record; null for pre-orders. */
  @Column({ type: 'int', nullable: true })
  staffId!: number | null;

  /** The POS terminal that committed the sale (channel `pos`). */
  @Column({ type: 'int', nullable: true })
  terminalId!: number | null;

  /** The till's receipt number (pos) or the cashier's request number (clerk), as the till prints it. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  receiptNo!: string | null;

  /**
   * Idempotency of in-store sales: `pos:<terminalId>:<receiptNo>` or `clerk:<storeId>:<receiptNo>`, UNIQUE, so a
   * retried commit finds its sale and two concurrent commits of one receipt make one sale. Null for pre-orders
   * (their key is (customer, idempotencyKey)).
   */
  @Column({ type: 'varchar', length: 80, nullable: true, unique: true })
  saleKey!: string | null;

  @Column({ type: 'varchar', length: 24 })
  status!: OrderStatus;

  /** Where the sale happened: `preorder` (mini-program + WeChat Pay) today; the store counter adds `pos`, `clerk`, `import`. */
  @Column({ type: 'varchar', length: 16, default: 'preorder' })
  channel!: OrderChannel;

  @Column({ type: 'varchar', length: 64 })
  idempotencyKey!: string;

  /** sha256 of the canonical request: same key + another body → 422. */
  @Column({ type: 'varchar', length: 64 })
  requestHash!: string;

  @Column({ type: 'int' })
  listFen!: number;

  @Column({ type: 'int' })
  totalFen!: number;

  @Column({ type: 'int' })
  couponDiscountFen!: number;

  @Column({ type: 'int' })
  pointsDeductionFen!: number;

  @Column({ type: 'int' })
  payableFen!: number;

  @Column({ type: 'int' })
  pointsUsed!: number;

  @Column({ type: 'int', nullable: true })
  couponId!: number | null;

  /** Comma-separated tag ids of the items' categories: tagged as purchase preferences when paid. */
  @Column({ type: 'varchar', length: 255, default: '' })
  categoryTagIds!: string;

  @Column({ type: 'varchar', length: 8 })
  pickupCode!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  prepayId!: string | null;

  @DateTimeColumn({ nullable: true })
  prepayAt!: Date | null;

  /** End of the payment window (sent to WeChat as time_expire). */
  @DateTimeColumn()
  expiresAt!: Date;

  @Column({ type: 'varchar', length: 32, nullable: true, unique: true })
  transactionId!: string | null;

  @DateTimeColumn({ nullable: true })
  paidAt!: Date | null;

  /** The payment arrived after the order had closed. */
  @Column({ type: 'boolean', default: false })
  paidLate!: boolean;

  @DateTimeColumn({ nullable: true })
  closedAt!: Date | null;

  /** Counted in the customer's order count and spend (false for a late payment refunded automatically). */
  @Column({ type: 'boolean', default: false })
  inCustomerStats!: boolean;

  /** Points credited when paid: POINTS_PER_YUAN on the payable plus `pointsGiven` (members only). */
  @Column({ type: 'int', default: 0 })
  pointsEarned!: number;

  /** The 会员价送积分 part of pointsEarned, fixed at pricing (shown apart on receipts). */
  @Column({ type: 'int', default: 0 })
  pointsGiven!: number;

  /** Pickup (fulfilment) is orthogonal to the payment state: a picked-up order can still be refunded. */
  @DateTimeColumn({ nullable: true })
  pickedUpAt!: Date | null;

  @Column({ type: 'int', nullable: true })
  pickedUpBy!: number | null;

  /** Cumulative points-earned taken back by refunds (including any written off: see refund.entity). */
  @Column({ type: 'int', default: 0 })
  pointsEarnedReversed!: number;

  /** Cumulative points-used given back by refunds. */
  @Column({ type: 'int', default: 0 })
  pointsUsedReturned!: number;

  @Column({ type: 'int', default: 0 })
  refundedFen!: number;

  @Column({ type: 'int', default: 0 })
  refundPendingFen!: number;

  @VersionColumn()
  version!: number;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}
