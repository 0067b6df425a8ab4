import type { Router } from '@koa/router';
import { bodyFields, notifyUrl } from './params';
import type { PayRuntime } from './runtime';
import { randomDigits } from './signing';
import type { PayOrder, PayRefund, RefundOutcome } from './state';
import { beijingDate, beijingTime } from './time';
import { cny, param } from './transactions';
import { PayApiError, v3 } from './v3';

const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;
const MAX_REFUNDS_PER_ORDER = 50;

const SUMMARY: Record<RefundOutcome, string> = { SUCCESS: '退款成功', CLOSED: '退款关闭', ABNORMAL: '退款异常' };

/** Domestic refunds (§4.9): accepted as PROCESSING, completed and notified after refundDelayMs. */
export function registerRefundRoutes(router: Router, rt: PayRuntime): void {
  const { state } = rt;

  router.post(
    '/v3/refund/domestic/refunds',
    v3(rt, (ctx) => {
      const f = bodyFields(ctx.request.body);
      const transactionId = f.optionalString('transaction_id', '微信支付订单号', 32);
      const outTradeNo = f.optionalString('out_trade_no', '商户订单号', 32);
      if (!transactionId && !outTradeNo) {
        throw f.error('out_trade_no', '商户订单号', '必填性规则校验失败，transaction_id与out_trade_no必须二选一', '');
      }
      const outRefundNo = f.string('out_refund_no', '商户退款单号', 64, OUT_REFUND_NO);
      const reason = f.optionalString('reason', '退款原因', 80);
      const notify = notifyUrl(f, 'notify_url', false);
      const amount = f.object('amount', '金额信息');
      const refund = amount.integer('refund', '退款金额', 1);
      const total = amount.integer('total', '原订单金额', 1);
      const currency = cny(amount, 'currency', '退款币种', true);

      const byTransaction = transactionId ? state.transactionIds.get(transactionId) : undefined;
      const order = state.orders.get(transactionId ? (byTransaction ?? '') : (outTradeNo as string));
      if (!order || (transactionId && outTradeNo && order.outTradeNo !== outTradeNo)) {
        throw new PayApiError(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
      }

      const existing = state.refunds.get(outRefundNo);
      if (existing) {
        // Retrying with the same out_refund_no is how a merchant recovers from an uncertain answer: it
        // gets the refund that already exists (whatever the amounts say), never a second one.
        if (existing.outTradeNo !== order.outTradeNo) {
          throw new PayApiError(400, 'INVALID_REQUEST', '商户退款单号已用于其他订单，请使用新的商户退款单号');
        }
        return { status: 200, body: refundJson(existing) };
      }

      if (!order.transactionId) throw new PayApiError(400, 'INVALID_REQUEST', '订单未支付或已关闭，不允许退款');
      if (total !== order.total) throw new PayApiError(400, 'INVALID_REQUEST', '订单金额与原订单金额不一致，请核实后再试');
      if (order.refunds.length >= MAX_REFUNDS_PER_ORDER) {
        throw new PayApiError(400, 'INVALID_REQUEST', `同一笔订单最多退款${MAX_REFUNDS_PER_ORDER}次`);
      }
      if (refundedSoFar(rt, order) + refund > order.total) {
        throw new PayApiError(400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额');
      }

      const now = rt.env.now();
      const created: PayRefund = {
        outRefundNo,
        refundId: `50${beijingDate(now)}${randomDigits(19)}`, // 29 digits, like WeChat's
        outTradeNo: order.outTradeNo,
        transactionId: order.transactionId,
        reason,
        notifyUrl: notify,
        refund,
        total,
        currency,
        status: 'PROCESSING',
        outcome: state.faults.refundOutcome ?? 'SUCCESS',
        createTime: beijingTime(now),
      };
      state.refunds.set(outRefundNo, created);
      order.refunds.push(outRefundNo);
      rt.tasks.later(rt.config.refundDelayMs * rt.config.timeScale, () => completeRefund(rt, created));
      return { status: 200, body: refundJson(created) };
    }),
  );

  router.get(
    '/v3/refund/domestic/refunds/:outRefundNo',
    v3(rt, (ctx) => {
      const refund = state.refunds.get(param(ctx, 'outRefundNo'));
      if (!refund) throw new PayApiError(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
      return { status: 200, body: refundJson(refund) };
    }),
  );
}

/** The refund resource as the apply/query endpoints return it. */
export function refundJson(r: PayRefund): Record<string, unknown> {
  return {
    refund_id: r.refundId,
    out_refund_no: r.outRefundNo,
    transaction_id: r.transactionId,
    out_trade_no: r.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    ...(r.successTime ? { success_time: r.successTime } : {}),
    create_time: r.createTime,
    status: r.status,
    funds_account: 'AVAILABLE',
    amount: {
      total: r.total,
      refund: r.refund,
      payer_total: r.total,
      payer_refund: r.refund,
      settlement_refund: r.refund,
      settlement_total: r.total,
      discount_refund: 0,
      currency: r.currency,
      from: [],
    },
    promotion_detail: [],
  };
}

/** Money already promised back: every refund except CLOSED ones (ABNORMAL is not final and still holds it). */
function refundedSoFar(rt: PayRuntime, order: PayOrder): number {
  let sum = 0;
  for (const no of order.refunds) {
    const r = rt.state.refunds.get(no);
    if (r && r.status !== 'CLOSED') sum += r.refund;
  }
  return sum;
}

function completeRefund(rt: PayRuntime, refund: PayRefund): void {
  if (refund.status !== 'PROCESSING') return;
  const now = rt.env.now();
  refund.status = refund.outcome;
  if (refund.outcome === 'SUCCESS') {
    refund.successTime = beijingTime(now);
    const order = rt.state.orders.get(refund.outTradeNo);
    if (order) order.tradeState = 'REFUND';
  }
  // Without a notify_url WeChat would use the URL configured in the merchant console; the emulator has none.
  if (!refund.notifyUrl) return;
  rt.notifier.notify({
    kind: 'refund',
    eventType: `REFUND.${refund.outcome}`,
    summary: SUMMARY[refund.outcome],
    url: refund.notifyUrl,
    outTradeNo: refund.outTradeNo,
    outRefundNo: refund.outRefundNo,
    resource: {
      mchid: rt.config.mchid,
      out_trade_no: refund.outTradeNo,
      transaction_id: refund.transactionId,
      out_refund_no: refund.outRefundNo,
      refund_id: refund.refundId,
      refund_status: refund.status,
      ...(refund.successTime ? { success_time: refund.successTime } : {}),
      user_received_account: '支付用户零钱',
      amount: { total: refund.total, refund: refund.refund, payer_total: refund.total, payer_refund: refund.refund },
    },
  });
}
