import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { SegmentExportStatus } from '@o2o/shared';
import { CreatedAt, DateTimeColumn, UpdatedAt } from '../../db/columns';

/** A saved segment (人群): a named rule tree, stored as JSON validated by the shared schema on the way in and out. */
@Entity('segment')
export class Segment {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description!: string | null;

  /** JSON of the rule (bounded by SEGMENT_RULE_LIMITS, far below 64 KB). */
  @Column({ type: 'text' })
  rule!: string;

  @Column({ type: 'int', nullable: true })
  createdBy!: number | null;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}

/**
 * A CSV export of a segment's audience, snapshotted at `asOf` with the rule as it was then. Worked by any
 * process holding the lease (`leaseUntil`); a worker that dies loses the lease and the next one starts over.
 */
@Entity('segment_export')
@Index('idx_segment_export_segment', ['segmentId', 'id'])
@Index('idx_segment_export_status', ['status', 'leaseUntil'])
export class SegmentExport {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'int' })
  segmentId!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: SegmentExportStatus;

  @Column({ type: 'text' })
  rule!: string;

  @DateTimeColumn()
  asOf!: Date;

  @Column({ type: 'int', nullable: true })
  total!: number | null;

  @Column({ type: 'int', default: 0 })
  processed!: number;

  @Column({ type: 'int', default: 0 })
  chunkCount!: number;

  @DateTimeColumn({ nullable: true })
  leaseUntil!: Date | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  error!: string | null;

  @Column({ type: 'int', nullable: true })
  requestedBy!: number | null;

  @CreatedAt()
  createdAt!: Date;

  @DateTimeColumn({ nullable: true })
  finishedAt!: Date | null;
}

/** Up to 48 KB of an export's CSV text (MySQL `text` stops at 64 KB; one portable schema). */
@Entity('segment_export_chunk')
export class SegmentExportChunk {
  @PrimaryColumn({ type: 'int' })
  exportId!: number;

  @PrimaryColumn({ type: 'int' })
  chunkNo!: number;

  @Column({ type: 'text' })
  data!: string;
}
