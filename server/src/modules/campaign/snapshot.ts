import type { Ctx } from '../../context';
import { throwIfAborted } from '../queue';
import { resolveSnapshotAudience } from './audience';
import { finishBatch, holdBatch } from './batch-claim';
import { Campaign } from './campaign.entity';
import { SNAPSHOT_BATCH } from './campaign.service';
import { isHeldOut } from './holdout';
import { chunks, exec, insertIgnore } from '../../db/raw-sql';

/**
 * The snapshot of a campaign (its claimed SNAPSHOT_BATCH work item): the audience at this instant, consent
 * excluded, split into holdout (deterministic hash) and delivery batches of CAMPAIGN_BATCH_SIZE, inserted into
 * `campaign_recipient` in bulk. Restartable: a previous attempt's partial rows are removed first; the final
 * transaction writes the batch rows, the counts and snapshotting → sending (or → completed for an empty audience)
 * and closes the work item, all under the item's lease fence.
 */
export async function runSnapshot(ctx: Ctx, campaignId: number, owner: string, signal: AbortSignal): Promise<void> {
  const c = await ctx.db.read((em) => em.getRepository(Campaign).findOneByOrFail({ id: campaignId }));
  const now = ctx.clock.now();
  await ctx.db.transaction((tx) => exec(tx, 'DELETE FROM campaign_recipient WHERE campaign_id = ?', [campaignId]));
  const { ids, excludedNoConsent } = await ctx.db.read((em) => resolveSnapshotAudience(em, c, now));
  throwIfAborted(signal);

  const size = ctx.config.campaign.batchSize;
  let sent = 0;
  // Rows are built chunk by chunk (a million recipients never sit in memory as row arrays).
  for (const part of chunks(ids, 5000)) {
    throwIfAborted(signal);
    const rows = part.map((customerId) => {
      const heldOut = isHeldOut(campaignId, customerId, c.holdoutPercent);
      return [campaignId, customerId, heldOut ? -1 : Math.floor(sent++ / size), heldOut ? 1 : 0];
    });
    await ctx.db.transaction(async (tx) => {
      if (!(await holdBatch(ctx, tx, campaignId, SNAPSHOT_BATCH, owner))) throw new Error('snapshot lease lost');
      await insertIgnore(tx, ctx.db.dialect, 'campaign_recipient', ['campaign_id', 'customer_id', 'batch_no', 'held_out'], rows);
    });
  }
  const batchCount = Math.ceil(sent / size);
  throwIfAborted(signal);
  await ctx.db.transaction(async (tx) => {
    if (!(await holdBatch(ctx, tx, campaignId, SNAPSHOT_BATCH, owner))) throw new Error('snapshot lease lost');
    const batches = Array.from({ length: batchCount }, (_, b) => [campaignId, b, 'pending', 0]);
    await insertIgnore(tx, ctx.db.dialect, 'campaign_batch', ['campaign_id', 'batch_no', 'status', 'attempts'], batches);
    await tx
      .createQueryBuilder()
      .update(Campaign)
      .set({
        audienceCount: ids.length,
        heldOutCount: ids.length - sent,
        excludedNoConsent,
        batchCount,
        status: batchCount === 0 ? 'completed' : 'sending',
        ...(batchCount === 0 ? { completedAt: now } : {}),
      })
      .where("id = :campaignId AND status = 'snapshotting'", { campaignId })
      .execute();
    await finishBatch(tx, campaignId, SNAPSHOT_BATCH, owner);
  });
}
