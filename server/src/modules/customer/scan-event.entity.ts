import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { DateTimeColumn } from '../../db/columns';

/**
 * Append-only record of a visit through a code. Repeated opens of the same code by the same customer
 * inside one visit window are one visit (unique on the bucket), so reloads and retries double nothing.
 */
@Entity('scan_event')
@Unique('uq_scan_visit', ['customerId', 'qrCodeId', 'visitBucket'])
@Index('idx_scan_store_at', ['storeId', 'scannedAt'])
@Index('idx_scan_staff_at', ['staffId', 'scannedAt'])
export class ScanEvent {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'int' })
  customerId!: number;

  @Column({ type: 'int' })
  qrCodeId!: number;

  @Column({ type: 'int' })
  storeId!: number;

  /** The clerk on the code, if it is a clerk code whose clerk was active at scan time. */
  @Column({ type: 'int', nullable: true })
  staffId!: number | null;

  /** Tag ids in force at scan time, JSON array. */
  @Column({ type: 'varchar', length: 255 })
  tagsApplied!: string;

  @Column({ type: 'int' })
  visitBucket!: number;

  @DateTimeColumn()
  scannedAt!: Date;
}
