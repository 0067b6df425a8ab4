import crypto from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Ctx } from '../../context';
import { emit } from '../../events/outbox';
import { Order } from './order.entity';
import { PayNotification, type PayNotificationStatus } from './pay-notification.entity';
import { Refund } from './refund.entity';
import { applyRefundOutcome } from './refund.service';
import { groupSettler } from './group-settler';
import { settlePayment } from './settlement';
import type { NotificationRecord } from './settlement-batch';
import type { WechatpaySignedHeaders } from './wechatpay/signature';
import type { NotificationEnvelope, WechatRefund, WechatTransaction } from './wechatpay/wechatpay.types';

export type NotificationKind = 'transaction' | 'refund';

/** What the route answers: 204, or the status for WeChat's `{code:'FAIL'}` (WeChat will redeliver). */
export type NotifyAnswer = { status: 204; outcome: string } | { status: 400 | 401 | 500 | 503; message: string };

export interface IncomingNotification {
  headers: WechatpaySignedHeaders;
  /** Headers kept for audit (Wechatpay-*, Request-ID, Content-Type). */
  auditHeaders: Record<string, string>;
  raw: Buffer;
}

const EVENT_TYPES: Record<NotificationKind, readonly string[]> = {
  transaction: ['TRANSACTION.SUCCESS'],
  refund: ['REFUND.SUCCESS', 'REFUND.ABNORMAL', 'REFUND.CLOSED'],
};

/**
 * Receives a WeChat Pay notification. Nothing is trusted or stored before the signature verifies (raw
 * bytes, key by serial, ±300 s) and the resource decrypts with its GCM tag checked. Then ONE transaction
 * records it (unique WeChat id: a redelivery — including one after a crash between commit and answer —
 * finds it and answers 204 with no effect) and applies it. 204 is answered only after that commit:
 * never a 2xx without a durable record. Inconsistent data is quarantined (recorded, alert, no credit).
 */
export async function receiveNotification(ctx: Ctx, kind: NotificationKind, n: IncomingNotification): Promise<NotifyAnswer> {
  const pay = ctx.pay;
  if (!pay) return { status: 503, message: 'payment not configured' };
  const now = ctx.clock.now();
  const failure = pay.verifyNotification(n.headers, n.raw, now);
  if (failure) {
    ctx.log.warn({ kind, failure, serial: n.headers.serial.slice(0, 64) }, 'WeChat Pay notification rejected');
    return { status: 401, message: `signature verification failed: ${failure}` };
  }
  let envelope: NotificationEnvelope;
  let plaintext: string;
  let resource: WechatTransaction | WechatRefund;
  try {
    envelope = JSON.parse(n.raw.toString('utf8')) as NotificationEnvelope;
  } catch {
    return { status: 400, message: 'malformed notification' };
  }
  if (typeof envelope?.id !== 'string' || !envelope.id || envelope.id.length > 64 || typeof envelope.event_type !== 'string' || !envelope.resource)
    return { status: 400, message: 'malformed notification' };
  try {
    plaintext = pay.decrypt(envelope.resource);
    resource = JSON.parse(plaintext);
  } catch (err) {
    // Signed by WeChat yet undecryptable: our APIv3 key is wrong. Fail so WeChat retries after the fix.
    ctx.log.error({ kind, err: err instanceof Error ? err.message : String(err) }, 'WeChat Pay notification could not be decrypted');
    return { status: 500, message: 'resource decryption failed' };
  }

  const record: NotificationRecord = {
    notifyId: envelope.id,
    kind,
    eventType: envelope.event_type.slice(0, 32),
    outTradeNo: typeof resource.out_trade_no === 'string' ? resource.out_trade_no.slice(0, 32) : null,
    outRefundNo: kind === 'refund' && typeof (resource as WechatRefund).out_refund_no === 'string' ? (resource as WechatRefund).out_refund_no.slice(0, 64) : null,
    status: 'processed',
    reason: null,
    serial: n.headers.serial,
    headers: JSON.stringify(n.auditHeaders),
    body: n.raw.toString('utf8'),
    resource: plaintext,
  };
  // The common case — a payment succeeded — is settled in a group with others arriving at the same time;
  // anything the group leaves (`defer`) takes the one-by-one transaction below.
  if (kind === 'transaction' && envelope.event_type === 'TRANSACTION.SUCCESS') {
    const grouped = await groupSettler(ctx.db).submit(ctx, { record, t: resource as WechatTransaction });
    if (grouped.kind === 'done') return { status: 204, outcome: grouped.outcome };
  }
  const outcome = await ctx.db.transaction(async (tx) => {
    if (!(await ctx.db.insertOnce(tx, PayNotification, record))) return knownId(ctx, tx, record, now);
    const applied = await apply(ctx, tx, kind, envelope.event_type, resource, now);
    if (applied.status !== 'processed') {
      await tx.getRepository(PayNotification).update({ notifyId: envelope.id }, { status: applied.status, reason: applied.reason.slice(0, 200) });
      if (applied.status === 'quarantined') {
        const row = await tx.getRepository(PayNotification).findOneOrFail({ where: { notifyId: envelope.id }, select: { id: true } });
        await emit(tx, 'payment.quarantined', { notificationId: row.id, outTradeNo: record.outTradeNo, reason: applied.reason }, now);
      }
    }
    return applied.outcome;
  });
  return { status: 204, outcome };
}

