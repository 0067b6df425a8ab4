import crypto from 'node:crypto';
import os from 'node:os';
import { backgroundCtx, type Ctx, type Deps } from '../../context';
import { createQueue, JobAborted, throwIfAborted, type JobInfo, type JobQueue } from '../queue';
import { claimBatch, completeIfDone, finishBatch, holdBatch, releaseBatch } from './batch-claim';
import { SNAPSHOT_BATCH, startSnapshot } from './campaign.service';
import { deliverBatch } from './delivery';
import { registerCampaignRunner } from './runner-registry';
import { runSnapshot } from './snapshot';
import { chunks, exec, inList, insertIgnore, sqlTime } from '../../db/raw-sql';

export const CAMPAIGN_QUEUE = 'campaign';
/** A batch that failed this many times is recorded as failed (its recipients `failed: error`) instead of retried. */
export const MAX_BATCH_ATTEMPTS = 5;

export interface CampaignJob {
  campaignId: number;
  batchNo: number;
}

/**
 * Drives campaign sends in one process: the queue's `campaign` workers run work items (the snapshot, then the
 * delivery batches), and a sweeper — at start, every CAMPAIGN_TICK_MS, and when woken by a use case — starts
 * scheduled campaigns that are due and queues the work items nobody is doing: pending ones not queued recently,
 * and running ones whose lease expired (their worker died). The database is the record of progress, so a fresh
 * runner over the same database (after a crash, or in another process) resumes where the last one stopped.
 */
