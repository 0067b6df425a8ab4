import type { EntityManager } from 'typeorm';
import type { SkipReason, SubscribeStatus } from '@o2o/shared';
import type { Ctx } from '../../context';
import { throwIfAborted } from '../queue';
import { issueCouponBatch } from '../coupon/batch-issue.service';
import { holdBatch } from './batch-claim';
import { Campaign } from './campaign.entity';
import { parseMessage } from './campaign-view';
import { sendPendingSubscribes } from './subscribe-send';
import { chunks, exec, inList, insertIgnore, sqlTime } from '../../db/raw-sql';

const DAY_MS = 86_400_000;

interface Outcome {
  status: 'delivered' | 'skipped' | 'failed';
  reason: SkipReason | 'error' | null;
  couponId: number | null;
  subscribe: SubscribeStatus;
}

/**
 * Delivers one claimed batch. One transaction, fenced by the batch lease (a worker that lost its lease writes
 * nothing), for the batch's recipients that have no delivery row yet:
 *  1. consent re-checked now (withdrawn since the snapshot → skipped: no_consent); a clerk offer also re-checks that
 *     the clerk still owns the customer (→ not_owned);
 *  2. the frequency cap: deliveries of the same kind in the last capDays (→ frequency_cap);
 *  3. coupons by `issueCouponBatch` (stock reserved for the batch; beyond it → out_of_stock, never failed);
 *  4. one subscribe-message quota taken per delivered customer who has one for the template (conditional
 *     decrement of locked rows), the others get the inbox only;
 *  5. inbox messages and delivery rows, multi-row INSERT IGNORE under UNIQUE(campaign, customer).
 * Then, after commit, the subscribe messages (subscribe-send.ts). Every step is idempotent by its unique key, so a
 * batch re-run after a crash at any point delivers nothing twice.
 */
export async function deliverBatch(ctx: Ctx, campaignId: number, batchNo: number, owner: string, signal: AbortSignal): Promise<void> {
  const c = await ctx.db.read((em) => em.getRepository(Campaign).findOneByOrFail({ id: campaignId }));
  throwIfAborted(signal);
  await ctx.db.transaction(async (tx) => {
    if (!(await holdBatch(ctx, tx, campaignId, batchNo, owner))) throw new Error('batch lease lost');
    await deliverInTx(ctx, tx, c, batchNo);
  });
  throwIfAborted(signal);
  await sendPendingSubscribes(ctx, c, batchNo, signal);
}