/**
 * A notification whose WeChat id we already hold. The same content is a redelivery: 204, no effect. Other content
 * under a known id is not WeChat's behaviour (a replayed id, a bug, a forgery that got a signature): it is recorded
 * under `<id>#<sha256(resource)[0..16]>` as quarantined and alerted — never silently dropped — and answered 204 (the
 * verdict would not change on a retry). Idempotent: the same conflicting content again finds its own row.
 */
async function knownId(ctx: Ctx, tx: EntityManager, record: NotificationRecord, now: Date): Promise<string> {
  const first = await tx.getRepository(PayNotification).findOneOrFail({ where: { notifyId: record.notifyId }, select: { id: true, resource: true } });
  if (first.resource === record.resource) return 'duplicate';
  const digest = crypto.createHash('sha256').update(record.resource).digest('hex').slice(0, 16);
  const reason = `notification id ${record.notifyId.slice(0, 40)} reused with different content (first recorded as #${first.id})`;
  const conflict = { ...record, notifyId: `${record.notifyId.slice(0, 47)}#${digest}`, status: 'quarantined' as const, reason: reason.slice(0, 200) };
  if (!(await ctx.db.insertOnce(tx, PayNotification, conflict))) return 'quarantined';
  const row = await tx.getRepository(PayNotification).findOneOrFail({ where: { notifyId: conflict.notifyId }, select: { id: true } });
  await emit(tx, 'payment.quarantined', { notificationId: row.id, outTradeNo: record.outTradeNo, reason }, now);
  return 'quarantined';
}

interface Applied {
  status: PayNotificationStatus;
  reason: string;
  outcome: string;
}

async function apply(ctx: Ctx, tx: EntityManager, kind: NotificationKind, eventType: string, resource: WechatTransaction | WechatRefund, now: Date): Promise<Applied> {
  if (!EVENT_TYPES[kind].includes(eventType)) return { status: 'ignored', reason: `event_type ${eventType} at the ${kind} URL`, outcome: 'ignored' };
  if (kind === 'transaction') {
    const o = await settlePayment(ctx, tx, resource as WechatTransaction, now);
    if (o.kind === 'quarantined') return { status: 'quarantined', reason: o.reason, outcome: 'quarantined' };
    return { status: 'processed', reason: '', outcome: o.kind };
  }
  const r = resource as WechatRefund;
  const pay = ctx.pay as NonNullable<Ctx['pay']>;
  if (r.mchid !== undefined && r.mchid !== pay.mchid) return { status: 'quarantined', reason: 'mchid mismatch', outcome: 'quarantined' };
  const check = await refundMismatch(tx, r);
  if (check) return { status: 'quarantined', reason: check, outcome: 'quarantined' };
  const status = eventType.slice('REFUND.'.length);
  const o = await applyRefundOutcome(ctx, tx, r.out_refund_no, status, r.refund_id, now);
  if (o === 'unknown') return { status: 'quarantined', reason: 'unknown out_refund_no', outcome: 'quarantined' };
  return { status: 'processed', reason: '', outcome: `refund ${status.toLowerCase()} ${o}` };
}

/** The refund WeChat describes must be ours, for our order, for the amount we asked. */
async function refundMismatch(tx: EntityManager, r: WechatRefund): Promise<string | null> {
  if (typeof r.out_refund_no !== 'string') return 'no out_refund_no';
  const refund = await tx.getRepository(Refund).findOneBy({ outRefundNo: r.out_refund_no });
  if (!refund) return 'unknown out_refund_no';
  const order = await tx.getRepository(Order).findOne({ where: { id: refund.orderId }, select: { id: true, outTradeNo: true } });
  if (!order || order.outTradeNo !== r.out_trade_no) return 'out_trade_no mismatch';
  if (r.amount?.refund !== refund.amountFen) return `refund amount ${r.amount?.refund} != ${refund.amountFen}`;
  return null;
}
