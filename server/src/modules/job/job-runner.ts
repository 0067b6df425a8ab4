import crypto from 'node:crypto';
import os from 'node:os';
import type { Ctx } from '../../context';
import type { Db } from '../../db/db';
import { startPeriodic } from '../../lib/periodic';
import { JobFailure } from './job-failure';
import { JOB_HANDLERS } from './kinds';
import { JOB_CHUNK_BYTES, Job, JobChunk } from './job.entity';

/**
 * The generic runner of long console jobs (`job` rows): poster sheets, invite sheets, exports.
 *
 * A job is claimed by a conditional update (queued, or running with a lapsed lease) that names a fresh lease owner;
 * every later write of the runner — progress, result chunks, the end — is one transaction whose first statement is
 * an update fenced on that owner, so a runner whose lease was taken over (it stalled, its process died) writes
 * nothing more: its update matches no row and its chunk inserts roll back with it. A claimed job starts over from
 * nothing (the previous holder's chunks are deleted), so a handler only has to be deterministic, not resumable.
 * A job claimed MAX_ATTEMPTS times without finishing is failed rather than retried forever.
 *
 * Any process runs jobs: the requesting process starts at once after commit (`kickJobs`), and every process looks
 * for queued or lapsed jobs every few seconds (`startJobRunner`), so a job whose process died is finished elsewhere.
 */

/** A lease outlives a few progress writes; a runner renews it at every write. */
export const JOB_LEASE_MS = 60_000;
const MAX_ATTEMPTS = 3;
/** Renew the lease at least this often even when a handler reports no progress (real time). */
const RENEW_EVERY_MS = 10_000;

export { JobFailure };
class LeaseLost extends Error {}

/** What a running handler gets: its params and the ways to report progress and write the result file. */
export interface JobIo {
  readonly id: number;
  readonly params: unknown;
  /** The store a store manager's job is scoped to (null: brand-wide). */
  readonly storeId: number | null;
  readonly requestedBy: number | null;
  /** Sets the bar's total (written with the next progress write). */
  setTotal(total: number): void;
  /** Appends to the result file; full 48 KB chunks are stored with the next progress write. */
  write(data: Buffer | string): void;
  /**
   * Reports `done` items. Writes progress, the filled chunks and a renewed lease every `progressEvery` items (or
   * every 10 s), in one transaction fenced on the lease. Throws when the lease was lost: let it propagate.
   */
  progress(done: number): Promise<void>;
}

export interface JobOutcome {
  /** The download's name (UTF-8 allowed; ≤ 128 characters). */
  fileName: string;
  contentType: string;
  /** A JSON summary shown when done (counts). */
  result?: unknown;
}

export interface JobHandler {
  run(ctx: Ctx, io: JobIo): Promise<JobOutcome>;
  /** Items between two progress writes (default 100). */
  progressEvery?: number;
}

const runners = new WeakMap<Db, Promise<void>>();

/** Starts working claimable jobs in this process unless it already does (it loops until none is left). */
export function kickJobs(ctx: Ctx): Promise<void> {
  const current = runners.get(ctx.db);
  if (current) return current;
  const run = runJobs(ctx)
    .then(() => undefined)
    .catch((err) => ctx.log.error({ err }, 'job runner failed'))
    .finally(() => runners.delete(ctx.db));
  runners.set(ctx.db, run);
  return run;
}

/** Every process looks for queued jobs and jobs whose lease lapsed (their runner died) every `intervalMs`. */
export function startJobRunner(ctx: Ctx, intervalMs = 5_000): { stop(): Promise<void> } {
  const periodic = startPeriodic(ctx.log, 'jobs', intervalMs, () => kickJobs(ctx));
  return {
    async stop() {
      await periodic.stop();
      await runners.get(ctx.db);
    },
  };
}

/** Works every claimable job until none is left; returns how many this call finished (done or failed). */
export async function runJobs(ctx: Ctx): Promise<number> {
  let finished = 0;
  for (;;) {
    const claim = await claimNext(ctx);
    if (!claim) return finished;
    if (await work(ctx, claim)) finished++;
  }
}

interface Claim {
  job: Job;
  owner: string;
}

async function claimNext(ctx: Ctx): Promise<Claim | null> {
  for (;;) {
    const now = ctx.clock.now();
    const next = await ctx.db.read((em) =>
      em
        .getRepository(Job)
        .createQueryBuilder('j')
        .select(['j.id'])
        .where("j.status = 'queued' OR (j.status = 'running' AND j.lease_until < :now)", { now })
        .orderBy('j.id', 'ASC')
        .getOne(),
    );
    if (!next) return null;
    const owner = `${os.hostname().slice(0, 30)}:${process.pid}:${crypto.randomBytes(6).toString('hex')}`;
    const claimed = await ctx.db.transaction(async (tx) => {
      const res = await tx
        .createQueryBuilder()
        .update(Job)
        .set({ status: 'running', leaseOwner: owner, leaseUntil: new Date(now.getTime() + JOB_LEASE_MS), attempts: () => 'attempts + 1', progressDone: 0, chunkCount: 0, fileBytes: null })
        .where("id = :id AND (status = 'queued' OR (status = 'running' AND lease_until < :now))", { id: next.id, now })
        .execute();
      if (res.affected !== 1) return null; // another process claimed it first
      // A previous holder's partial file: the job starts over.
      await tx.createQueryBuilder().delete().from(JobChunk).where('job_id = :id', { id: next.id }).execute();
      return tx.getRepository(Job).findOneByOrFail({ id: next.id });
    });
    if (claimed) return { job: claimed, owner };
  }
}