async function deliverInTx(ctx: Ctx, tx: EntityManager, c: Campaign, batchNo: number): Promise<void> {
  const now = ctx.clock.now();
  const rows: { customer_id: number }[] = await tx.query(
    `SELECT r.customer_id FROM campaign_recipient r
     WHERE r.campaign_id = ? AND r.batch_no = ?
       AND NOT EXISTS (SELECT 1 FROM campaign_delivery d WHERE d.campaign_id = r.campaign_id AND d.customer_id = r.customer_id)
     ORDER BY r.customer_id`,
    [c.id, batchNo],
  );
  const fresh = rows.map((r) => Number(r.customer_id));
  if (fresh.length === 0) return;
  const outcome = new Map<number, Outcome>();
  const skip = (ids: Iterable<number>, reason: SkipReason) => {
    for (const id of ids) outcome.set(id, { status: 'skipped', reason, couponId: null, subscribe: 'none' });
  };

  // With a frequency cap the consenting customers' rows are locked (in id order, so batches never deadlock
  // each other): a concurrent batch of another campaign for the same customer waits, then sees this delivery
  // when it counts, so the cap is exact rather than a race.
  const lock = c.capCount && c.capDays && ctx.db.dialect === 'mysql' ? ' ORDER BY id FOR UPDATE' : '';
  const consenting = new Set(
    ((await tx.query(`SELECT id FROM customer WHERE marketing_consent = 1 AND id IN ${inList(fresh)}${lock}`, fresh)) as { id: number }[]).map((r) => Number(r.id)),
  );
  skip(
    fresh.filter((id) => !consenting.has(id)),
    'no_consent',
  );
  let eligible = fresh.filter((id) => consenting.has(id));

  if (c.kind === 'clerk_offer' && eligible.length > 0) {
    const owned = new Set(
      ((await tx.query(`SELECT customer_id FROM customer_clerk WHERE staff_id = ? AND customer_id IN ${inList(eligible)}`, [c.clerkId, ...eligible])) as { customer_id: number }[]).map(
        (r) => Number(r.customer_id),
      ),
    );
    skip(
      eligible.filter((id) => !owned.has(id)),
      'not_owned',
    );
    eligible = eligible.filter((id) => owned.has(id));
  }

  if (c.capCount && c.capDays && eligible.length > 0) {
    const capped = await atCap(tx, c, eligible, now);
    skip(capped, 'frequency_cap');
    eligible = eligible.filter((id) => !capped.has(id));
  }

  const issued = await issueCouponBatch(ctx, tx, {
    templateId: c.templateId,
    customerIds: eligible,
    source: c.kind === 'campaign' ? 'campaign' : 'clerk',
    sourceRef: `cmp${c.id}`,
    now,
  });
  skip(issued.outOfStock, 'out_of_stock');
  skip(issued.limitReached, 'limit_reached');
  skip(issued.notActive, 'template_not_active');
  const delivered = eligible.filter((id) => issued.coupons.has(id));

  const message = parseMessage(c);
  const withQuota = message.subscribe && delivered.length > 0 ? await takeQuota(ctx, tx, message.subscribe.templateId, delivered) : new Set<number>();
  for (const id of delivered) {
    outcome.set(id, { status: 'delivered', reason: null, couponId: issued.coupons.get(id)!, subscribe: !message.subscribe ? 'none' : withQuota.has(id) ? 'pending' : 'no_quota' });
  }

  const at = sqlTime(now);
  await insertIgnore(
    tx,
    ctx.db.dialect,
    'inbox_message',
    ['customer_id', 'campaign_id', 'title', 'body', 'coupon_id', 'at'],
    delivered.map((id) => [id, c.id, message.title, message.body, issued.coupons.get(id)!, at]),
  );
  await insertIgnore(
    tx,
    ctx.db.dialect,
    'campaign_delivery',
    ['campaign_id', 'customer_id', 'kind', 'status', 'reason', 'coupon_id', 'subscribe_status', 'at'],
    fresh.map((id) => {
      const o = outcome.get(id)!;
      return [c.id, id, c.kind, o.status, o.reason, o.couponId, o.subscribe, at];
    }),
  );
}

/**
 * Customers who already had `capCount` deliveries of this kind in the last `capDays` days. Read after the
 * customers' rows were locked (MySQL; SQLite serializes transactions), so two batches delivering to one customer
 * at the same instant count each other's delivery.
 */
async function atCap(tx: EntityManager, c: Campaign, ids: number[], now: Date): Promise<Set<number>> {
  const since = sqlTime(new Date(now.getTime() - c.capDays! * DAY_MS));
  const out = new Set<number>();
  for (const part of chunks(ids, 1000)) {
    const rows: { customer_id: number; n: number | string }[] = await tx.query(
      `SELECT customer_id, COUNT(*) AS n FROM campaign_delivery
       WHERE customer_id IN ${inList(part)} AND kind = ? AND status = 'delivered' AND at > ? AND campaign_id <> ?
       GROUP BY customer_id`,
      [...part, c.kind, since, c.id],
    );
    for (const r of rows) if (Number(r.n) >= c.capCount!) out.add(Number(r.customer_id));
  }
  return out;
}

/** One quota of `templateId` from each customer who has one: the rows are locked, then decremented (remaining > 0). */
async function takeQuota(ctx: Ctx, tx: EntityManager, templateId: string, ids: number[]): Promise<Set<number>> {
  const rows: { customer_id: number }[] = await tx.query(
    `SELECT customer_id FROM subscribe_quota WHERE template_id = ? AND remaining > 0 AND customer_id IN ${inList(ids)}${ctx.db.lockSuffix}`,
    [templateId, ...ids],
  );
  const have = rows.map((r) => Number(r.customer_id));
  if (have.length === 0) return new Set();
  const n = await exec(tx, `UPDATE subscribe_quota SET remaining = remaining - 1 WHERE template_id = ? AND remaining > 0 AND customer_id IN ${inList(have)}`, [templateId, ...have]);
  if (n !== have.length) throw new Error('subscribe quota changed under its lock');
  return new Set(have);
}
