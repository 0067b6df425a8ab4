import { Column, Entity, PrimaryColumn } from 'typeorm';
import { UpdatedAt } from '../../db/columns';

const bigint = { to: (v: number) => v, from: (v: string | number) => Number(v) };

/**
 * Per-code figures kept current from outbox events (never scanned per request): scans (visits), new fans whose first
 * scan was this code, members among them, and the paid sales of customers this code acquired (net of refunds).
 * Each increment is exactly once per event (`handled_event`); `npm run qr:stats-rebuild` recomputes them all.
 */
@Entity('qr_code_stat')
export class QrCodeStat {
  @PrimaryColumn({ type: 'int' })
  qrCodeId!: number;

  @Column({ type: 'int', default: 0 })
  scans!: number;

  @Column({ type: 'int', default: 0 })
  newFans!: number;

  @Column({ type: 'int', default: 0 })
  newMembers!: number;

  @Column({ type: 'int', default: 0 })
  orders!: number;

  @Column({ type: 'bigint', default: 0, transformer: bigint })
  salesFen!: number;

  @Column({ type: 'bigint', default: 0, transformer: bigint })
  refundedFen!: number;

  @UpdatedAt()
  updatedAt!: Date;
}
