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
    // Without listeners, ioredis and BullMQ print a Redis outage to stderr (console.error, multi-line, outside the
    // structured log). One line per distinct message per 10 s is enough to see an outage and its end.
    this.connection.on('error', (err) => this.logOutage('redis connection error', err));
  }

  private lastOutageLog = new Map<string, number>();
  private logOutage(what: string, err: unknown): void {
    const msg = err instanceof Error ? err.message : String(err);
    const key = `${what}:${msg}`;
    const now = Date.now();
    if (now - (this.lastOutageLog.get(key) ?? 0) < 10_000) return;
    this.lastOutageLog.set(key, now);
    this.log.error({ err: { message: msg }, what }, 'queue unavailable');
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
    worker.on('error', (err) => this.logOutage(`queue worker ${name}`, err));
    this.workers.push(worker);
  }

  async pending(name: string): Promise<number> {
    const counts = await this.queue(name).getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  async close(opts: { abort?: boolean } = {}): Promise<void> {
    if (opts.abort) this.abort.abort();
    // force: do not wait for active jobs (they were told to stop); otherwise let them finish.
    // Bounded: with Redis unreachable, closing workers and queues waits on commands that never return; after the
    // grace the connection is dropped (which also ends ioredis's reconnect loop) so the process can exit.
    const graceful = (async () => {
      await Promise.all(this.workers.map((w) => w.close(!!opts.abort)));
      await Promise.all([...this.queues.values()].map((q) => q.close()));
      await this.connection.quit();
    })().catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), opts.abort ? 2_000 : 10_000)));
    const outcome = await Promise.race([graceful.then(() => 'closed' as const), bound]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      // Workers hold their own duplicated (blocking) connections; drop those too.
      await Promise.all([...this.workers, ...this.queues.values()].map((x) => x.disconnect().catch(() => undefined)));
    }
    if (this.connection.status !== 'end') this.connection.disconnect();
  }

  /** Test/bench helper: removes every job of the queue (its Redis keys). */
  async obliterate(name: string): Promise<void> {
    await this.queue(name).obliterate({ force: true });
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix });
      q.on('error', (err) => this.logOutage(`queue ${name}`, err));
      this.queues.set(name, q);
    }
    return q;
  }
}
