import type { SegmentFreshness, SegmentRule } from '@o2o/shared';
import { shanghaiDay } from '@o2o/shared';
import type { RoaringBitmap32 } from 'roaring';
import type { Deps } from '../../context';
import type { Db } from '../../db/db';
import type { DeliveredEvent, EventType } from '../../events/event-types';
import { OutboxTail } from '../../events/outbox-tail';
import type { BatchHandler } from '../../events/outbox-worker';
import { chunks } from '../../db/raw-sql';
import { BitmapIndex } from './bitmap-index';

type Update = { customers?: number[]; tagPairs?: { customers: number[]; tags: number[] } };

/**
 * The process-wide segment index for one database handle: builds at start, swaps in a fresh build every
 * `SEGMENT_INDEX_REBUILD_MINUTES` and after the Shanghai day rolls over, and applies outbox events in between.
 * Updates are serialized (each re-reads rows, so serial application means the newest read wins). Events that
 * arrive while a build runs are applied to the old index and replayed on the new one after the swap, so
 * nothing read before the build's snapshot is lost. Disabled (`SEGMENT_INDEX=off`): nothing is created and
 * previews use SQL.
 *
 * Events reach it through its own `OutboxTail` (every process that holds an index reads every event), not
 * through the claiming outbox worker, which would deliver each event to one process only.
 */
export class SegmentIndexRuntime {
  private index: BitmapIndex | null = null;
  private building: Promise<void> | null = null;
  private replay: Update[] | null = null;
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private builtAt: Date | null = null;
  private buildMs: number | null = null;
  private lastEventId: number | null = null;
  private lastEventAt: Date | null = null;
  private lastLagMs: number | null = null;

  /** This process's read of the outbox (tests drive it with `tail.runOnce()`). */
  readonly tail: OutboxTail;

  constructor(private readonly deps: Pick<Deps, 'db' | 'clock' | 'log' | 'config'>) {
    this.tail = new OutboxTail(deps, { pollMs: deps.config.outbox.pollMs });
    registerSegmentIndexHandlers(this.tail, deps);
  }

  /** Starts the event tail, the first build and the rebuild timer (checked every minute: interval elapsed or new day). */
  start(): void {
    void this.tail.start().catch((err) => this.deps.log.error({ err }, 'segment index: outbox tail did not start'));
    void this.rebuild();
    const every = this.deps.config.segment.rebuildMinutes * 60_000;
    this.timer = setInterval(() => {
      const now = this.deps.clock.now();
      const stale = !this.builtAt || now.getTime() - this.builtAt.getTime() >= every || (this.index && this.index.asOfDay !== shanghaiDay(now));
      if (stale && !this.building) void this.rebuild();
    }, Math.min(every, 60_000));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.tail.stop();
    await this.building;
    await this.chain;
  }

  /** Builds a new index and swaps it in; concurrent calls share one build. */
  rebuild(): Promise<void> {
    return (this.building ??= (async () => {
      const t0 = Date.now();
      this.replay = [];
      try {
        const next = await this.deps.db.read((em) => BitmapIndex.build(em, this.deps.clock.now()));
        if (this.stopped) return;
        // Swap inside the update chain, then replay what arrived during the build on the new index.
        await this.enqueue(async () => {
          this.index = next;
          const pending = this.replay ?? [];
          this.replay = null;
          for (const u of pending) await this.apply(next, u);
        });
        this.builtAt = this.deps.clock.now();
        this.buildMs = Date.now() - t0;
        this.deps.log.info({ buildMs: this.buildMs, customers: next.all.size, memoryBytes: next.memoryBytes() }, 'segment index built');
      } catch (err) {
        this.deps.log.error({ err }, 'segment index build failed');
      } finally {
        this.replay = null;
        this.building = null;
      }
    })());
  }

  /** Ready for `now`: built, and for that Shanghai day (windowed order stats belong to a day). */
  ready(now: Date): boolean {
    return !!this.index && this.index.asOfDay === shanghaiDay(now);
  }

  /** The matching customers, or null when the index cannot answer for `now` (caller falls back to SQL). */
  evaluate(rule: SegmentRule, now: Date): RoaringBitmap32 | null {
    return this.ready(now) ? this.index!.evaluate(rule, now) : null;
  }

