import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt } from '../../db/columns';

export type PayNotificationStatus = 'processed' | 'quarantined' | 'ignored';

/**
 * Every verified WeChat Pay notification, kept for audit with its raw headers and body exactly as
 * received. `notifyId` (WeChat's id) is unique: a redelivery finds its row and changes nothing.
 * Unverified requests are never stored (they are logged): an attacker must not be able to fill the table.
 */
@Entity('pay_notification')
@Index('idx_pay_notification_trade', ['outTradeNo'])
@Index('idx_pay_notification_status', ['status', 'id'])
export class PayNotification {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  notifyId!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: 'transaction' | 'refund';

  @Column({ type: 'varchar', length: 32 })
  eventType!: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  outTradeNo!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  outRefundNo!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: PayNotificationStatus;

  /** Why it was quarantined or ignored. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  reason!: string | null;

  @Column({ type: 'varchar', length: 64 })
  serial!: string;

  @Column({ type: 'text' })
  headers!: string;

  @Column({ type: 'text' })
  body!: string;

  /** The decrypted resource (transaction or refund object). */
  @Column({ type: 'text' })
  resource!: string;

  @CreatedAt()
  createdAt!: Date;
}
