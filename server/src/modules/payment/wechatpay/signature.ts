import crypto from 'node:crypto';
import { serialKey } from './keys';

/** The four headers WeChat Pay signs responses and notifications with (Koa lower-cases header names). */
export interface WechatpaySignedHeaders {
  timestamp: string;
  nonce: string;
  signature: string;
  serial: string;
}

export type SignatureFailure =
  | 'missing_headers'
  | 'malformed_headers'
  | 'signature_probe'
  | 'unknown_serial'
  | 'stale_timestamp'
  | 'bad_signature';

export function signedHeaders(get: (name: string) => string | undefined): WechatpaySignedHeaders {
  return {
    timestamp: get('wechatpay-timestamp') ?? '',
    nonce: get('wechatpay-nonce') ?? '',
    signature: get('wechatpay-signature') ?? '',
    serial: get('wechatpay-serial') ?? '',
  };
}

const SERIAL = /^(PUB_KEY_ID_[0-9A-Za-z]{1,64}|[0-9A-Fa-f]{8,64})$/;
const NONCE = /^[0-9A-Za-z_-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Verifies a WeChat Pay signature over `timestamp\nnonce\nbody\n` with the raw body bytes as received.
 * Cheap checks first — header shapes, the `WECHATPAY/SIGNTEST/` probe, a known serial, freshness within
 * ±skewSeconds — so junk never reaches the RSA step and an unknown serial never triggers a download.
 */
export function verifyWechatpaySignature(
  keys: ReadonlyMap<string, crypto.KeyObject>,
  h: WechatpaySignedHeaders,
  rawBody: Buffer,
  nowMs: number,
  skewSeconds = 300,
): SignatureFailure | null {
  if (!h.timestamp || !h.nonce || !h.signature || !h.serial) return 'missing_headers';
  if (h.signature.startsWith('WECHATPAY/SIGNTEST/')) return 'signature_probe';
  if (!/^\d{1,12}$/.test(h.timestamp) || !NONCE.test(h.nonce) || !SERIAL.test(h.serial)) return 'malformed_headers';
  if (h.signature.length > 1024 || !BASE64.test(h.signature)) return 'malformed_headers';
  const key = keys.get(serialKey(h.serial));
  if (!key) return 'unknown_serial';
  if (Math.abs(nowMs / 1000 - Number(h.timestamp)) > skewSeconds) return 'stale_timestamp';
  // Canonical base64 only: Node's lenient decoder would accept variants (spare padding bits) of one signature.
  const sig = Buffer.from(h.signature, 'base64');
  if (sig.toString('base64') !== h.signature) return 'malformed_headers';
  const verifier = crypto.createVerify('RSA-SHA256');
  verifier.update(`${h.timestamp}\n${h.nonce}\n`);
  verifier.update(rawBody);
  verifier.update('\n');
  return verifier.verify(key, sig) ? null : 'bad_signature';
}

/** `base64(RSA-SHA256(key, lines joined by \n, each line terminated))`: request and paySign signatures. */
export function signLines(key: crypto.KeyObject, lines: string[]): string {
  return crypto.createSign('RSA-SHA256').update(lines.map((l) => `${l}\n`).join('')).sign(key, 'base64');
}