  freshness(now: Date): SegmentFreshness {
    return {
      ready: this.ready(now),
      builtAt: this.builtAt?.toISOString() ?? null,
      buildMs: this.buildMs,
      lastEventId: this.lastEventId,
      lastEventAt: this.lastEventAt?.toISOString() ?? null,
      lagMs: this.lastLagMs,
    };
  }

  memoryBytes(): number {
    return this.index?.memoryBytes() ?? 0;
  }

  /**
   * Applies the updates of a pass's events (idempotent); resolves once the index reflects the database for them.
   * The customers named by all of them are re-read together (one query for a pass of payments, not one per
   * event); tag pairs are re-read per event (a bulk event's customers × its tag, never a cross product).
   */
  async onEvents(batch: readonly { e: DeliveredEvent; update: Update }[]): Promise<void> {
    if (batch.length === 0) return;
    await this.enqueue(async () => {
      const customers = [...new Set(batch.flatMap((b) => b.update.customers ?? []))];
      const updates: Update[] = [...(customers.length ? [{ customers }] : []), ...batch.filter((b) => b.update.tagPairs).map((b) => ({ tagPairs: b.update.tagPairs }))];
      for (const u of updates) {
        if (this.replay) this.replay.push(u);
        if (this.index) await this.apply(this.index, u);
      }
      const last = batch[batch.length - 1]!.e;
      const now = this.deps.clock.now();
      const at = (last.payload as { at?: string }).at;
      this.lastEventId = last.id;
      this.lastEventAt = now;
      this.lastLagMs = at ? Math.max(0, now.getTime() - Date.parse(at)) : null;
    });
  }

  private apply(index: BitmapIndex, u: Update): Promise<void> {
    return this.deps.db.read(async (em) => {
      // In slices: each slice's bitmap updates run without a break, and this shares the thread with requests.
      for (const part of chunks(u.customers ?? [], 200)) await index.refreshCustomers(em, part);
      if (u.tagPairs) await index.refreshTagPairs(em, u.tagPairs.customers, u.tagPairs.tags);
    });
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

const runtimes = new WeakMap<Db, SegmentIndexRuntime>();

/** The index serving this database handle, or null (disabled, or not started in this process). */
export function segmentIndexOf(db: Db): SegmentIndexRuntime | null {
  return runtimes.get(db) ?? null;
}

/** Creates and starts the index when `SEGMENT_INDEX=on`; null when off. */
export function startSegmentIndex(deps: Deps): SegmentIndexRuntime | null {
  if (!deps.config.segment.indexEnabled) return null;
  const rt = new SegmentIndexRuntime(deps);
  runtimes.set(deps.db, rt);
  rt.start();
  return rt;
}

export async function stopSegmentIndex(deps: Pick<Deps, 'db'>): Promise<void> {
  const rt = runtimes.get(deps.db);
  runtimes.delete(deps.db);
  await rt?.stop();
}

/** Which rows each event invalidates. */
const UPDATES: { [T in EventType]?: (p: DeliveredEvent<T>['payload']) => Update } = {
  'customer.tags_changed': (p) => ({ tagPairs: { customers: [p.customerId], tags: [...p.added, ...p.removed] } }),
  'tags.bulk_changed': (p) => ({ tagPairs: { customers: [...p.added, ...p.removed], tags: [p.tagId] } }),
  'customer.scanned': (p) => ({ customers: [p.customerId], tagPairs: { customers: [p.customerId], tags: p.tagIds } }),
  'customer.became_member': (p) => ({ customers: [p.customerId] }),
  'customer.clerk_assigned': (p) => ({ customers: [p.customerId] }),
  'customer.consent_changed': (p) => ({ customers: [p.customerId] }),
  'points.changed': (p) => ({ customers: [p.customerId] }),
  // Purchase (category-preference) tags are the tag module's and arrive as tags_changed / bulk_changed.
  'order.paid': (p) => ({ customers: [p.customerId] }),
  'order.refunded': (p) => ({ customers: [p.customerId] }),
};

/** Registers the index's event handlers on an event source; each is a no-op when this process has no index for the database. */
export function registerSegmentIndexHandlers(worker: { onBatch(types: readonly EventType[], handle: BatchHandler): unknown }, deps: Pick<Deps, 'db'>): void {
  const types = Object.keys(UPDATES) as EventType[];
  worker.onBatch(types, async (events) => {
    const rt = segmentIndexOf(deps.db);
    if (rt) await rt.onEvents(events.map((e) => ({ e, update: (UPDATES[e.type] as (p: unknown) => Update)(e.payload) })));
  });
}
