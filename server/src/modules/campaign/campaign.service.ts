import type { EntityManager } from 'typeorm';
import type { CampaignStatus, CampaignView, Page, TCampaignListQuery, TCreateCampaignBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import { AppError } from '../../lib/app-error';
import { decodeIdCursor, encodeIdCursor } from '../../lib/cursor';
import { CouponTemplate } from '../coupon/coupon-template.entity';
import { checkRuleReferences } from '../segment/audience';
import { loadSegmentRule } from '../segment/segment.service';
import { Campaign, CampaignBatch } from './campaign.entity';
import { loadProgress, toCampaignView } from './campaign-view';
import { wakeCampaignRunner } from './runner-registry';

/** Batch number of the snapshot work item (delivery batches are 0..n-1). */
export const SNAPSHOT_BATCH = -1;

/**
 * Creates a draft campaign. The target is copied onto the campaign (a saved segment's rule as it is now, or the
 * inline rule), so later edits of the segment do not change a campaign already planned. Unknown template → 404;
 * a rule naming unknown tags/stores/clerks → 400 SEGMENT_UNKNOWN_REFERENCE. One transaction.
 */
export async function createCampaign(ctx: Ctx, staffId: number, body: TCreateCampaignBody): Promise<CampaignView> {
  return ctx.db.transaction(async (tx) => {
    if (!(await tx.getRepository(CouponTemplate).existsBy({ id: body.templateId }))) throw new AppError('NOT_FOUND', 'Coupon template not found');
    const rule = body.segmentId !== undefined ? await loadSegmentRule(tx, body.segmentId) : body.rule!;
    await checkRuleReferences(tx, rule);
    const id = await ctx.db.insertReturningId(tx, Campaign, {
      kind: 'campaign',
      name: body.name,
      status: 'draft',
      segmentId: body.segmentId ?? null,
      audience: JSON.stringify({ rule }),
      templateId: body.templateId,
      message: JSON.stringify(body.message),
      sendAt: body.sendAt ? new Date(body.sendAt) : null,
      holdoutPercent: body.holdoutPercent,
      capCount: body.frequencyCap?.count ?? null,
      capDays: body.frequencyCap?.days ?? null,
      reportWindowDays: body.reportWindowDays,
      clerkId: null,
      createdBy: staffId,
      requestKey: null,
    });
    return toCampaignView(await tx.getRepository(Campaign).findOneByOrFail({ id }));
  });
}

export async function listCampaigns(ctx: Ctx, q: TCampaignListQuery): Promise<Page<CampaignView>> {
  const before = q.cursor ? decodeIdCursor('cm', q.cursor) : null;
  return ctx.db.read(async (em) => {
    const qb = em.getRepository(Campaign).createQueryBuilder('c').where("c.kind = 'campaign'").orderBy('c.id', 'DESC').limit(q.limit + 1);
    if (before !== null) qb.andWhere('c.id < :before', { before });
    if (q.status) qb.andWhere('c.status = :status', { status: q.status });
    const rows = await qb.getMany();
    const page = rows.slice(0, q.limit);
    return { items: page.map((c) => toCampaignView(c)), nextCursor: rows.length > q.limit ? encodeIdCursor('cm', page[page.length - 1].id) : null };
  });
}

/** One campaign with its live progress (audience, held out, processed, delivered, skipped by reason, failed). */
export async function getCampaign(ctx: Ctx, id: number, kind: Campaign['kind'] = 'campaign'): Promise<CampaignView> {
  return ctx.db.read(async (em) => {
    const c = await em.getRepository(Campaign).findOneBy({ id, kind });
    if (!c) throw new AppError('NOT_FOUND');
    return toCampaignView(c, await loadProgress(em, c));
  });
}

/**
 * Starts a send: draft → scheduled (sendAt in the future) or draft → snapshotting (the snapshot work item is
 * recorded in the same transaction). Idempotent: a repeated or concurrent request finds the campaign already
 * past draft and answers with it — one run, whatever the number of requests. A cancelled campaign → 409.
 */
export async function requestSend(ctx: Ctx, id: number): Promise<CampaignView> {
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const c = await tx.getRepository(Campaign).findOneBy({ id, kind: 'campaign' });
    if (!c) throw new AppError('NOT_FOUND');
    if (c.sendAt && c.sendAt.getTime() > now.getTime()) {
      await tx.createQueryBuilder().update(Campaign).set({ status: 'scheduled' }).where("id = :id AND status = 'draft'", { id }).execute();
    } else {
      await startSnapshot(tx, id, 'draft', now);
    }
    const after = await tx.getRepository(Campaign).findOneByOrFail({ id });
    if (after.status === 'cancelled') throw new AppError('CAMPAIGN_STATE_INVALID', 'The campaign was cancelled');
  });
  wakeCampaignRunner(ctx.db);
  return getCampaign(ctx, id);
}

/** `from` → snapshotting with the snapshot work item; false when the campaign was no longer in `from`. */
export async function startSnapshot(tx: EntityManager, id: number, from: CampaignStatus, now: Date): Promise<boolean> {
  const moved = await tx
    .createQueryBuilder()
    .update(Campaign)
    .set({ status: 'snapshotting', startedAt: now })
    .where('id = :id AND status = :from', { id, from })
    .execute();
  if (moved.affected !== 1) return false;
  await tx.getRepository(CampaignBatch).insert({ campaignId: id, batchNo: SNAPSHOT_BATCH, status: 'pending', owner: null, leaseUntil: null, enqueuedAt: null, attempts: 0 });
  return true;
}

const TRANSITIONS: Record<'pause' | 'resume' | 'cancel', { from: CampaignStatus[]; to: CampaignStatus }> = {
  pause: { from: ['sending'], to: 'paused' },
  resume: { from: ['paused'], to: 'sending' },
  cancel: { from: ['draft', 'scheduled', 'snapshotting', 'sending', 'paused'], to: 'cancelled' },
};

/**
 * Pause (sending → paused: batches not yet claimed wait; a batch in progress finishes), resume (paused → sending,
 * waiting batches are queued again at once) and cancel (any open state → cancelled: nothing more is delivered;
 * what was delivered stays). Guarded updates; repeating the same action is a no-op, an impossible one → 409.
 */
export async function changeCampaignState(ctx: Ctx, id: number, action: keyof typeof TRANSITIONS, kind: Campaign['kind'] = 'campaign'): Promise<CampaignView> {
  const { from, to } = TRANSITIONS[action];
  await ctx.db.transaction(async (tx) => {
    const c = await tx.getRepository(Campaign).findOneBy({ id, kind });
    if (!c) throw new AppError('NOT_FOUND');
    const moved = await tx
      .createQueryBuilder()
      .update(Campaign)
      .set({ status: to, ...(to === 'cancelled' ? { completedAt: ctx.clock.now() } : {}) })
      .where('id = :id AND status IN (:...from)', { id, from })
      .execute();
    if (moved.affected !== 1) {
      const now = await tx.getRepository(Campaign).findOneByOrFail({ id });
      if (now.status !== to) throw new AppError('CAMPAIGN_STATE_INVALID', `Cannot ${action} a campaign that is ${now.status}`, { status: now.status });
      return;
    }
    if (action === 'resume') {
      // Queue the waiting batches again now rather than when their last enqueue goes stale.
      await tx.createQueryBuilder().update(CampaignBatch).set({ enqueuedAt: null }).where("campaign_id = :id AND status = 'pending'", { id }).execute();
    }
  });
  if (action === 'resume') wakeCampaignRunner(ctx.db);
  return getCampaign(ctx, id, kind);
}