/** Runs one claimed job to its end; true when this runner finished it (done or failed). */
async function work(ctx: Ctx, { job, owner }: Claim): Promise<boolean> {
  const log = ctx.log.child({ jobId: job.id, kind: job.kind });
  const io = new LeasedIo(ctx, job, owner);
  try {
    if (job.attempts > MAX_ATTEMPTS) throw new JobFailure(`任务已中断 ${MAX_ATTEMPTS} 次，已停止；请重新发起`);
    const handler = JOB_HANDLERS[job.kind]?.();
    if (!handler) throw new JobFailure(`不支持的任务类型：${job.kind}`);
    io.progressEvery = handler.progressEvery ?? 100;
    const outcome = await handler.run(ctx, io);
    await io.finish(outcome);
    log.info({ bytes: io.bytes, chunks: io.chunkNo }, 'job done');
    return true;
  } catch (err) {
    if (err instanceof LeaseLost) {
      log.warn('job lease lost: another process took the job over');
      return false;
    }
    const message = err instanceof JobFailure ? err.message : '内部错误，请重试；仍失败请联系管理员';
    if (!(err instanceof JobFailure)) log.error({ err }, 'job failed');
    else log.warn({ reason: err.message }, 'job failed');
    try {
      await io.fail(message);
      return true;
    } catch (e) {
      if (e instanceof LeaseLost) return false;
      throw e;
    }
  }
}

/** The JobIo of one claim: buffers the file, writes chunks and progress under the lease. */
class LeasedIo implements JobIo {
  readonly id: number;
  readonly params: unknown;
  readonly storeId: number | null;
  readonly requestedBy: number | null;
  progressEvery = 100;
  bytes = 0;
  chunkNo = 0;
  private total: number;
  private done = 0;
  private writtenDone = 0;
  private writtenAt = performance.now();
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly ctx: Ctx,
    job: Job,
    private readonly owner: string,
  ) {
    this.id = job.id;
    this.params = JSON.parse(job.params);
    this.storeId = job.storeId;
    this.requestedBy = job.requestedBy;
    this.total = job.progressTotal;
  }

  setTotal(total: number): void {
    this.total = total;
  }

  write(data: Buffer | string): void {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (buf.length === 0) return;
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    this.bytes += buf.length;
  }

  async progress(done: number): Promise<void> {
    this.done = done;
    if (done - this.writtenDone < this.progressEvery && performance.now() - this.writtenAt < RENEW_EVERY_MS) return;
    await this.save({ progressDone: done, progressTotal: this.total }, this.takeChunks(false));
  }

  async finish(outcome: JobOutcome): Promise<void> {
    const now = this.ctx.clock.now();
    const chunks = this.takeChunks(true);
    await this.save(
      {
        status: 'done',
        progressDone: Math.max(this.done, this.total),
        progressTotal: Math.max(this.done, this.total),
        fileName: outcome.fileName.slice(0, 128),
        contentType: outcome.contentType.slice(0, 64),
        fileBytes: this.bytes,
        chunkCount: this.chunkNo,
        result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
        finishedAt: now,
        leaseOwner: null,
      },
      chunks,
      true,
    );
  }

  async fail(message: string): Promise<void> {
    await this.save({ status: 'failed', result: JSON.stringify({ error: message }), finishedAt: this.ctx.clock.now(), leaseOwner: null }, [], true);
  }

  /** Cuts the buffered bytes into 48 KB chunks (all of them at the end, else only full ones). */
  private takeChunks(all: boolean): JobChunk[] {
    if (this.pendingBytes < JOB_CHUNK_BYTES && !(all && this.pendingBytes > 0)) return [];
    let data = Buffer.concat(this.pending, this.pendingBytes);
    const out: JobChunk[] = [];
    while (data.length >= JOB_CHUNK_BYTES || (all && data.length > 0)) {
      out.push(Object.assign(new JobChunk(), { jobId: this.id, chunkNo: this.chunkNo++, data: data.subarray(0, JOB_CHUNK_BYTES) }));
      data = data.subarray(JOB_CHUNK_BYTES);
    }
    this.pending = data.length ? [data] : [];
    this.pendingBytes = data.length;
    return out;
  }

  /** One transaction: the fenced update first (lease renewed, or released at the end), then the chunks. */
  private async save(set: Partial<Job>, chunks: JobChunk[], last = false): Promise<void> {
    const leaseUntil = last ? null : new Date(this.ctx.clock.now().getTime() + JOB_LEASE_MS);
    await this.ctx.db.transaction(async (tx) => {
      const res = await tx
        .createQueryBuilder()
        .update(Job)
        .set({ ...set, leaseUntil, ...(set.status ? {} : { chunkCount: this.chunkNo }) })
        .where("id = :id AND status = 'running' AND lease_owner = :owner", { id: this.id, owner: this.owner })
        .execute();
      if (res.affected !== 1) throw new LeaseLost();
      // ≤ 20 chunks (≈ 1 MB) per statement: well under max_allowed_packet
      for (let i = 0; i < chunks.length; i += 20)
        await tx.createQueryBuilder().insert().into(JobChunk).values(chunks.slice(i, i + 20)).updateEntity(false).execute();
    });
    this.writtenDone = this.done;
    this.writtenAt = performance.now();
  }
}
