import { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import type { JobKind, JobView } from '@o2o/shared';
import type { Ctx } from '../../context';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { kickJobs } from './job-runner';
import { Job, JobChunk } from './job.entity';

export interface JobSpec {
  kind: JobKind;
  /** Already validated by the kind's schema; stored as JSON and handed to the handler. */
  params: unknown;
  /** The store a store manager's job is scoped to (their own); null for brand-wide jobs. */
  storeId: number | null;
  /** What the bar starts from (the handler may correct it when it runs). */
  total: number;
}

/**
 * Records a job (queued) in one transaction together with whatever the caller adds in it (`alsoInTx`: its audit
 * row), then starts it in this process after commit — unless this is an `api` process, whose worker processes
 * pick it up within seconds (startJobRunner). Not idempotent: each request is a new job (a second click prints
 * again; nothing is changed by a job but its own row).
 */
export async function requestJob(ctx: Ctx, actor: StaffActor, spec: JobSpec, alsoInTx?: (tx: EntityManager, jobId: number) => Promise<void>): Promise<JobView> {
  const id = await ctx.db.transaction(async (tx) => {
    const jobId = await ctx.db.insertReturningId(tx, Job, {
      kind: spec.kind,
      status: 'queued',
      params: JSON.stringify(spec.params ?? {}),
      progressDone: 0,
      progressTotal: spec.total,
      requestedBy: actor.staffId,
      storeId: spec.storeId,
      attempts: 0,
      chunkCount: 0,
    });
    await alsoInTx?.(tx, jobId);
    return jobId;
  });
  if (ctx.config.role !== 'api') void kickJobs(ctx);
  return getJob(ctx, actor, id);
}

/**
 * Who may see a job and fetch its file: an admin any; otherwise only its requester — and a store manager only while
 * the job is their store's. Anyone else gets 404, as for a job that does not exist (no existence oracle).
 */
async function visibleJob(ctx: Ctx, actor: StaffActor, id: number): Promise<Job> {
  const job = await ctx.db.read((em) => em.getRepository(Job).findOneBy({ id }));
  if (!job) throw new AppError('NOT_FOUND', 'Job not found');
  if (actor.role === 'admin') return job;
  const own = job.requestedBy === actor.staffId;
  const storeOk = actor.role !== 'store_manager' || (job.storeId !== null && job.storeId === actor.storeId);
  if (!own || !storeOk) throw new AppError('NOT_FOUND', 'Job not found');
  return job;
}

/**
 * The job as the console polls it. A job left queued, or running with a lapsed lease, is picked up here too (the
 * console polls while someone waits for it), so it never depends on the periodic runner alone.
 */
export async function getJob(ctx: Ctx, actor: StaffActor, id: number): Promise<JobView> {
  const job = await visibleJob(ctx, actor, id);
  const stalled = job.status === 'queued' || (job.status === 'running' && job.leaseUntil !== null && job.leaseUntil.getTime() < ctx.clock.now().getTime());
  if (stalled && ctx.config.role !== 'api') void kickJobs(ctx);
  return jobView(job);
}

export function jobView(j: Job): JobView {
  return {
    id: j.id,
    kind: j.kind,
    status: j.status,
    progressDone: j.progressDone,
    progressTotal: j.progressTotal,
    fileName: j.status === 'done' ? j.fileName : null,
    fileBytes: j.status === 'done' ? j.fileBytes : null,
    downloadUrl: j.status === 'done' && j.fileName ? `/api/admin/jobs/${j.id}/file` : null,
    // done: the handler's summary; failed: { error } with the message for the operator
    result: j.result === null ? null : (JSON.parse(j.result) as unknown),
    createdAt: j.createdAt.toISOString(),
    finishedAt: j.finishedAt?.toISOString() ?? null,
  };
}

/** The finished file as a stream of its chunks (read 20 at a time); 409 JOB_NOT_READY until the job is done. */
export async function openJobFile(ctx: Ctx, actor: StaffActor, id: number): Promise<{ stream: Readable; fileName: string; contentType: string; bytes: number }> {
  const job = await visibleJob(ctx, actor, id);
  if (job.status !== 'done' || !job.fileName) throw new AppError('JOB_NOT_READY');
  const count = job.chunkCount;
  async function* chunks() {
    for (let from = 0; from < count; from += 20) {
      const rows = await ctx.db.read((em) =>
        em
          .getRepository(JobChunk)
          .createQueryBuilder('k')
          .where('k.job_id = :id AND k.chunk_no >= :from AND k.chunk_no < :to', { id, from, to: from + 20 })
          .orderBy('k.chunk_no', 'ASC')
          .getMany(),
      );
      for (const r of rows) yield Buffer.from(r.data);
    }
  }
  return { stream: Readable.from(chunks()), fileName: job.fileName, contentType: job.contentType ?? 'application/octet-stream', bytes: job.fileBytes ?? 0 };
}

/** `attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266 / 5987), for Chinese file names. */
export function contentDisposition(fileName: string, fallback: string): string {
  const ascii = fallback.replace(/[^A-Za-z0-9._-]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
