import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../../lib/logger';
import { JobAborted, type Job, type JobHandler, type JobQueue, type WorkOptions } from './queue';

/**
 * BullMQ on Redis: the same contract as the in-process queue, shared by every server process on the same Redis
 * and key prefix. Completed jobs are removed (their effects are in the database); failed ones are kept (last 1,000)
 * for inspection. A job whose worker died is moved back to waiting by BullMQ's stalled-job check.
 */
export class BullmqQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly abort = new AbortController();
  private readonly connection: Redis;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {
    // Our own client, passed to BullMQ (which duplicates it for workers' blocking reads): BullMQ loads ioredis
    // itself only when it can resolve it, which depends on where npm hoisted it. maxRetriesPerRequest: null is
    // what BullMQ workers require (blocking commands must not time out).
    this.connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  }

  async enqueue<T>(name: string, jobs: Job<T>[]): Promise<void> {
    const q = this.queue(name);
    // addBulk in chunks: one round trip per 1,000 jobs (research/limits.md §5: ~19.5k enqueues/s here).
    for (let i = 0; i < jobs.length; i += 1000) {
      await q.addBulk(
        jobs.slice(i, i + 1000).map((j) => ({
          name,
          data: j.data,
          opts: { jobId: j.id, attempts: 3, backoff: { type: 'exponential', delay: 200 }, removeOnComplete: true, removeOnFail: 1000 },
        })),
      );
    }
  }

  work<T>(name: string, handler: JobHandler<T>, opts: WorkOptions): void {
    const worker = new Worker(
      name,
      async (job) => {
        try {
          await handler(job.data as T, { id: String(job.id), attempt: job.attemptsMade + 1, signal: this.abort.signal });
        } catch (err) {
          // An aborted job is neither done nor failed: it stays active until the stalled check hands it back.
          if (err instanceof JobAborted) return new Promise<void>(() => undefined);
          throw err;
        }
      },
      { connection: this.connection, prefix: this.prefix, concurrency: opts.concurrency },
    );
    worker.on('failed', (job, err) => this.log.warn({ err, queue: name, jobId: job?.id, attempt: job?.attemptsMade }, 'job failed'));
    worker.on('error', (err) => this.log.error({ err, queue: name }, 'queue worker error'));
    this.workers.push(worker);
  }

  async pending(name: string): Promise<number> {
    const counts = await this.queue(name).getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  async close(opts: { abort?: boolean } = {}): Promise<void> {
    if (opts.abort) this.abort.abort();
    // force: do not wait for active jobs (they were told to stop); otherwise let them finish.
    await Promise.all(this.workers.map((w) => w.close(!!opts.abort)));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await this.connection.quit().catch(() => this.connection.disconnect());
  }

  /** Test/bench helper: removes every job of the queue (its Redis keys). */
  async obliterate(name: string): Promise<void> {
    await this.queue(name).obliterate({ force: true });
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) this.queues.set(name, (q = new Queue(name, { connection: this.connection, prefix: this.prefix })));
    return q;
  }
}
