import type { RecomputeKind, RecomputeStatus } from '@o2o/shared';
import type { Ctx } from '../../context';
import type { Db } from '../../db/db';
import { startPeriodic } from '../../lib/periodic';
import { expireCustomerTags } from './expiry.service';
import { ALL_KINDS, recomputeAllTags } from './recompute.service';

/**
 * Background tag work of a process: the expiry sweep (every minute) and the full rule/preference recompute
 * (every TAG_RECOMPUTE_INTERVAL_MS, so lifecycle days and preference windows slide), plus recomputes an admin
 * starts. One full recompute at a time per process (a trigger while one runs reports the running one); every
 * process runs its own, which is safe because each batch is idempotent under the customers' locks.
 */

interface RunnerState {
  status: RecomputeStatus;
  running: Promise<void> | null;
  stopping: boolean;
}

const runners = new WeakMap<Db, RunnerState>();

function runner(db: Db): RunnerState {
  let r = runners.get(db);
  if (!r) {
    r = { status: { running: false, kinds: null, startedAt: null, finishedAt: null, last: null, error: null }, running: null, stopping: false };
    runners.set(db, r);
  }
  return r;
}

export function recomputeStatus(ctx: Ctx): RecomputeStatus {
  const s = runner(ctx.db).status;
  return { ...s, kinds: s.kinds ? [...s.kinds] : null, last: s.last ? { ...s.last } : null };
}

/** Starts a full recompute in the background unless one is running; returns the status either way. */
export function triggerRecompute(ctx: Ctx, kinds: readonly RecomputeKind[]): { started: boolean; status: RecomputeStatus } {
  const r = runner(ctx.db);
  if (r.running || r.stopping) return { started: false, status: recomputeStatus(ctx) };
  r.status = { running: true, kinds: [...kinds], startedAt: ctx.clock.now().toISOString(), finishedAt: null, last: r.status.last, error: null };
  r.running = recomputeAllTags(ctx, kinds, { shouldStop: () => r.stopping })
    .then((last) => {
      r.status = { ...r.status, running: false, finishedAt: ctx.clock.now().toISOString(), last };
      ctx.log.info({ kinds, ...last }, 'tag recompute done');
    })
    .catch((err: unknown) => {
      r.status = { ...r.status, running: false, finishedAt: ctx.clock.now().toISOString(), error: err instanceof Error ? err.message : String(err) };
      ctx.log.error({ err }, 'tag recompute failed');
    })
    .finally(() => (r.running = null));
  return { started: true, status: recomputeStatus(ctx) };
}

/** Resolves when the recompute running in this process (if any) has finished. */
export async function recomputeSettled(ctx: Ctx): Promise<void> {
  await runner(ctx.db).running;
}

/** Started by the workers of every server process. */
export function startTagJobs(ctx: Ctx): { stop(): Promise<void> } {
  const expiry = startPeriodic(ctx.log, 'tag expiry', 60_000, async () => {
    const n = await expireCustomerTags(ctx);
    if (n > 0) ctx.log.info({ expired: n }, 'customer tags expired');
  });
  const recompute = startPeriodic(ctx.log, 'tag recompute', ctx.config.tags.recomputeIntervalMs, async () => {
    triggerRecompute(ctx, ALL_KINDS);
    await recomputeSettled(ctx);
  });
  return {
    async stop() {
      runner(ctx.db).stopping = true;
      await expiry.stop();
      await recompute.stop();
      await recomputeSettled(ctx);
    },
  };
}
