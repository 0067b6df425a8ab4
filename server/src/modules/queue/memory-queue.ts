import type { Logger } from '../../lib/logger';
import { JobAborted, type Job, type JobHandler, type JobQueue, type WorkOptions } from './queue';

interface Entry {
  job: Job<unknown>;
  attempt: number;
}

interface Lane {
  waiting: Entry[];
  running: number;
  handler?: JobHandler<unknown>;
  opts?: WorkOptions;
}

/**
 * In-process queue: FIFO per name, `concurrency` handlers at a time, failed jobs retried with exponential
 * backoff. Jobs live in memory only — a crash loses them, and the campaign sweeper re-enqueues from the database.
 */
export class MemoryQueue implements JobQueue {
  readonly kind = 'memory' as const;
  private readonly lanes = new Map<string, Lane>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly abort = new AbortController();
  private closed = false;

  constructor(
    private readonly log: Logger,
    private readonly backoffMs: (attempt: number) => number = (a) => 100 * 2 ** a,
  ) {}

  async enqueue<T>(name: string, jobs: Job<T>[]): Promise<void> {
    if (this.closed) return;
    const lane = this.lane(name);
    for (const job of jobs) lane.waiting.push({ job, attempt: 1 });
    this.pump(name);
  }

  work<T>(name: string, handler: JobHandler<T>, opts: WorkOptions): void {
    const lane = this.lane(name);
    lane.handler = handler as JobHandler<unknown>;
    lane.opts = opts;
    this.pump(name);
  }

  async pending(name: string): Promise<number> {
    const lane = this.lanes.get(name);
    return lane ? lane.waiting.length + lane.running : 0;
  }

  async close(opts: { abort?: boolean } = {}): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (opts.abort) this.abort.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  private lane(name: string): Lane {
    let lane = this.lanes.get(name);
    if (!lane) this.lanes.set(name, (lane = { waiting: [], running: 0 }));
    return lane;
  }

  private pump(name: string): void {
    const lane = this.lane(name);
    const { handler, opts } = lane;
    if (!handler || !opts) return;
    while (!this.closed && lane.running < opts.concurrency && lane.waiting.length > 0) {
      const entry = lane.waiting.shift()!;
      lane.running++;
      const run = (async () => {
        try {
          await handler(entry.job.data, { id: entry.job.id, attempt: entry.attempt, signal: this.abort.signal });
        } catch (err) {
          if (err instanceof JobAborted || this.closed) return;
          const attempts = opts.attempts ?? 3;
          if (entry.attempt >= attempts) {
            this.log.error({ err, queue: name, jobId: entry.job.id }, 'job failed; left to the sweeper');
            return;
          }
          this.log.warn({ err, queue: name, jobId: entry.job.id, attempt: entry.attempt }, 'job failed; retrying');
          const t = setTimeout(() => {
            this.timers.delete(t);
            lane.waiting.push({ job: entry.job, attempt: entry.attempt + 1 });
            this.pump(name);
          }, this.backoffMs(entry.attempt));
          this.timers.add(t);
        } finally {
          lane.running--;
        }
      })();
      this.inFlight.add(run);
      void run.finally(() => {
        this.inFlight.delete(run);
        this.pump(name);
      });
    }
  }
}
