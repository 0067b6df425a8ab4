import { createCipheriv, createSign, createVerify, randomBytes, randomInt, type KeyObject } from 'node:crypto';

/** WeChat Pay APIv3 signatures and encryption (wechat.md §4.2, §4.3, §4.6), with node:crypto only. */

export const SIGNATURE_TYPE = 'WECHATPAY2-SHA256-RSA2048';

/** A key the emulator signs with, and the value it announces in `Wechatpay-Serial`. */
export interface SigningKey {
  serial: string;
  privateKey: KeyObject;
}

/** `ts\nnonce\nbody\n`: what WeChat Pay signs on responses and notifications. */
export function responseMessage(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

/** The Wechatpay-* headers for one response or notification body (exact bytes). */
export function wechatpayHeaders(key: SigningKey, nowMs: number, body: string): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const nonce = alnum(32);
  const signature = createSign('RSA-SHA256').update(responseMessage(timestamp, nonce, body)).sign(key.privateKey, 'base64');
  return {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': signature,
    'Wechatpay-Serial': key.serial,
    'Wechatpay-Signature-Type': SIGNATURE_TYPE,
  };
}

/** WeChat's SIGN_ERROR messages (the two documented ones verbatim, the rest in the same style). */
export const SIGN_ERRORS = {
  format: 'Http头Authorization值格式错误，请参考《微信支付商户REST API签名规则》',
  mchid: 'Http头Authorization中的mchid与商户证书不匹配',
  serial: '商户证书序列号有误。请使用签名私钥匹配的证书序列号',
  timestamp: 'Http头Authorization中的timestamp与发起请求的时间不得超过5分钟',
  signature: '错误的签名，验签失败',
} as const;

export interface AuthorizationCheck {
  method: string;
  /** Path and query exactly as received: that is what the merchant signed. */
  url: string;
  /** The raw body; '' for GET. */
  body: string;
  nowMs: number;
  mchid: string;
  serial: string;
  merchantPublicKey: KeyObject;
}

/** Returns undefined when the Authorization header is valid, else the SIGN_ERROR message. */
export function checkAuthorization(header: string | undefined, check: AuthorizationCheck): string | undefined {
  const parts = parseAuthorization(header);
  if (!parts) return SIGN_ERRORS.format;
  const { mchid, nonce_str: nonce, timestamp, serial_no: serial, signature } = parts;
  if (!/^\d{1,12}$/.test(timestamp)) return SIGN_ERRORS.format;
  if (mchid !== check.mchid) return SIGN_ERRORS.mchid;
  // Accepted case-insensitively: wechatpay-node-v3 derives a lowercase serial from the certificate.
  if (serial.toUpperCase() !== check.serial.toUpperCase()) return SIGN_ERRORS.serial;
  if (Math.abs(Math.floor(check.nowMs / 1000) - Number(timestamp)) > 300) return SIGN_ERRORS.timestamp;
  const message = `${check.method}\n${check.url}\n${timestamp}\n${nonce}\n${check.body}\n`;
  let ok = false;
  try {
    ok = createVerify('RSA-SHA256').update(message).verify(check.merchantPublicKey, signature, 'base64');
  } catch {
    ok = false; // malformed signature bytes
  }
  return ok ? undefined : SIGN_ERRORS.signature;
}

const AUTH_FIELDS = ['mchid', 'nonce_str', 'timestamp', 'serial_no', 'signature'] as const;
type AuthParts = Record<(typeof AUTH_FIELDS)[number], string>;

/** `WECHATPAY2-SHA256-RSA2048 k="v",...` with the five pairs in any order; undefined if malformed. */
export function parseAuthorization(header: string | undefined): AuthParts | undefined {
  if (!header) return undefined;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space) !== SIGNATURE_TYPE) return undefined;
  const values = new Map<string, string>();
  for (const m of header.slice(space + 1).matchAll(/\s*([a-z_]+)="([^"]*)"\s*(?:,|$)/g)) values.set(m[1], m[2]);
  const parts = {} as AuthParts;
  for (const field of AUTH_FIELDS) {
    const v = values.get(field);
    if (!v) return undefined;
    parts[field] = v;
  }
  return parts;
}

/** An encrypted `resource` (notifications) or `encrypt_certificate` (/v3/certificates). */
export interface EncryptedResource {
  algorithm: 'AEAD_AES_256_GCM';
  ciphertext: string;
  associated_data: string;
  nonce: string;
}

/** AES-256-GCM with the APIv3 key (UTF-8 bytes), a 12-char nonce and AAD; ciphertext = base64(enc‖tag). */
export function encryptResource(plaintext: string, apiV3Key: string, associatedData: string): EncryptedResource {
  const nonce = alnum(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const enc = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext: enc.toString('base64'), associated_data: associatedData, nonce };
}

/** A WECHATPAY/SIGNTEST/ probe signature: looks like one, must never verify (§4.3). */
export function signTestSignature(): string {
  return `WECHATPAY/SIGNTEST/${randomBytes(192).toString('base64')}`;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function alnum(n: number): string {
  let s = '';
  while (s.length < n) s += ALNUM[randomInt(0, ALNUM.length)];
  return s;
}

export function randomDigits(n: number): string {
  let s = '';
  while (s.length < n) s += randomInt(0, 10).toString();
  return s;
}
