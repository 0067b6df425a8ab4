import type { Router, RouterContext } from '@koa/router';
import { queryString } from '../wx';
import { bodyFields, notifyUrl, paramError, type Fields } from './params';
import type { PayRuntime } from './runtime';
import { randomDigits } from './signing';
import type { PayOrder, TradeState } from './state';
import { beijingDate, beijingTime, parseRfc3339 } from './time';
import { PayApiError, v3 } from './v3';

/** §4.4: 6-32 characters of digits, letters and _-|* */
const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;

const TRADE_STATE_DESC: Record<TradeState, string> = {
  NOTPAY: '订单未支付',
  SUCCESS: '支付成功',
  CLOSED: '订单已关闭',
  REFUND: '订单发生过退款',
};

/** JSAPI prepay, query (both ways) and close: §4.4, §4.8. */
export function registerTransactionRoutes(router: Router, rt: PayRuntime): void {
  const { state } = rt;

  router.post(
    '/v3/pay/transactions/jsapi',
    v3(rt, (ctx) => {
      const f = bodyFields(ctx.request.body);
      const appid = f.string('appid', '应用ID', 32);
      const mchid = f.string('mchid', '直连商户号', 32);
      f.string('description', '商品描述', 127);
      const outTradeNo = f.string('out_trade_no', '商户订单号', 32, OUT_TRADE_NO, 6);
      const timeExpire = f.optionalString('time_expire', '交易结束时间', 64);
      const expiresAt = timeExpire === undefined ? undefined : parseRfc3339(timeExpire);
      if (timeExpire !== undefined && expiresAt === undefined) {
        throw f.error('time_expire', '交易结束时间', '格式规则校验失败，应为RFC3339格式，如2018-06-08T10:34:56+08:00', timeExpire);
      }
      f.optionalString('attach', '附加数据', 128);
      const notify = notifyUrl(f) as string;
      const amount = f.object('amount', '订单金额');
      const total = amount.integer('total', '总金额', 1);
      const currency = cny(amount, 'currency', '货币类型', false);
      const openid = f.object('payer', '支付者').string('openid', '用户标识', 128);

      if (appid !== rt.env.appid) throw new PayApiError(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配，请检查后再试');
      checkMchid(rt, mchid);

      const body = ctx.request.body as Record<string, unknown>;
      const requestKey = canonicalJson(body);
      const existing = state.orders.get(outTradeNo);
      if (existing) {
        // Paid, refunded or closed: the number is spent. Unpaid: an identical re-order gets the same prepay_id.
        if (existing.tradeState !== 'NOTPAY') throw new PayApiError(403, 'OUT_TRADE_NO_USED', '商户订单号重复');
        if (existing.requestKey !== requestKey) throw new PayApiError(400, 'INVALID_REQUEST', '201 商户订单号重复');
        return { status: 200, body: { prepay_id: existing.prepayId } };
      }

      const now = rt.env.now();
      const order: PayOrder = {
        outTradeNo,
        prepayId: `wx${beijingTime(now).slice(0, 19).replace(/\D/g, '')}${randomDigits(20)}`,
        appid,
        mchid,
        description: body.description as string,
        attach: body.attach as string | undefined,
        notifyUrl: notify,
        total,
        currency,
        openid,
        timeExpire,
        expiresAt,
        requestKey,
        createdAt: now,
        tradeState: 'NOTPAY',
        refunds: [],
      };
      state.orders.set(outTradeNo, order);
      state.prepayIds.set(order.prepayId, outTradeNo);
      return { status: 200, body: { prepay_id: order.prepayId } };
    }),
  );

  router.get(
    '/v3/pay/transactions/out-trade-no/:outTradeNo',
    v3(rt, (ctx) => {
      requireMchidQuery(ctx, rt);
      const order = state.orders.get(param(ctx, 'outTradeNo'));
      if (!order) throw orderNotExist();
      return { status: 200, body: transactionJson(order) };
    }),
  );

  router.get(
    '/v3/pay/transactions/id/:transactionId',
    v3(rt, (ctx) => {
      requireMchidQuery(ctx, rt);
      const outTradeNo = state.transactionIds.get(param(ctx, 'transactionId'));
      const order = outTradeNo === undefined ? undefined : state.orders.get(outTradeNo);
      if (!order) throw orderNotExist();
      return { status: 200, body: transactionJson(order) };
    }),
  );

  router.post(
    '/v3/pay/transactions/out-trade-no/:outTradeNo/close',
    v3(rt, (ctx) => {
      checkMchid(rt, bodyFields(ctx.request.body).string('mchid', '直连商户号', 32));
      const order = state.orders.get(param(ctx, 'outTradeNo'));
      if (!order) throw orderNotExist();
      if (order.transactionId) throw new PayApiError(400, 'ORDER_PAID', '订单已支付');
      order.tradeState = 'CLOSED'; // closing twice is fine, as on WeChat
      return { status: 204 };
    }),
  );
}

/** The query-order shape (§4.6/§4.8); transaction_id, payer, success_time etc. only once paid. */
export function transactionJson(o: PayOrder): Record<string, unknown> {
  const paid = o.transactionId !== undefined;
  return {
    appid: o.appid,
    mchid: o.mchid,
    out_trade_no: o.outTradeNo,
    ...(paid ? { transaction_id: o.transactionId, trade_type: 'JSAPI' } : {}),
    trade_state: o.tradeState,
    trade_state_desc: TRADE_STATE_DESC[o.tradeState],
    ...(paid ? { bank_type: 'OTHERS' } : {}),
    ...(o.attach !== undefined ? { attach: o.attach } : {}),
    ...(paid ? { success_time: o.successTime, payer: { openid: o.openid } } : {}),
    amount: paid
      ? { total: o.total, payer_total: o.total, currency: o.currency, payer_currency: o.currency }
      : { total: o.total, currency: o.currency, payer_currency: o.currency },
    promotion_detail: [],
  };
}

/** Marks an order paid (the user entered the password) and notifies the merchant. */
export function markPaid(rt: PayRuntime, order: PayOrder): { transactionId: string; notificationId: string } {
  const now = rt.env.now();
  order.tradeState = 'SUCCESS';
  order.transactionId = `4200${beijingDate(now)}${randomDigits(16)}`; // 28 digits
  order.successTime = beijingTime(now);
  rt.state.transactionIds.set(order.transactionId, order.outTradeNo);
  const n = rt.notifier.notify({
    kind: 'transaction',
    eventType: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    url: order.notifyUrl,
    resource: transactionJson(order),
    outTradeNo: order.outTradeNo,
  });
  return { transactionId: order.transactionId, notificationId: n.id };
}

export function orderNotExist(): PayApiError {
  return new PayApiError(404, 'ORDER_NOT_EXIST', '订单不存在');
}

/** Only CNY exists for domestic merchants; optional in orders (defaults to CNY), required in refunds. */
export function cny(fields: Fields, key: string, label: string, required: boolean): string {
  const currency = required ? fields.string(key, label, 16) : (fields.optionalString(key, label, 16) ?? 'CNY');
  if (currency !== 'CNY') throw fields.error(key, label, '取值规则校验失败，仅支持CNY', currency);
  return currency;
}

/** Path parameters arrive URL-decoded from the router. */
export function param(ctx: unknown, name: string): string {
  return (ctx as RouterContext).params[name] ?? '';
}

function checkMchid(rt: PayRuntime, mchid: string): void {
  if (mchid !== rt.config.mchid) {
    throw new PayApiError(400, 'INVALID_REQUEST', '请求参数中的mchid与Http头Authorization中的mchid不一致');
  }
}

function requireMchidQuery(ctx: Parameters<typeof queryString>[0], rt: PayRuntime): void {
  const mchid = queryString(ctx, 'mchid');
  if (!mchid) throw paramError('query', 'mchid', '直连商户号', '必填性规则校验失败，此字段为必填项', '');
  checkMchid(rt, mchid);
}

/** JSON with sorted keys: two requests with the same parameters in another order are "identical". */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
