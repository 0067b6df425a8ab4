import type { EntityManager } from 'typeorm';
import type { CampaignStatus } from '@o2o/shared';
import type { Ctx } from '../../context';
import { exec, sqlTime } from '../../db/raw-sql';

/**
 * Claims a work item (the snapshot or one delivery batch) by a guarded update: it must be pending, or running
 * with an expired lease (its worker died), and the campaign must be in `campaignStatus`. One winner among any
 * number of workers and processes. Returns the attempt number, or null when not claimed.
 */
export async function claimBatch(ctx: Ctx, campaignId: number, batchNo: number, owner: string, campaignStatus: CampaignStatus): Promise<number | null> {
  const now = ctx.clock.now();
  const until = new Date(now.getTime() + ctx.config.campaign.leaseMs);
  return ctx.db.transaction(async (tx) => {
    const n = await exec(
      tx,
      `UPDATE campaign_batch SET status = 'running', owner = ?, lease_until = ?, attempts = attempts + 1
       WHERE campaign_id = ? AND batch_no = ? AND (status = 'pending' OR (status = 'running' AND lease_until < ?))
         AND EXISTS (SELECT 1 FROM campaign c WHERE c.id = ? AND c.status = ?)`,
      [owner, sqlTime(until), campaignId, batchNo, sqlTime(now), campaignId, campaignStatus],
    );
    if (n !== 1) return null;
    const rows: { attempts: number }[] = await tx.query('SELECT attempts FROM campaign_batch WHERE campaign_id = ? AND batch_no = ?', [campaignId, batchNo]);
    return Number(rows[0].attempts);
  });
}

/**
 * Inside a transaction: renews the lease only if `owner` still holds the item. The row lock it takes fences
 * a worker whose lease expired (it finds another owner and gets 0 rows) until this transaction ends.
 */
export async function holdBatch(ctx: Ctx, tx: EntityManager, campaignId: number, batchNo: number, owner: string): Promise<boolean> {
  const until = new Date(ctx.clock.now().getTime() + ctx.config.campaign.leaseMs);
  return (
    (await exec(tx, "UPDATE campaign_batch SET lease_until = ? WHERE campaign_id = ? AND batch_no = ? AND owner = ? AND status = 'running'", [
      sqlTime(until),
      campaignId,
      batchNo,
      owner,
    ])) === 1
  );
}

export async function finishBatch(tx: EntityManager, campaignId: number, batchNo: number, owner: string): Promise<boolean> {
  return (
    (await exec(tx, "UPDATE campaign_batch SET status = 'done', lease_until = NULL WHERE campaign_id = ? AND batch_no = ? AND owner = ? AND status = 'running'", [
      campaignId,
      batchNo,
      owner,
    ])) === 1
  );
}

/** After a failure worth retrying: hand the item back at once (a crash instead leaves it to lease expiry). */
export async function releaseBatch(ctx: Ctx, campaignId: number, batchNo: number, owner: string): Promise<void> {
  await ctx.db.transaction((tx) =>
    exec(tx, "UPDATE campaign_batch SET status = 'pending', owner = NULL, lease_until = NULL WHERE campaign_id = ? AND batch_no = ? AND owner = ? AND status = 'running'", [
      campaignId,
      batchNo,
      owner,
    ]),
  );
}

/** sending → completed once no delivery batch is left undone (guarded; any worker may be the one to notice). */
export async function completeIfDone(ctx: Ctx, campaignId: number): Promise<boolean> {
  const now = ctx.clock.now();
  return ctx.db.transaction(
    async (tx) =>
      (await exec(
        tx,
        `UPDATE campaign SET status = 'completed', completed_at = ?
         WHERE id = ? AND status = 'sending' AND NOT EXISTS (SELECT 1 FROM campaign_batch b WHERE b.campaign_id = ? AND b.status <> 'done')`,
        [sqlTime(now), campaignId, campaignId],
      )) === 1,
  );
}
