import { Brackets } from 'typeorm';
import type { Deps } from '../context';
import { safeText } from '../lib/logger';
import type { DeliveredEvent, EventType } from './event-types';
import { OutboxEvent } from './outbox-event.entity';

export type EventHandler<T extends EventType = EventType> = (event: DeliveredEvent<T>) => Promise<void>;
/** Handles several events of a pass at once (e.g. one recompute for all customers paid in it). Idempotent too. */
export type BatchHandler = (events: DeliveredEvent[]) => Promise<void>;

export interface OutboxWorkerOptions {
  pollMs: number;
  batchSize?: number;
  maxAttempts?: number;
  leaseMs?: number;
  /**
   * When commits keep waking a busy worker, it waits this long before its next pass so the events of many
   * commits are claimed and marked done together (two small transactions per pass, not per event).
   * A worker that is idle when woken still starts at once. Default 20 ms.
   */
  coalesceMs?: number;
  /** Delay before attempt n+1 after n failures. Default: 1 s · 2^(n-1), capped at 10 min, ±20 % jitter. */
  backoffMs?: (failures: number) => number;
}

/** The worker's own commits must not wake it again (that was an extra empty pass per event). */
const QUIET = { quiet: true };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const defaultBackoff = (n: number) => Math.min(1000 * 2 ** (n - 1), 600_000) * (0.8 + Math.random() * 0.4);

/**
 * In-process delivery of outbox events after commit. Claims a batch of due rows at once (lease), so
 * several processes can run it against one database without double delivery inside a lease; an expired
 * lease (crashed worker) makes the event claimable again. Failed events back off; after maxAttempts they
 * are marked dead for an operator. BullMQ will sit behind the same register/start/stop interface.
 *
 * Cost per pass, whatever the number of events in it: one read of the due ids, one claim transaction and
 * one transaction marking the delivered events done (failures are recorded one by one). Claiming and
 * finishing event by event was four transactions per event, more work than the requests that emit them.
 */
export class OutboxWorker {
  private readonly handlers = new Map<string, EventHandler<any>[]>();
  private readonly batchHandlers: { types: ReadonlySet<string>; handle: BatchHandler }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private rerun = false;
  private stopped = true;
  private unsubscribe: (() => void) | null = null;
  private readonly opts: Required<OutboxWorkerOptions>;

  constructor(
    private readonly deps: Pick<Deps, 'db' | 'clock' | 'log'>,
    opts: OutboxWorkerOptions,
  ) {
    this.opts = { batchSize: 50, maxAttempts: 10, leaseMs: 30_000, coalesceMs: 20, backoffMs: defaultBackoff, ...opts };
  }

