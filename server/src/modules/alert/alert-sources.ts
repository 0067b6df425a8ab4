import { In, type EntityManager } from 'typeorm';
import { formatFen } from '@o2o/shared';
import { backgroundCtx, type Ctx, type Deps } from '../../context';
import type { EventMap } from '../../events/event-types';
import type { OutboxWorker } from '../../events/outbox-worker';
import { OutboxEvent } from '../../events/outbox-event.entity';
import { startPeriodic } from '../../lib/periodic';
import { Order } from '../payment/order.entity';
import { purgePosNonces } from '../sale/pos-terminal.service';
import { Refund } from '../payment/refund.entity';
import { Alert } from './alert.entity';
import { raiseAlert } from './alert.service';

/**
 * Where alerts come from: three outbox events (raised as they are delivered) and a sweep of two conditions that no
 * event announces (a dead outbox event, a refund that has not finished). Every source is idempotent through the
 * alert's subject key, so redelivery, several processes and every-minute sweeps raise each subject once.
 */

const REFUND_STATUS_ZH: Record<string, string> = { abnormal: '退款异常，需人工处理', failed: '被微信支付拒绝', closed: '退款已关闭', requested: '待提交', processing: '处理中' };

async function orderFacts(tx: EntityManager, where: { id?: number; outTradeNo?: string }) {
  if (where.id === undefined && !where.outTradeNo) return null;
  return tx.getRepository(Order).findOne({ where: where.id !== undefined ? { id: where.id } : { outTradeNo: where.outTradeNo }, select: { id: true, outTradeNo: true, storeId: true } });
}

/** A signed notification that did not match its order (amount, merchant, unknown order, second transaction). */
export async function alertPaymentQuarantined(ctx: Ctx, p: EventMap['payment.quarantined']): Promise<boolean> {
  return ctx.db.transaction(async (tx) => {
    const order = p.outTradeNo ? await orderFacts(tx, { outTradeNo: p.outTradeNo }) : null;
    // The recorded notification is the subject; a quarantine found by reconciliation has none, so its order is.
    const ref = p.notificationId !== null ? { refType: 'pay_notification', refId: p.notificationId } : order ? { refType: 'order', refId: order.id } : { refType: 'out_trade_no', refId: p.outTradeNo ?? 'unknown' };
    return raiseAlert(ctx, tx, {
      kind: 'payment_quarantined',
      ...ref,
      storeId: order?.storeId ?? null,
      summary: `支付通知已隔离：订单 ${p.outTradeNo ?? '（未知）'}，原因 ${p.reason}`,
      details: { notificationId: p.notificationId, outTradeNo: p.outTradeNo, orderId: order?.id ?? null, reason: p.reason },
    });
  });
}

/** A refund WeChat Pay refused, closed or reported abnormal: one alert per refund. */
export async function alertRefundFailed(ctx: Ctx, p: EventMap['refund.failed']): Promise<boolean> {
  return ctx.db.transaction(async (tx) => {
    const order = await orderFacts(tx, { id: p.orderId });
    const refund = await tx.getRepository(Refund).findOne({ where: { id: p.refundId }, select: { id: true, amountFen: true } });
    const amount = refund ? ` ¥${formatFen(refund.amountFen)}` : '';
    return raiseAlert(ctx, tx, {
      kind: 'refund_failed',
      refType: 'refund',
      refId: p.refundId,
      storeId: order?.storeId ?? null,
      summary: `退款失败：订单 ${order?.outTradeNo ?? p.orderId} 退款${amount}，${REFUND_STATUS_ZH[p.status] ?? p.status}`,
      details: { refundId: p.refundId, orderId: p.orderId, outTradeNo: order?.outTradeNo ?? null, amountFen: refund?.amountFen ?? null, status: p.status, reason: p.reason },
    });
  });
}

/** Earned points a refund could not take back (the customer had spent them). */
export async function alertPointsUnrecovered(ctx: Ctx, p: EventMap['points.unrecovered']): Promise<boolean> {
  return ctx.db.transaction(async (tx) => {
    const order = await orderFacts(tx, { id: p.orderId });
    return raiseAlert(ctx, tx, {
      kind: 'points_unrecovered',
      refType: 'refund',
      refId: p.refundId,
      storeId: order?.storeId ?? null,
      summary: `积分未能追回 ${p.points} 分：订单 ${order?.outTradeNo ?? p.orderId} 退款时顾客积分余额不足`,
      details: { refundId: p.refundId, orderId: p.orderId, outTradeNo: order?.outTradeNo ?? null, customerId: p.customerId, points: p.points },
    });
  });
}

const SCOPE_ZH: Record<string, string> = { login_user: '控制台账号', login_addr: '登录来源地址', invite_wx: '导购绑定（微信身份）', invite_addr: '导购绑定（来源地址）' };

/** A subject locked by repeated wrong passwords or invite codes: one alert per lockout. */
export async function alertLockedOut(ctx: Ctx, p: EventMap['attempt.locked_out']): Promise<boolean> {
  return ctx.db.transaction((tx) =>
    raiseAlert(ctx, tx, {
      kind: 'login_locked',
      refType: `attempt:${p.scope}`,
      refId: `${p.subject.slice(0, 40)}:${p.lockouts}`,
      summary: `${SCOPE_ZH[p.scope] ?? p.scope} ${p.label} 多次输错，已锁定至 ${new Date(p.until).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })}（第 ${p.lockouts} 次）`,
      details: { scope: p.scope, label: p.label, lockouts: p.lockouts, until: p.until },
    }),
  );
}

