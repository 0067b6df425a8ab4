import { backgroundCtx, type Ctx, type Deps } from '../../context';
import { exec, sqlTime } from '../../db/raw-sql';
import type { DeliveredEvent } from '../../events/event-types';
import { HandledEvent } from '../../events/handled-event.entity';
import type { OutboxWorker } from '../../events/outbox-worker';
import { FINAL_ERRCODES, miniprogramState } from '../campaign/subscribe-send';
import { WechatApiError } from '../wechat/wechat.types';

/**
 * 取餐提醒: when a pre-order is paid, the consumer gets the pickup subscribe message they granted (the mini-program
 * asks for it on the order result page, POST /api/app/subscriptions records the acceptance). It goes through the
 * campaigns' subscribe-message path: one `subscribe_quota` of the template taken by a conditional update
 * (`remaining > 0`), then `wechat.sendSubscribeMessage`, with the same outcome rules (campaign/subscribe-send.ts).
 *
 * Exactly once per event: the claim transaction inserts (consumer, event id) into `handled_event` together with
 * taking the quota; a redelivered event hits that primary key and sends nothing. The send happens after that commit,
 * so a crash between the two loses the message rather than repeating it (at most once, as for campaigns). No quota,
 * an order no longer waiting for pickup (refunded, already picked up), or no template configured → nothing sent,
 * no error. A failed send is logged and never retried: the order page still shows the pickup code.
 *
 * The message is a service notice, not marketing (research/pos.md §6): the pickup code, the store, the amount and a
 * fixed hint; it opens the order. Its keyword ids must match the template chosen in the mini-program admin.
 */
export const PICKUP_REMINDER_CONSUMER = 'pickup-reminder';
/** handled_event rows of this consumer are kept this long: far beyond any redelivery (as qr-stats'). */
const RETENTION_DAYS = 14;
const PURGE_EVERY_MS = 3_600_000;

/** The template's keywords: 取餐码 (character_string), 门店 (thing, ≤ 20 chars), 金额 (amount), 温馨提示 (thing). */
export function pickupMessageData(m: { pickupCode: string; storeName: string; payableFen: number }): Record<string, { value: string }> {
  return {
    character_string1: { value: m.pickupCode },
    thing2: { value: [...m.storeName].slice(0, 20).join('') },
    amount3: { value: `¥${(m.payableFen / 100).toFixed(2)}` },
    thing4: { value: '已支付，请凭取餐码到店取货' },
  };
}

/** The registration (events/handlers.ts). Without a pickup template configured there is nothing to send. */
export function registerPickupReminder(worker: Pick<OutboxWorker, 'on'>, deps: Deps): void {
  const templateId = deps.config.wechat.pickupTemplateId;
  if (!templateId) return;
  const ctx = backgroundCtx(deps, PICKUP_REMINDER_CONSUMER);
  worker.on('order.paid', async (e) => {
    // Events written before the store counter carry no channel: every order then was a pre-order.
    if ((e.payload.channel ?? 'preorder') !== 'preorder') return;
    await sendPickupReminder(ctx, e, templateId);
    await maybePurge(ctx);
  });
}

interface Claimed {
  customerId: number;
  openid: string;
  orderId: number;
  data: Record<string, { value: string }>;
}

/** Handles one `order.paid` (a pre-order's): 'sent', or why nothing was sent. Idempotent by event id. */
export async function sendPickupReminder(ctx: Ctx, e: DeliveredEvent<'order.paid'>, templateId: string): Promise<'sent' | 'duplicate' | 'not_waiting' | 'no_quota' | 'failed'> {
  const now = ctx.clock.now();
  const claimed = await ctx.db.transaction(async (tx): Promise<Claimed | 'duplicate' | 'not_waiting' | 'no_quota'> => {
    if (!(await ctx.db.insertOnce(tx, HandledEvent, { consumer: PICKUP_REMINDER_CONSUMER, eventId: e.id, createdAt: now }))) return 'duplicate';
    const [o] = (await tx.query(
      `SELECT o.customer_id AS customer_id, o.pickup_code AS pickup_code, o.payable_fen AS payable_fen, c.openid AS openid, s.name AS store_name
       FROM orders o JOIN customer c ON c.id = o.customer_id JOIN store s ON s.id = o.store_id
       WHERE o.id = ? AND o.channel = 'preorder' AND o.status IN ('paid', 'partially_refunded') AND o.picked_up_at IS NULL`,
      [e.payload.orderId],
    )) as { customer_id: number | string; pickup_code: string; payable_fen: number | string; openid: string; store_name: string }[];
    if (!o) return 'not_waiting';
    const customerId = Number(o.customer_id);
    const taken = await exec(tx, 'UPDATE subscribe_quota SET remaining = remaining - 1 WHERE customer_id = ? AND template_id = ? AND remaining > 0', [customerId, templateId]);
    if (taken !== 1) return 'no_quota';
    return { customerId, openid: o.openid, orderId: e.payload.orderId, data: pickupMessageData({ pickupCode: o.pickup_code, storeName: o.store_name, payableFen: Number(o.payable_fen) }) };
  });
  if (typeof claimed === 'string') return claimed;

  try {
    await ctx.wechat.sendSubscribeMessage({ toUser: claimed.openid, templateId, data: claimed.data, page: `pages/order/index?id=${claimed.orderId}`, miniprogramState: miniprogramState(ctx) });
    return 'sent';
  } catch (err) {
    const code = err instanceof WechatApiError ? err.errcode : null;
    // 43101: WeChat holds no acceptance for this user (revoked) → ours is wrong too; a transient error → the taken
    // quota is given back (the acceptance was not used); another final error → it stays taken.
    const fix = code === 43101 ? 'remaining = 0' : code === null || !FINAL_ERRCODES.has(code) ? 'remaining = remaining + 1' : null;
    if (fix) await ctx.db.transaction((tx) => exec(tx, `UPDATE subscribe_quota SET ${fix} WHERE customer_id = ? AND template_id = ?`, [claimed.customerId, templateId]));
    ctx.log.warn({ err, orderId: claimed.orderId, customerId: claimed.customerId }, 'pickup reminder not sent');
    return 'failed';
  }
}


const lastPurge = new WeakMap<object, number>();

/** At most hourly per process: this consumer's handled_event rows older than the retention (about an hour's worth each time). */
async function maybePurge(ctx: Ctx): Promise<void> {
  const t = performance.now();
  if (t - (lastPurge.get(ctx.db) ?? -Infinity) < PURGE_EVERY_MS) return;
  lastPurge.set(ctx.db, t);
  const before = new Date(ctx.clock.now().getTime() - RETENTION_DAYS * 86_400_000);
  await ctx.db.transaction((tx) => exec(tx, 'DELETE FROM handled_event WHERE consumer = ? AND created_at < ?', [PICKUP_REMINDER_CONSUMER, sqlTime(before)]), { quiet: true });
}