  on<T extends EventType>(type: T, handler: EventHandler<T>): this {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), handler]);
    return this;
  }

  /**
   * Registers a handler that receives all events of the given types claimed in one pass, in id order. If it
   * fails for the pass, each of those events retries it alone (with the usual backoff), so one bad event
   * cannot hold back the others.
   */
  onBatch(types: readonly EventType[], handle: BatchHandler): this {
    this.batchHandlers.push({ types: new Set(types), handle });
    return this;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unsubscribe = this.deps.db.onCommit(() => this.kick());
    const tick = () => {
      if (this.stopped) return;
      this.kick();
      this.timer = setTimeout(tick, this.opts.pollMs);
      this.timer.unref();
    };
    tick();
  }

  /** Stops polling and waits for the batch in hand. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Runs a pass soon; passes never overlap inside one process. */
  kick(): void {
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = (async () => {
      try {
        do {
          this.rerun = false;
          while (!this.stopped && (await this.runOnce()) === this.opts.batchSize);
          // Woken again during the pass: under load, let a few more commits land so they share the next pass.
          if (this.rerun && !this.stopped && this.opts.coalesceMs > 0) await sleep(this.opts.coalesceMs);
        } while (this.rerun && !this.stopped);
      } catch (err) {
        this.deps.log.error({ err: { message: safeText(String((err as Error)?.message ?? err)) } }, 'outbox pass failed');
      } finally {
        this.running = null;
      }
    })();
  }

  /**
   * One pass: claim up to batchSize due events, deliver them in order, mark the delivered ones done.
   * Returns how many were due when the pass looked (a concurrent worker may have claimed some of them).
   */
  async runOnce(): Promise<number> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const due = await db.read((em) =>
      em
        .getRepository(OutboxEvent)
        .createQueryBuilder('e')
        .select(['e.id'])
        .where(isDue(now))
        .orderBy('e.id', 'ASC')
        .limit(this.opts.batchSize)
        .getMany(),
    );
    if (due.length === 0) return 0;
    const claimed = await this.claim(due.map((e) => e.id), now);
    const events = claimed.map((row) => ({ row, event: { id: row.id, type: row.type as EventType, payload: JSON.parse(row.payload), attempt: row.attempts } as DeliveredEvent }));
    // Batch handlers first, once per pass; the events a failed batch call covered retry it one by one below.
    const covered = new Set<string>(); // `${handlerIndex}:${eventId}`
    for (const [i, b] of this.batchHandlers.entries()) {
      const mine = events.filter((e) => b.types.has(e.row.type)).map((e) => e.event);
      if (mine.length === 0) continue;
      try {
        await b.handle(mine);
        for (const e of mine) covered.add(`${i}:${e.id}`);
      } catch (err) {
        this.deps.log.warn({ events: mine.length, error: safeText(String((err as Error)?.message ?? err)).slice(0, 200) }, 'outbox batch handler failed; retrying event by event');
      }
    }
    const delivered: number[] = [];
    for (const { row, event } of events) if (await this.deliver(row, event, covered)) delivered.push(event.id);
    if (delivered.length > 0) {
      // Only rows still under our claim: a lease that expired mid-batch may have been re-claimed and finished elsewhere.
      await db.transaction(
        (tx) =>
          tx
            .createQueryBuilder()
            .update(OutboxEvent)
            .set({ status: 'done', processedAt: clock.now(), lockedUntil: null })
            .where('id IN (:...ids) AND status = :processing', { ids: delivered, processing: 'processing' })
            .execute(),
        QUIET,
      );
    }
    return due.length;
  }

  /**
   * Claims those of `ids` that are still due. The locking read re-checks each row after any wait, so of two
   * workers racing for the same rows the second sees them under the first one's lease and skips them
   * (on SQLite, transactions take turns and the plain read is enough).
   */
  private async claim(ids: number[], now: Date): Promise<OutboxEvent[]> {
    const lockedUntil = new Date(now.getTime() + this.opts.leaseMs);
    return this.deps.db.transaction(async (tx) => {
      const rows = await this.deps.db
        .forUpdate(tx.getRepository(OutboxEvent).createQueryBuilder('e').where('e.id IN (:...ids)', { ids }).andWhere(isDue(now)))
        .orderBy('e.id', 'ASC')
        .getMany();
      if (rows.length === 0) return [];
      await tx
        .createQueryBuilder()
        .update(OutboxEvent)
        .set({ status: 'processing', lockedUntil, attempts: () => 'attempts + 1' })
        .where('id IN (:...ids)', { ids: rows.map((r) => r.id) })
        .execute();
      return rows.map((r) => Object.assign(r, { status: 'processing', lockedUntil, attempts: r.attempts + 1 }));
    }, QUIET);
  }

  /** Runs the handlers; true when they all succeeded. A failure is recorded at once (backoff or dead). */
  private async deliver(row: OutboxEvent, event: DeliveredEvent, covered: ReadonlySet<string>): Promise<boolean> {
    const { db, clock, log } = this.deps;
    try {
      for (const handler of this.handlers.get(row.type) ?? []) await handler(event);
      for (const [i, b] of this.batchHandlers.entries()) if (b.types.has(row.type) && !covered.has(`${i}:${event.id}`)) await b.handle([event]);
      return true;
    } catch (err) {
      const message = safeText(String((err as Error)?.message ?? err)).slice(0, 500);
      const dead = row.attempts >= this.opts.maxAttempts;
      log.warn({ eventId: row.id, type: row.type, attempt: row.attempts, dead, error: message }, 'outbox handler failed');
      await db.transaction((tx) =>
        tx.update(
          OutboxEvent,
          { id: row.id, status: 'processing' },
          {
            status: dead ? 'dead' : 'pending',
            lastError: message,
            lockedUntil: null,
            availableAt: new Date(clock.now().getTime() + this.opts.backoffMs(row.attempts)),
          },
        ),
        QUIET,
      );
      return false;
    }
  }
}

/** Pending and due, or claimed under a lease that has expired (its worker crashed or hung). */
function isDue(now: Date): Brackets {
  return new Brackets((w) =>
    w
      .where('status = :pending AND available_at <= :now', { pending: 'pending', now })
      .orWhere('status = :processing AND locked_until < :now', { processing: 'processing' }),
  );
}