/** Replaces the log-only handlers: each of these events raises its alert (and still leaves a log line). */
export function registerAlertHandlers(worker: OutboxWorker, deps: Deps): void {
  const ctx = backgroundCtx(deps, 'alerts');
  worker.on('payment.quarantined', async (e) => {
    deps.log.warn({ alert: e.type, ...e.payload }, 'payment alert: needs an operator');
    await alertPaymentQuarantined(ctx, e.payload);
  });
  worker.on('refund.failed', async (e) => {
    deps.log.warn({ alert: e.type, ...e.payload }, 'payment alert: needs an operator');
    await alertRefundFailed(ctx, e.payload);
  });
  worker.on('attempt.locked_out', async (e) => {
    deps.log.warn({ alert: e.type, scope: e.payload.scope, label: e.payload.label, lockouts: e.payload.lockouts }, 'login lockout');
    await alertLockedOut(ctx, e.payload);
  });
  worker.on('points.unrecovered', async (e) => {
    deps.log.warn({ alert: e.type, ...e.payload }, 'payment alert: needs an operator');
    await alertPointsUnrecovered(ctx, e.payload);
  });
}

/** A refund still `requested`/`processing` this long after it was asked for is stuck (WeChat answers in seconds). */
export const REFUND_STUCK_AFTER_MS = 30 * 60_000;
/** Subjects looked at per sweep and kind (newest first); older ones were raised by earlier sweeps. */
const SWEEP_BATCH = 500;

/**
 * One sweep: `outbox_dead` for outbox events the worker gave up on, `refund_stuck` for refunds requested or
 * processing for more than 30 minutes. Reads the candidates (idx_outbox_due, idx_refund_status), skips subjects
 * that already have their alert (one read on uq_alert_subject) and raises the rest; safe to run anywhere, any
 * number of times. Returns how many alerts it added.
 */
export async function sweepAlerts(ctx: Ctx): Promise<{ outboxDead: number; refundStuck: number }> {
  const now = ctx.clock.now();
  const { dead, stuck } = await ctx.db.read(async (em) => ({
    dead: await em.getRepository(OutboxEvent).find({ where: { status: 'dead' }, select: { id: true, type: true, attempts: true, lastError: true }, order: { id: 'DESC' }, take: SWEEP_BATCH }),
    stuck: await em
      .getRepository(Refund)
      .createQueryBuilder('r')
      .select(['r.id', 'r.orderId', 'r.amountFen', 'r.status', 'r.createdAt', 'r.attempts'])
      .where('r.status IN (:...s) AND r.created_at < :before', { s: ['requested', 'processing'], before: new Date(now.getTime() - REFUND_STUCK_AFTER_MS) })
      .orderBy('r.id', 'DESC')
      .limit(SWEEP_BATCH)
      .getMany(),
  }));
  const out = { outboxDead: 0, refundStuck: 0 };
  if (dead.length === 0 && stuck.length === 0) return out;
  await ctx.db.transaction(async (tx) => {
    const known = async (kind: 'outbox_dead' | 'refund_stuck', refType: string, ids: number[]) =>
      ids.length
        ? new Set((await tx.getRepository(Alert).find({ where: { kind, refType, refId: In(ids.map(String)) }, select: { id: true, refId: true } })).map((a) => a.refId))
        : new Set<string>();
    const deadKnown = await known('outbox_dead', 'outbox_event', dead.map((e) => e.id));
    for (const e of dead) {
      if (deadKnown.has(String(e.id))) continue;
      const added = await raiseAlert(ctx, tx, {
        kind: 'outbox_dead',
        refType: 'outbox_event',
        refId: e.id,
        summary: `事件投递已放弃：${e.type} #${e.id}（尝试 ${e.attempts} 次）`,
        details: { eventId: e.id, type: e.type, attempts: e.attempts, lastError: e.lastError },
      });
      if (added) out.outboxDead++;
    }
    const stuckKnown = await known('refund_stuck', 'refund', stuck.map((r) => r.id));
    const fresh = stuck.filter((r) => !stuckKnown.has(String(r.id)));
    const orders = fresh.length ? await tx.getRepository(Order).find({ where: { id: In([...new Set(fresh.map((r) => r.orderId))]) }, select: { id: true, outTradeNo: true, storeId: true } }) : [];
    const byId = new Map(orders.map((o) => [o.id, o]));
    for (const r of fresh) {
      const o = byId.get(r.orderId);
      const minutes = Math.floor((now.getTime() - r.createdAt.getTime()) / 60_000);
      const added = await raiseAlert(ctx, tx, {
        kind: 'refund_stuck',
        refType: 'refund',
        refId: r.id,
        storeId: o?.storeId ?? null,
        summary: `退款 ${minutes} 分钟未完成：订单 ${o?.outTradeNo ?? r.orderId} 退款 ¥${formatFen(r.amountFen)}（${REFUND_STATUS_ZH[r.status] ?? r.status}）`,
        details: { refundId: r.id, orderId: r.orderId, outTradeNo: o?.outTradeNo ?? null, amountFen: r.amountFen, status: r.status, attempts: r.attempts, requestedAt: r.createdAt.toISOString() },
      });
      if (added) out.refundStuck++;
    }
  });
  return out;
}

/** Every minute in each worker process (idempotent, see sweepAlerts). */
export function startAlertSweep(ctx: Ctx, intervalMs = 60_000): { stop(): Promise<void> } {
  return startPeriodic(ctx.log, 'alert sweep', intervalMs, async () => {
    // Rides on this minute tick: POS nonces older than any timestamp that could replay them (pos-terminal.service.ts).
    await purgePosNonces(ctx).catch((err) => ctx.log.error({ err }, 'POS nonce purge failed'));
    const n = await sweepAlerts(ctx);
    if (n.outboxDead + n.refundStuck > 0) ctx.log.warn(n, 'alerts raised by the sweep');
  });
}
