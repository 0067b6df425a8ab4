import crypto from 'node:crypto';
import WxPay from 'wechatpay-node-v3';
import type { IPayRequest, Output } from 'wechatpay-node-v3/dist/define';
import type { PaymentParams } from '@o2o/shared';
import { decryptResource } from './aead';
import type { PayKeys } from './keys';
import { signedHeaders, signLines, verifyWechatpaySignature } from './signature';
import { WechatPayError } from './wechatpay-errors';
import type { WechatPayApi, WechatRefund, WechatTransaction } from './wechatpay.types';

const OFFICIAL_BASE = 'https://api.mch.weixin.qq.com';

export interface WechatPayClientOptions {
  keys: PayKeys;
  /** WECHATPAY_API_BASE: WeChat's host in production, the emulator in development and tests. */
  apiBase: string;
  timeoutMs: number;
  now: () => Date;
}

/**
 * WeChat Pay through `wechatpay-node-v3` (request signing, endpoint shapes) with what it lacks added here:
 * our own HTTP transport (base URL, timeout, exact body bytes), verification of every response's signature
 * (the library never checks them, and a forged "SUCCESS" query would credit an unpaid order), locally signed
 * `paySign` with a crypto-random nonce, and notification verification/decryption that checks the GCM tag.
 */
export function createWechatPayClient(opts: WechatPayClientOptions): WechatPayApi {
  const { keys } = opts;
  const lib = new WxPay({
    appid: keys.appid,
    mchid: keys.mchid,
    publicKey: keys.merchantCertPem,
    privateKey: keys.merchantPrivateKeyPem,
    serial_no: keys.merchantSerial,
    key: keys.apiV3Key.toString('utf8'),
  });
  lib.createHttp(transport(opts));

  return {
    appid: keys.appid,
    mchid: keys.mchid,

    async jsapiPrepay(req) {
      const res = await lib.transactions_jsapi({
        description: req.description,
        out_trade_no: req.outTradeNo,
        time_expire: rfc3339Shanghai(req.timeExpire),
        notify_url: req.notifyUrl,
        amount: { total: req.totalFen, currency: 'CNY' },
        payer: { openid: req.openid },
        scene_info: { payer_client_ip: '127.0.0.1', store_info: { id: String(req.storeId) } },
      });
      const data = ok(res) as { package?: string };
      const prepayId = /^prepay_id=(.+)$/.exec(data.package ?? '')?.[1];
      if (!prepayId) throw new WechatPayError(res.status, 'BAD_RESPONSE', 'no prepay_id in the answer', true);
      return { prepayId };
    },

    paymentParams(prepayId, now): PaymentParams {
      const timeStamp = String(Math.floor(now.getTime() / 1000));
      const nonceStr = crypto.randomBytes(16).toString('hex');
      const pkg = `prepay_id=${prepayId}`;
      return { timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign: signLines(keys.merchantPrivateKey, [keys.appid, timeStamp, nonceStr, pkg]) };
    },

    async queryOrder(outTradeNo) {
      const res = await lib.query({ out_trade_no: outTradeNo });
      if (res.status === 404) return null;
      return ok(res) as WechatTransaction;
    },

    async closeOrder(outTradeNo) {
      const res = await lib.close(outTradeNo);
      if (res.status === 400 && errorCode(res) === 'ORDER_PAID') return 'paid';
      ok(res);
      return 'closed';
    },

    async refund(req) {
      const res = await lib.refunds({
        out_trade_no: req.outTradeNo,
        out_refund_no: req.outRefundNo,
        reason: req.reason,
        notify_url: req.notifyUrl,
        amount: { refund: req.refundFen, total: req.totalFen, currency: 'CNY' },
      });
      return ok(res) as WechatRefund;
    },

    async queryRefund(outRefundNo) {
      const res = await lib.find_refunds(outRefundNo);
      if (res.status === 404) return null;
      return ok(res) as WechatRefund;
    },

    verifyNotification(headers, rawBody, now) {
      return verifyWechatpaySignature(keys.platformKeys, headers, rawBody, now.getTime());
    },

    decrypt(resource) {
      return decryptResource(resource, keys.apiV3Key);
    },
  };
}

function ok(res: Output): unknown {
  if (res.status >= 200 && res.status < 300) return res.data ?? {};
  const code = errorCode(res) ?? 'HTTP_ERROR';
  // 429 and 5xx may succeed when retried with the same parameters; other 4xx are verdicts.
  const retryable = res.status === 0 || res.status === 429 || res.status >= 500;
  throw new WechatPayError(res.status || null, code, errorMessage(res) ?? 'request failed', retryable);
}

function errorBody(res: Output): { code?: string; message?: string } {
  try {
    return typeof res.error === 'string' ? JSON.parse(res.error) : {};
  } catch {
    return {};
  }
}
const errorCode = (res: Output) => errorBody(res).code;
const errorMessage = (res: Output) => errorBody(res).message ?? (typeof res.error === 'string' ? res.error.slice(0, 200) : undefined);

/**
 * The IPayRequest the library calls. Sends exactly the bytes it signed (JSON.stringify of its params),
 * times out (the library sets none), and refuses any answer whose WeChat Pay signature does not verify.
 */
function transport(opts: WechatPayClientOptions): IPayRequest {
  const base = opts.apiBase.replace(/\/$/, '');
  // Tell WeChat which of its keys we hold, so responses are signed with one we can check (migration mode).
  const preferredSerial = [...opts.keys.platformKeys.keys()].find((s) => s.startsWith('PUB_KEY_ID_')) ?? [...opts.keys.platformKeys.keys()][0];

  async function send(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: string): Promise<Output> {
    const target = url.startsWith(OFFICIAL_BASE) ? base + url.slice(OFFICIAL_BASE.length) : url;
    let res: Response;
    let raw: Buffer;
    try {
      res = await fetch(target, {
        method,
        headers: { ...headers, 'Wechatpay-Serial': preferredSerial, 'User-Agent': 'o2o-membership/1.0' },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      raw = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      throw new WechatPayError(null, 'NETWORK', err instanceof Error ? err.message : String(err), true);
    }
    const failure = verifyWechatpaySignature(opts.keys.platformKeys, signedHeaders((n) => res.headers.get(n) ?? undefined), raw, opts.now().getTime());
    if (failure && res.status < 500) throw new WechatPayError(res.status, 'RESPONSE_SIGNATURE_INVALID', failure, false);
    const text = raw.toString('utf8');
    if (res.status >= 200 && res.status < 300) return { status: res.status, data: text ? JSON.parse(text) : {} };
    return { status: res.status, error: text };
  }

  return {
    post: (url, params, headers) => send('POST', url, headers, JSON.stringify(params)),
    get: (url, headers) => send('GET', url, headers),
    upload: () => Promise.reject(new Error('uploads are not used')),
  };
}

/** RFC 3339 in Asia/Shanghai (+08:00), the form WeChat Pay documents for time_expire. */
export function rfc3339Shanghai(d: Date): string {
  const t = new Date(Math.floor(d.getTime() / 1000) * 1000 + 8 * 3600_000);
  return `${t.toISOString().slice(0, 19)}+08:00`;
}
