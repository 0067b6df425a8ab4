/**
 * The job queue behind campaign fan-out: `enqueue(name, jobs)` and `work(name, handler, {concurrency})`.
 * In-process by default (memory-queue.ts); BullMQ on Redis when REDIS_URL is set (bullmq-queue.ts), which lets
 * several server processes share the work. Both run the same handlers with the same contract:
 *  - delivery is at least once (a retry, a stalled BullMQ job, a re-enqueue by a sweeper), so handlers must be
 *    idempotent — the campaign handlers are, by unique keys and guarded batch claims in the database;
 *  - the database, not the queue, is the record of what is left to do: a job lost with a crashed process is
 *    re-enqueued by the sweeper from the state in the database.
 */
export interface Job<T> {
  /** Unique per enqueue: BullMQ ignores a second job with the same id while the first still exists. */
  id: string;
  data: T;
}

export interface JobInfo {
  id: string;
  /** 1 on the first run. */
  attempt: number;
  /** Aborted when the queue is closed with `abort` (a simulated crash): stop at the next safe point. */
  signal: AbortSignal;
}

export type JobHandler<T> = (data: T, job: JobInfo) => Promise<void>;

export interface WorkOptions {
  concurrency: number;
  /** Runs including the first (default 3); the sweeper picks up what still fails. */
  attempts?: number;
}

export interface JobQueue {
  readonly kind: 'memory' | 'bullmq';
  enqueue<T>(name: string, jobs: Job<T>[]): Promise<void>;
  work<T>(name: string, handler: JobHandler<T>, opts: WorkOptions): void;
  /** Jobs waiting or running (the in-process queue only knows its own; BullMQ counts waiting + active + delayed). */
  pending(name: string): Promise<number>;
  /**
   * Stops taking jobs. `abort: false` waits for running jobs to finish; `abort: true` signals them to stop at
   * their next safe point, as a crash would (and for BullMQ leaves them to the stalled-job check).
   */
  close(opts?: { abort?: boolean }): Promise<void>;
}

/** Thrown by handlers that stop because their queue was aborted (not a failure worth a retry). */
export class JobAborted extends Error {
  constructor() {
    super('job aborted');
    this.name = 'JobAborted';
  }
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new JobAborted();
}
