import type { Ctx } from '../../context';
import { throwIfAborted } from '../queue';
import { WechatApiError } from '../wechat/wechat.types';
import { exec } from '../../db/raw-sql';
import type { Campaign } from './campaign.entity';
import { parseMessage } from './campaign-view';

/** WeChat answers that will not change on a retry (research/wechat.md §3.6): never resent. */
export const FINAL_ERRCODES = new Set([43101, 47003, 40003, 40037, 41030]);

/**
 * Sends the subscribe messages of a delivered batch: every delivery still `pending` (its quota was taken in the
 * delivery transaction) is moved pending → sending by a guarded update BEFORE the call, so a re-run never sends
 * one twice (a crash between the mark and the call loses that message: at most once). Outcome: sent; 43101 (the
 * user has no acceptance left at WeChat) → refused and our quota zeroed; another final error → failed; a transient
 * error → failed and the quota given back.
 */
export async function sendPendingSubscribes(ctx: Ctx, c: Campaign, batchNo: number, signal: AbortSignal): Promise<void> {
  const sub = parseMessage(c).subscribe;
  if (!sub) return;
  const pending: { id: number; customer_id: number; openid: string }[] = await ctx.db.read((em) =>
    em.query(
      `SELECT d.id, d.customer_id, cu.openid FROM campaign_delivery d
       JOIN campaign_recipient r ON r.campaign_id = d.campaign_id AND r.customer_id = d.customer_id
       JOIN customer cu ON cu.id = d.customer_id
       WHERE d.campaign_id = ? AND r.batch_no = ? AND d.subscribe_status = 'pending'`,
      [c.id, batchNo],
    ),
  );
  const mark = (id: number, from: string, to: string) =>
    ctx.db.transaction((tx) => exec(tx, 'UPDATE campaign_delivery SET subscribe_status = ? WHERE id = ? AND subscribe_status = ?', [to, id, from]));
  const setQuota = (customerId: number, sql: string) =>
    ctx.db.transaction((tx) => exec(tx, `UPDATE subscribe_quota SET ${sql} WHERE customer_id = ? AND template_id = ?`, [customerId, sub.templateId]));

  await mapLimit(pending, 8, async (d) => {
    throwIfAborted(signal);
    if ((await mark(Number(d.id), 'pending', 'sending')) !== 1) return;
    try {
      await ctx.wechat.sendSubscribeMessage({ toUser: d.openid, templateId: sub.templateId, data: sub.data, page: sub.page, miniprogramState: miniprogramState(ctx) });
      await mark(Number(d.id), 'sending', 'sent');
    } catch (err) {
      const code = err instanceof WechatApiError ? err.errcode : null;
      if (code === 43101) {
        await setQuota(Number(d.customer_id), 'remaining = 0');
        await mark(Number(d.id), 'sending', 'refused');
      } else {
        if (code === null || !FINAL_ERRCODES.has(code)) await setQuota(Number(d.customer_id), 'remaining = remaining + 1');
        await mark(Number(d.id), 'sending', 'failed');
        ctx.log.warn({ err, campaignId: c.id, customerId: d.customer_id }, 'subscribe message not sent');
      }
    }
  });
}

/** Which version of the mini-program a subscribe message opens (WeChat's names for our WECHAT_MINIAPP_ENV). */
export function miniprogramState(ctx: Ctx): 'developer' | 'trial' | 'formal' {
  const env = ctx.config.wechat.miniappEnv;
  return env === 'release' ? 'formal' : env === 'trial' ? 'trial' : 'developer';
}

/** `fn` over `items`, at most `limit` at a time; the first failure propagates after the running ones settle. */
async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  const results = await Promise.allSettled(lanes);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
