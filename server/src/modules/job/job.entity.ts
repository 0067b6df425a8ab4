import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, DateTimeColumn, UpdatedAt } from '../../db/columns';
import type { JobKind, JobStatus } from '@o2o/shared';

/**
 * A long console job (poster sheets, exports, large imports): queued → running → done | failed, with progress
 * the console polls. Run under a lease so any process takes over a job whose runner died. The result file, if any,
 * is stored in `job_chunk` rows (several api/worker processes need not share a disk).
 */
@Entity('job')
@Index('idx_job_status', ['status', 'leaseUntil'])
@Index('idx_job_requested', ['requestedBy', 'id'])
export class Job {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'varchar', length: 32 })
  kind!: JobKind;

  @Column({ type: 'varchar', length: 16, default: 'queued' })
  status!: JobStatus;

  /** JSON of the command, validated by the kind's schema when the job was requested. */
  @Column({ type: 'text' })
  params!: string;

  @Column({ type: 'int', default: 0 })
  progressDone!: number;

  @Column({ type: 'int', default: 0 })
  progressTotal!: number;

  @Column({ type: 'int', nullable: true })
  requestedBy!: number | null;

  /** The store a store manager's job is scoped to (null: brand-wide). */
  @Column({ type: 'int', nullable: true })
  storeId!: number | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  leaseOwner!: string | null;

  @DateTimeColumn({ nullable: true })
  leaseUntil!: Date | null;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ type: 'varchar', length: 128, nullable: true })
  fileName!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  contentType!: string | null;

  @Column({ type: 'int', nullable: true })
  fileBytes!: number | null;

  @Column({ type: 'int', default: 0 })
  chunkCount!: number;

  /** JSON summary shown when done (counts), or the error message when failed. */
  @Column({ type: 'text', nullable: true })
  result!: string | null;

  @DateTimeColumn({ nullable: true })
  finishedAt!: Date | null;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}

/** 48 KB pieces of a job's result file (MySQL `blob` stops at 64 KB; one portable schema, as for QR images). */
export const JOB_CHUNK_BYTES = 48 * 1024;

@Entity('job_chunk')
export class JobChunk {
  @PrimaryColumn({ type: 'int' })
  jobId!: number;

  @PrimaryColumn({ type: 'int' })
  chunkNo!: number;

  @Column({ type: 'blob' })
  data!: Buffer;
}
