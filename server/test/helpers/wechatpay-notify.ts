import crypto from 'node:crypto';
import { Aes, Formatter, Rsa } from 'wechatpay-axios-plugin';
import type { PayKeyMaterial } from '../../src/emulator/pay';
import type { Harness } from './harness';

/**
 * Notifications built and signed by code we did not write (wechatpay-axios-plugin's AES-GCM and RSA
 * helpers), exactly as WeChat Pay sends them. Tests POST `body` as a raw string with `headers`.
 */
export interface BuiltNotification {
  id: string;
  body: string;
  headers: Record<string, string>;
}

export interface BuildOptions {
  ts?: number;
  eventType?: string;
  aad?: string;
  /** Sign with the platform certificate instead of the public key (cert-mode serial). */
  certMode?: boolean;
  /** Serialise the envelope yourself (raw-body fidelity tests). */
  serialize?: (envelope: object) => string;
  id?: string;
  originalType?: string;
}

export function buildNotification(keys: PayKeyMaterial, resource: object, opts: BuildOptions = {}): BuiltNotification {
  const nonce12 = Formatter.nonce(12);
  const aad = opts.aad ?? (opts.originalType ?? 'transaction');
  const id = opts.id ?? crypto.randomUUID();
  const envelope = {
    id,
    create_time: '2026-11-22T13:29:36+08:00',
    resource_type: 'encrypt-resource',
    event_type: opts.eventType ?? 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: {
      original_type: opts.originalType ?? 'transaction',
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: Aes.AesGcm.encrypt(JSON.stringify(resource), keys.apiV3Key, nonce12, aad),
      associated_data: aad,
      nonce: nonce12,
    },
  };
  const body = (opts.serialize ?? JSON.stringify)(envelope);
  return { id, body, headers: sign(keys, body, opts) };
}

/** WeChat's four signature headers over `ts\nnonce\nbody\n`. */
export function sign(keys: PayKeyMaterial, body: string, opts: { ts?: number; certMode?: boolean } = {}): Record<string, string> {
  const ts = opts.ts ?? Formatter.timestamp();
  const nonce = Formatter.nonce();
  const priv = Rsa.from(opts.certMode ? keys.platform.certificate.privateKeyPem : keys.platform.privateKeyPem, Rsa.KEY_TYPE_PRIVATE);
  return {
    'Content-Type': 'application/json',
    'Wechatpay-Timestamp': String(ts),
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Serial': opts.certMode ? keys.platform.certificate.serial : keys.platform.publicKeyId,
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    'Wechatpay-Signature': Rsa.sign(Formatter.response(ts, nonce, body), priv),
  };
}

/** The decrypted transaction WeChat reports for a paid order. */
export function paidTransaction(h: Harness, order: { outTradeNo: string; payableFen: number }, over: Record<string, unknown> = {}) {
  return {
    mchid: h.pay!.keys.mchid,
    appid: h.config.wechat.appid,
    out_trade_no: order.outTradeNo,
    transaction_id: `42000${crypto.randomInt(10 ** 9, 10 ** 10 - 1)}${crypto.randomInt(10 ** 9, 10 ** 10 - 1)}`.slice(0, 28),
    trade_type: 'JSAPI',
    trade_state: 'SUCCESS',
    trade_state_desc: '支付成功',
    bank_type: 'OTHERS',
    success_time: '2026-11-22T13:29:35+08:00',
    payer: { openid: 'o_any' },
    amount: { total: order.payableFen, payer_total: order.payableFen, currency: 'CNY', payer_currency: 'CNY' },
    ...over,
  };
}

/** POSTs a notification to the server as WeChat would (raw body string). */
export function deliver(h: Harness, n: { body: string | Buffer; headers: Record<string, string> }, kind: 'transaction' | 'refund' = 'transaction') {
  return fetch(`${h.baseUrl}/notify/wechat-pay/${kind}`, { method: 'POST', headers: n.headers, body: n.body });
}
