import type { EntityManager } from 'typeorm';
import type { Ctx } from '../context';

/** A member the group could not finish: the caller takes its one-by-one path. */
export type Deferred = { kind: 'defer' };
export const DEFER: Deferred = Object.freeze({ kind: 'defer' as const });

export interface GroupCommitOptions {
  /** For logs. */
  name: string;
  /** At most this many requests share one transaction (bounds lock footprint and statement size). */
  maxGroup: number;
  /** Groups in flight at once: one committing while the next gathers keeps both the server and the database busy. */
  parallel: number;
}

/**
 * Runs one group inside its transaction and answers every member, in order: a result, or `DEFER` for members it
 * leaves to the one-by-one path. Throwing rolls the whole group back and defers every member.
 */
export type GroupWork<I, R extends { kind: string }> = (ctx: Ctx, tx: EntityManager, items: readonly I[], now: Date) => Promise<(R | Deferred)[]>;

interface Waiting<I, R> {
  ctx: Ctx;
  item: I;
  resolve(r: R | Deferred): void;
}

/**
 * Group commit for a hot write path (notifications settled, coupons claimed): requests that arrive together
 * share one transaction with a fixed number of statements instead of paying for their own round trips, commit
 * and — for a hot row — their own turn at its lock.
 *
 * Natural batching: a group starts as soon as a slot is free and takes whatever is waiting, so a lone request
 * starts at once (no timer, no added latency when quiet) while at peak many share one transaction. A group that
 * fails for any reason (deadlock, constraint, bug) answers `DEFER` for all its members, who then take the
 * one-by-one path: the group path is an optimisation, never the only way a request lands.
 */
export class GroupCommitter<I, R extends { kind: string }> {
  private waiting: Waiting<I, R>[] = [];
  private running = 0;
  /** Counters for operators and tests: groups committed, members done in a group, deferred, groups that failed. */
  readonly stats = { groups: 0, done: 0, deferred: 0, failed: 0 };

  constructor(
    private readonly opts: GroupCommitOptions,
    private readonly work: GroupWork<I, R>,
  ) {}

  submit(ctx: Ctx, item: I): Promise<R | Deferred> {
    return new Promise((resolve) => {
      this.waiting.push({ ctx, item, resolve });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.opts.parallel && this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.opts.maxGroup);
      this.running++;
      void this.run(group).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async run(group: Waiting<I, R>[]): Promise<void> {
    const ctx = group[0].ctx;
    try {
      const now = ctx.clock.now();
      // One attempt: on a deadlock or conflict the members retry one by one instead of as a group again.
      const results = await ctx.db.transaction(
        (tx) =>
          this.work(
            ctx,
            tx,
            group.map((w) => w.item),
            now,
          ),
        { maxAttempts: 1 },
      );
      if (results.length !== group.length) throw new Error(`${this.opts.name}: ${results.length} results for ${group.length} members`);
      this.stats.groups++;
      group.forEach((w, i) => {
        if (results[i].kind === 'defer') this.stats.deferred++;
        else this.stats.done++;
        w.resolve(results[i]);
      });
    } catch (err) {
      this.stats.failed++;
      this.stats.deferred += group.length;
      ctx.log.warn({ err, size: group.length }, `${this.opts.name}: group failed; one by one`);
      for (const w of group) w.resolve(DEFER);
    }
  }
}

/**
 * One committer per database (per process): `committerFor(key)(db)`. Keyed by the Db object so test harnesses
 * with several databases in one process never mix them.
 */
export function committerFor<I, R extends { kind: string }>(opts: GroupCommitOptions, work: GroupWork<I, R>): (db: object) => GroupCommitter<I, R> {
  const byDb = new WeakMap<object, GroupCommitter<I, R>>();
  return (db) => {
    let c = byDb.get(db);
    if (!c) byDb.set(db, (c = new GroupCommitter(opts, work)));
    return c;
  };
}