export class CampaignRunner {
  readonly owner = `${os.hostname().slice(0, 16)}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
  private readonly ctx: Ctx;
  private ticker: NodeJS.Timeout | null = null;
  private unregister: (() => void) | null = null;
  private sweeping: Promise<void> | null = null;
  private sweepAgain = false;
  private firstSweep = true;
  private stopped = false;
  private seq = 0;

  constructor(
    deps: Deps,
    readonly queue: JobQueue,
    private readonly tickMs = deps.config.campaign.tickMs,
  ) {
    this.ctx = backgroundCtx(deps, 'campaign');
  }

  start(): this {
    this.queue.work<CampaignJob>(CAMPAIGN_QUEUE, (job, info) => this.run(job, info), { concurrency: this.ctx.config.campaign.concurrency });
    this.ticker = setInterval(() => this.wake(), this.tickMs);
    this.ticker.unref();
    this.unregister = registerCampaignRunner(this.ctx.db, this);
    this.wake();
    return this;
  }

  /** Sweep soon (coalesced: a wake during a sweep runs one more sweep after it). */
  wake(): void {
    if (this.stopped) return;
    if (this.sweeping) {
      this.sweepAgain = true;
      return;
    }
    this.sweeping = this.sweep()
      .catch((err) => this.ctx.log.error({ err }, 'campaign sweep failed'))
      .finally(() => {
        this.sweeping = null;
        if (this.sweepAgain) {
          this.sweepAgain = false;
          this.wake();
        }
      });
  }

  /** Resolves when no sweep is running (tests). */
  async idle(): Promise<void> {
    while (this.sweeping) await this.sweeping;
  }

  /** Stops sweeping and the queue's workers; `abort` simulates a crash (running jobs stop at their next safe point). */
  async stop(opts: { abort?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    this.unregister?.();
    await this.idle();
    await this.queue.close(opts);
  }

  private async sweep(): Promise<void> {
    const ctx = this.ctx;
    const now = ctx.clock.now();
    const due: { id: number }[] = await ctx.db.read((em) => em.query("SELECT id FROM campaign WHERE status = 'scheduled' AND send_at <= ?", [sqlTime(now)]));
    for (const { id } of due) await ctx.db.transaction((tx) => startSnapshot(tx, Number(id), 'scheduled', now));

    // At start nothing is in this process's queue yet: every pending item is queued, however recently it was before.
    const stale = this.firstSweep ? now : new Date(now.getTime() - ctx.config.campaign.leaseMs);
    this.firstSweep = false;
    const items: { campaign_id: number; batch_no: number }[] = await ctx.db.read((em) =>
      em.query(
        `SELECT b.campaign_id, b.batch_no FROM campaign_batch b JOIN campaign c ON c.id = b.campaign_id
         WHERE ((c.status = 'snapshotting' AND b.batch_no = ?) OR (c.status = 'sending' AND b.batch_no >= 0))
           AND ((b.status = 'pending' AND (b.enqueued_at IS NULL OR b.enqueued_at <= ?)) OR (b.status = 'running' AND b.lease_until < ?))
         ORDER BY b.campaign_id, b.batch_no LIMIT 20000`,
        [SNAPSHOT_BATCH, sqlTime(stale), sqlTime(now)],
      ),
    );
    const byCampaign = new Map<number, number[]>();
    for (const r of items) {
      const list = byCampaign.get(Number(r.campaign_id)) ?? [];
      if (list.length === 0) byCampaign.set(Number(r.campaign_id), list);
      list.push(Number(r.batch_no));
    }
    for (const [campaignId, batchNos] of byCampaign) {
      for (const part of chunks(batchNos, 1000)) {
        await ctx.db.transaction((tx) =>
          exec(tx, `UPDATE campaign_batch SET enqueued_at = ? WHERE campaign_id = ? AND batch_no IN ${inList(part)}`, [sqlTime(now), campaignId, ...part]),
        );
        const stamp = `${Date.now().toString(36)}_${++this.seq}`;
        await this.queue.enqueue<CampaignJob>(
          CAMPAIGN_QUEUE,
          part.map((batchNo) => ({ id: `c${campaignId}_b${batchNo}_${stamp}`, data: { campaignId, batchNo } })),
        );
      }
    }
    // A worker that died after its campaign's last batch but before marking it completed.
    const finished: { id: number }[] = await ctx.db.read((em) =>
      em.query("SELECT c.id FROM campaign c WHERE c.status = 'sending' AND NOT EXISTS (SELECT 1 FROM campaign_batch b WHERE b.campaign_id = c.id AND b.status <> 'done')"),
    );
    for (const { id } of finished) await completeIfDone(ctx, Number(id));
  }

  /** One work item: claim (guarded), run, close; a failure hands it back for a retry, an abort leaves the lease. */
  private async run({ campaignId, batchNo }: CampaignJob, info: JobInfo): Promise<void> {
    const ctx = this.ctx;
    const snapshot = batchNo === SNAPSHOT_BATCH;
    throwIfAborted(info.signal); // a job handed out just before a kill must not take a lease it will not use
    const attempt = await claimBatch(ctx, campaignId, batchNo, this.owner, snapshot ? 'snapshotting' : 'sending');
    if (attempt === null) return;
    try {
      if (snapshot) {
        await runSnapshot(ctx, campaignId, this.owner, info.signal);
        await completeIfDone(ctx, campaignId);
        this.wake();
        return;
      }
      if (attempt > MAX_BATCH_ATTEMPTS) await this.failBatch(campaignId, batchNo);
      else {
        await deliverBatch(ctx, campaignId, batchNo, this.owner, info.signal);
        await ctx.db.transaction((tx) => finishBatch(tx, campaignId, batchNo, this.owner));
      }
      await completeIfDone(ctx, campaignId);
    } catch (err) {
      if (err instanceof JobAborted) throw err;
      await releaseBatch(ctx, campaignId, batchNo, this.owner);
      throw err;
    }
  }

  /** Gives up on a batch: its recipients without a delivery row are recorded `failed: error`, the batch done. */
  private async failBatch(campaignId: number, batchNo: number): Promise<void> {
    const ctx = this.ctx;
    const now = ctx.clock.now();
    await ctx.db.transaction(async (tx) => {
      if (!(await holdBatch(ctx, tx, campaignId, batchNo, this.owner))) return;
      const rows: { customer_id: number; kind: string }[] = await tx.query(
        `SELECT r.customer_id, c.kind FROM campaign_recipient r JOIN campaign c ON c.id = r.campaign_id
         WHERE r.campaign_id = ? AND r.batch_no = ?
           AND NOT EXISTS (SELECT 1 FROM campaign_delivery d WHERE d.campaign_id = r.campaign_id AND d.customer_id = r.customer_id)`,
        [campaignId, batchNo],
      );
      await insertIgnore(
        tx,
        ctx.db.dialect,
        'campaign_delivery',
        ['campaign_id', 'customer_id', 'kind', 'status', 'reason', 'coupon_id', 'subscribe_status', 'at'],
        rows.map((r) => [campaignId, Number(r.customer_id), r.kind, 'failed', 'error', null, 'none', sqlTime(now)]),
      );
      await finishBatch(tx, campaignId, batchNo, this.owner);
    });
    ctx.log.error({ campaignId, batchNo }, 'campaign batch failed too often; its recipients are recorded failed');
  }
}

/** The runner of a server process: BullMQ when REDIS_URL is set, the in-process queue otherwise. */
export function startCampaignRunner(deps: Deps): CampaignRunner {
  return new CampaignRunner(deps, createQueue(deps.config, deps.log.child({ module: 'queue' }))).start();
}
