import type { Ctx } from '../../context';
import type { Db } from '../../db/db';
import { settleGroup, type GroupItem, type GroupResult } from './settlement-batch';

/** At most this many notifications share one transaction (bounds lock footprint and statement size). */
const MAX_GROUP = 32;
/** Groups in flight at once: one settling while the next gathers keeps both the server and MariaDB busy. */
const PARALLEL_GROUPS = 2;

interface Waiting {
  ctx: Ctx;
  item: GroupItem;
  resolve(r: GroupResult): void;
}

/**
 * Gathers TRANSACTION.SUCCESS notifications that arrive together and settles them in groups (group commit).
 * Natural batching: a group starts as soon as a slot is free and takes whatever is waiting, so a lone
 * notification starts at once (no timer, no added latency when quiet) while at peak many share one
 * transaction. A group that fails for any reason answers `defer` for all its members, which are then
 * settled one by one: the group path is an optimisation, never the only way a payment lands.
 */
class GroupSettler {
  private waiting: Waiting[] = [];
  private running = 0;
  /** Counters for operators and tests: groups run, members settled in a group, deferred, groups that failed. */
  readonly stats = { groups: 0, settled: 0, deferred: 0, failed: 0 };

  submit(ctx: Ctx, item: GroupItem): Promise<GroupResult> {
    return new Promise((resolve) => {
      this.waiting.push({ ctx, item, resolve });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < PARALLEL_GROUPS && this.waiting.length > 0) {
      const group = this.waiting.splice(0, MAX_GROUP);
      this.running++;
      void this.run(group).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async run(group: Waiting[]): Promise<void> {
    const ctx = group[0].ctx;
    try {
      const now = ctx.clock.now();
      // One attempt: on a deadlock or conflict the members retry one by one instead of as a group again.
      const results = await ctx.db.transaction((tx) => settleGroup(ctx, tx, group.map((w) => w.item), now), { maxAttempts: 1 });
      this.stats.groups++;
      group.forEach((w, i) => {
        if (results[i].kind === 'done') this.stats.settled++;
        else this.stats.deferred++;
        w.resolve(results[i]);
      });
    } catch (err) {
      this.stats.failed++;
      this.stats.deferred += group.length;
      ctx.log.warn({ err, size: group.length }, 'group settlement failed; settling one by one');
      for (const w of group) w.resolve({ kind: 'defer' });
    }
  }
}

const settlers = new WeakMap<Db, GroupSettler>();

/** The process's group settler for this database. */
export function groupSettler(db: Db): GroupSettler {
  let s = settlers.get(db);
  if (!s) settlers.set(db, (s = new GroupSettler()));
  return s;
}
