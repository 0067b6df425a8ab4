import type { EntityManager } from 'typeorm';
import type { CampaignProgress, CampaignView, SegmentRule, SkipReason, SubscribeStatus, TCampaignMessage } from '@o2o/shared';
import type { Campaign } from './campaign.entity';

/** What a campaign's `audience` column holds. */
export type CampaignAudience = { rule: SegmentRule } | { customerIds: number[] };

export function parseAudience(c: Campaign): CampaignAudience {
  return JSON.parse(c.audience) as CampaignAudience;
}

export function parseMessage(c: Campaign): TCampaignMessage {
  return JSON.parse(c.message) as TCampaignMessage;
}

export function toCampaignView(c: Campaign, progress?: CampaignProgress): CampaignView {
  const audience = parseAudience(c);
  return {
    id: c.id,
    kind: c.kind,
    name: c.name,
    status: c.status,
    segmentId: c.segmentId,
    rule: 'rule' in audience ? audience.rule : null,
    templateId: c.templateId,
    message: parseMessage(c),
    sendAt: c.sendAt?.toISOString() ?? null,
    holdoutPercent: c.holdoutPercent,
    frequencyCap: c.capCount && c.capDays ? { count: c.capCount, days: c.capDays } : null,
    reportWindowDays: c.reportWindowDays,
    clerkId: c.clerkId,
    startedAt: c.startedAt?.toISOString() ?? null,
    completedAt: c.completedAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
    ...(progress ? { progress } : {}),
  };
}

/** Live figures of a send, from the snapshot counts on the row and GROUP BYs over deliveries and batches. */
export async function loadProgress(em: EntityManager, c: Campaign): Promise<CampaignProgress> {
  const byStatus: { status: string; reason: string | null; n: number | string }[] = await em.query(
    'SELECT status, reason, COUNT(*) AS n FROM campaign_delivery WHERE campaign_id = ? GROUP BY status, reason',
    [c.id],
  );
  const bySubscribe: { s: string; n: number | string }[] = await em.query(
    "SELECT subscribe_status AS s, COUNT(*) AS n FROM campaign_delivery WHERE campaign_id = ? AND subscribe_status <> 'none' GROUP BY subscribe_status",
    [c.id],
  );
  const batches: { status: string; n: number | string }[] = await em.query(
    'SELECT status, COUNT(*) AS n FROM campaign_batch WHERE campaign_id = ? AND batch_no >= 0 GROUP BY status',
    [c.id],
  );
  const p: CampaignProgress = {
    audience: c.audienceCount,
    heldOut: c.heldOutCount,
    excludedNoConsent: c.excludedNoConsent,
    processed: 0,
    delivered: 0,
    skipped: {},
    failed: 0,
    batches: { total: c.batchCount, done: Number(batches.find((b) => b.status === 'done')?.n ?? 0) },
    subscribe: {},
  };
  for (const r of byStatus) {
    const n = Number(r.n);
    p.processed += n;
    if (r.status === 'delivered') p.delivered += n;
    else if (r.status === 'failed') p.failed += n;
    else p.skipped[r.reason as SkipReason] = (p.skipped[r.reason as SkipReason] ?? 0) + n;
  }
  for (const r of bySubscribe) p.subscribe[r.s as SubscribeStatus] = Number(r.n);
  return p;
}
