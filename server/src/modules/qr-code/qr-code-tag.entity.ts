import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, DateTimeColumn } from '../../db/columns';

/**
 * A tag scheduled on a code: in force for scans at t with validFrom <= t < validTo (validTo null = open).
 * A poster change is a new row; rows are never edited, so the history of what a code meant stays.
 */
@Entity('qr_code_tag')
@Index('idx_qr_code_tag_code_from', ['qrCodeId', 'validFrom'])
export class QrCodeTag {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'int' })
  qrCodeId!: number;

  @Column({ type: 'int' })
  tagId!: number;

  @DateTimeColumn()
  validFrom!: Date;

  @DateTimeColumn({ nullable: true })
  validTo!: Date | null;

  @Column({ type: 'int', nullable: true })
  createdBy!: number | null;

  @CreatedAt()
  createdAt!: Date;
}
