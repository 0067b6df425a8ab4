import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, DateTimeColumn } from '../../db/columns';

/**
 * A coupon template scheduled on a code, next to its tag schedule: a scan at t with validFrom <= t < validTo
 * (validTo null = open) grants the template once per customer per entry (source `qr`, sourceRef `qs<id>`).
 * Changing what a poster gives is a new row (`replace` closes the open ones); rows are never edited otherwise,
 * so which coupon a code gave at any instant stays answerable.
 */
@Entity('qr_code_coupon')
@Index('idx_qr_code_coupon_code_from', ['qrCodeId', 'validFrom'])
export class QrCodeCoupon {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'int' })
  qrCodeId!: number;

  @Column({ type: 'int' })
  templateId!: number;

  @DateTimeColumn()
  validFrom!: Date;

  @DateTimeColumn({ nullable: true })
  validTo!: Date | null;

  @Column({ type: 'int', nullable: true })
  createdBy!: number | null;

  @CreatedAt()
  createdAt!: Date;
}
