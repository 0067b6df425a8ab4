import type { Deps } from '../context';
import { inList } from '../db/raw-sql';
import { safeText } from '../lib/logger';
import type { DeliveredEvent, EventType } from './event-types';
import type { BatchHandler } from './outbox-worker';

type Row = { id: number | string; type: string; payload: string | null };

/** Ids re-read at start (idempotent consumers: harmless). */
const REREAD = 1000;

export interface OutboxTailOptions {
  pollMs: number;
  /** Rows read per pass. Default 250 (a pass's handler work shares the thread with requests: kept short). */
  batchSize?: number;
  /**
   * An id below the newest one seen that is still missing after this long is taken as a rolled-back insert and
   * passed over (default 60 s). Outbox rows commit in a different order than their ids were given out, so a gap
   * is first assumed to be a transaction still open.
   */
  gapGraceMs?: number;
}

/**
 * Every process's own read of the outbox, for in-memory state that each process keeps (the segment index):
 * the claiming `OutboxWorker` delivers an event to ONE process, which would leave the others' copies stale until
 * their next rebuild. The tail claims nothing and marks nothing; it reads rows past its cursor in id order and
 * hands the ones of registered types to their batch handlers, which must be idempotent (they may see an event
 * twice after a restart, never miss a committed one while it runs, except an insert that commits more than
 * `gapGraceMs` after a later id was seen — the consumer's periodic rebuild covers that).
 *
 * Cursor: `top`, the newest id read; ids below it that were not visible when it passed them (gaps) are looked up
 * again each pass until they appear or the grace period ends.
 */
export class OutboxTail {
  private readonly handlers: { types: ReadonlySet<string>; handle: BatchHandler }[] = [];
  private readonly opts: Required<OutboxTailOptions>;
  /** The newest id read. */
  private top = 0;
  /** Ids below `top` not visible yet → when first missed. */
  private readonly gapSince = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;
  private serial: Promise<unknown> = Promise.resolve();
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly deps: Pick<Deps, 'db' | 'log'>,
    opts: OutboxTailOptions,
  ) {
    this.opts = { batchSize: 250, gapGraceMs: 60_000, ...opts };
  }

  onBatch(types: readonly EventType[], handle: BatchHandler): this {
    this.handlers.push({ types: new Set(types), handle });
    return this;
  }

  /**
   * Starts a little before the newest event now in the table: the consumer builds its state from the database
   * itself, and re-reading the last REREAD ids catches inserts of transactions still open at this moment.
   */
  async start(): Promise<void> {
    this.stopped = false;
    await this.seek();
    if (this.stopped) return; // stopped while seeking
    // Polled, not woken by commits: a pass per commit was several statements per payment on the request thread
    // of an api process; the index lags by at most pollMs (OUTBOX_POLL_MS).
    this.timer = setInterval(() => this.poll(), this.opts.pollMs);
    this.timer.unref();
  }

  /** Puts the cursor REREAD ids before the newest event (also used by tests that drive `runOnce` by hand). */
  async seek(): Promise<void> {
    const [row] = await this.deps.db.read((em) => em.query('SELECT MAX(id) AS id FROM outbox_event'));
    this.top = Math.max(0, Number(row?.id ?? 0) - REREAD);
    this.gapSince.clear();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Where the tail stands (tests, diagnostics). */
  position(): { top: number; openGaps: number } {
    return { top: this.top, openGaps: this.gapSince.size };
  }

  /** A timer tick: drains what is there unless a drain is already under way (the next tick catches up). */
  private poll(): void {
    if (this.stopped || this.running) return;
    this.running = (async () => {
      try {
        while (!this.stopped && (await this.runOnce()) === this.opts.batchSize);
      } catch (err) {
        this.deps.log.error({ err: { message: safeText(String((err as Error)?.message ?? err)) } }, 'outbox tail pass failed');
      } finally {
        this.running = null;
      }
    })();
  }

  /**
   * One pass: reads up to batchSize rows above the newest id read so far, and the rows of gaps still open; hands
   * the ones of registered types to their handlers (in id order, one call per handler); then records the new top
   * and the new gaps. Returns the number of new rows above the old top. A handler that throws changes nothing:
   * the same rows are read again next pass.
   */
  runOnce(now = Date.now()): Promise<number> {
    // Passes never overlap (the timer's drain and callers such as tests both come through here).
    const pass = this.serial.then(() => this.pass(now));
    this.serial = pass.catch(() => undefined);
    return pass;
  }

  private async pass(now: number): Promise<number> {
    const types = [...new Set(this.handlers.flatMap((h) => [...h.types]))];
    if (types.length === 0) return 0;
    // Every row's id (to see gaps), the payload only of the types someone wants.
    const cols = `id, type, CASE WHEN type IN ${inList(types)} THEN payload END AS payload`;
    const gaps = [...this.gapSince.keys()].slice(0, 1000);
    const [above, filled] = await this.deps.db.read(async (em) => [
      (await em.query(`SELECT ${cols} FROM outbox_event WHERE id > ? ORDER BY id LIMIT ?`, [...types, this.top, this.opts.batchSize])) as Row[],
      gaps.length ? ((await em.query(`SELECT ${cols} FROM outbox_event WHERE id IN ${inList(gaps)}`, [...types, ...gaps])) as Row[]) : [],
    ]);
    const rows = [...filled, ...above].map((r) => ({ ...r, id: Number(r.id) })).sort((a, b) => a.id - b.id);
    const events = rows.filter((r) => r.payload !== null).map((r) => ({ id: r.id, type: r.type as EventType, payload: JSON.parse(r.payload as string), attempt: 1 }) as DeliveredEvent);
    for (const h of this.handlers) {
      const mine = events.filter((e) => h.types.has(e.type));
      if (mine.length > 0) await h.handle(mine);
    }
    for (const r of filled) this.gapSince.delete(Number(r.id));
    const newTop = above.length ? Number(above[above.length - 1].id) : this.top;
    const present = new Set(above.map((r) => Number(r.id)));
    // Ids skipped over: transactions still open (their rows come later), or rollbacks (they never come).
    for (let id = Math.max(this.top + 1, newTop - 100_000); id < newTop; id++) if (!present.has(id)) this.gapSince.set(id, now);
    this.top = newTop;
    for (const [id, since] of this.gapSince) if (now - since >= this.opts.gapGraceMs) this.gapSince.delete(id);
    return above.length;
  }

}
