import { Brackets } from 'typeorm';
import type { Deps } from '../context';
import { safeText } from '../lib/logger';
import type { DeliveredEvent, EventType } from './event-types';
import { OutboxEvent } from './outbox-event.entity';

export type EventHandler<T extends EventType = EventType> = (event: DeliveredEvent<T>) => Promise<void>;

export interface OutboxWorkerOptions {
  pollMs: number;
  batchSize?: number;
  maxAttempts?: number;
  leaseMs?: number;
  /** Delay before attempt n+1 after n failures. Default: 1 s · 2^(n-1), capped at 10 min, ±20 % jitter. */
  backoffMs?: (failures: number) => number;
}

/** The worker's own commits must not wake it again (that was an extra empty pass per event). */
const QUIET = { quiet: true };

const defaultBackoff = (n: number) => Math.min(1000 * 2 ** (n - 1), 600_000) * (0.8 + Math.random() * 0.4);

/**
 * In-process delivery of outbox events after commit. Claims rows with a conditional update (lease), so
 * several processes can run it against one database without double delivery inside a lease; an expired
 * lease (crashed worker) makes the event claimable again. Failed events back off; after maxAttempts they
 * are marked dead for an operator. BullMQ will sit behind the same register/start/stop interface.
 */
export class OutboxWorker {
  private readonly handlers = new Map<string, EventHandler<any>[]>();
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
    this.opts = { batchSize: 50, maxAttempts: 10, leaseMs: 30_000, backoffMs: defaultBackoff, ...opts };
  }

  on<T extends EventType>(type: T, handler: EventHandler<T>): this {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), handler]);
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
        } while (this.rerun && !this.stopped);
      } catch (err) {
        this.deps.log.error({ err: { message: safeText(String((err as Error)?.message ?? err)) } }, 'outbox pass failed');
      } finally {
        this.running = null;
      }
    })();
  }

  /** One pass: claim up to batchSize due events and deliver them. Returns how many were claimed. */
  async runOnce(): Promise<number> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const due = await db.read((em) =>
      em
        .getRepository(OutboxEvent)
        .createQueryBuilder('e')
        .select(['e.id'])
        .where(
          new Brackets((w) =>
            w
              .where('e.status = :pending AND e.available_at <= :now', { pending: 'pending', now })
              .orWhere('e.status = :processing AND e.locked_until < :now', { processing: 'processing' }),
          ),
        )
        .orderBy('e.id', 'ASC')
        .limit(this.opts.batchSize)
        .getMany(),
    );
    for (const { id } of due) {
      const event = await this.claim(id, now);
      if (event) await this.deliver(event);
    }
    return due.length;
  }

  private async claim(id: number, now: Date): Promise<OutboxEvent | null> {
    return this.deps.db.transaction(async (tx) => {
      const res = await tx
        .createQueryBuilder()
        .update(OutboxEvent)
        .set({ status: 'processing', lockedUntil: new Date(now.getTime() + this.opts.leaseMs), attempts: () => 'attempts + 1' })
        .where('id = :id', { id })
        .andWhere(
          new Brackets((w) =>
            w
              .where('status = :pending AND available_at <= :now', { pending: 'pending', now })
              .orWhere('status = :processing AND locked_until < :now', { processing: 'processing' }),
          ),
        )
        .execute();
      if (res.affected !== 1) return null;
      return tx.getRepository(OutboxEvent).findOneByOrFail({ id });
    }, QUIET);
  }

  private async deliver(row: OutboxEvent): Promise<void> {
    const { db, clock, log } = this.deps;
    const event: DeliveredEvent = { id: row.id, type: row.type as EventType, payload: JSON.parse(row.payload), attempt: row.attempts };
    try {
      for (const handler of this.handlers.get(row.type) ?? []) await handler(event);
      await db.transaction((tx) =>
        tx.update(OutboxEvent, { id: row.id, status: 'processing' }, { status: 'done', processedAt: clock.now(), lockedUntil: null }),
        QUIET,
      );
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
    }
  }
}
