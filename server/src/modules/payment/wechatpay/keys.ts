import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Config } from '../../../config';

/** Everything WeChat Pay needs, loaded and checked once at boot. */
export interface PayKeys {
  appid: string;
  mchid: string;
  /** 32 ASCII characters, used as raw bytes for AES-256-GCM. */
  apiV3Key: Buffer;
  merchantPrivateKey: crypto.KeyObject;
  merchantPrivateKeyPem: Buffer;
  merchantCertPem: Buffer;
  /** Uppercase hex serial of the merchant API certificate (sent as serial_no). */
  merchantSerial: string;
  /** WeChat Pay's keys by `Wechatpay-Serial`: platform certificate serials and `PUB_KEY_ID_…` ids. */
  platformKeys: ReadonlyMap<string, crypto.KeyObject>;
}

export class PayKeyError extends Error {}

/**
 * Reads the key files named by the configuration. Returns null when WeChat Pay is not configured at all;
 * throws PayKeyError naming the variable when it is configured wrongly (half a configuration is a boot
 * error, not a runtime surprise). Platform keys are files we were given: nothing is ever downloaded, so an
 * unknown serial in a notification is simply rejected.
 */
export function loadPayKeys(config: Readonly<Config>): PayKeys | null {
  const c = config.wechatPay;
  const set = [c.mchid, c.apiV3Key, c.merchantKeyFile, c.merchantCertFile].filter((v) => v !== undefined).length;
  if (set === 0 && c.platformKeys.length === 0) return null;
  if (!c.mchid) throw new PayKeyError('WECHATPAY_MCHID: required when WeChat Pay is configured');
  if (!c.apiV3Key) throw new PayKeyError('WECHATPAY_APIV3_KEY: required when WeChat Pay is configured');
  if (!c.merchantKeyFile) throw new PayKeyError('WECHATPAY_MERCHANT_KEY_FILE: required when WeChat Pay is configured');
  if (!c.merchantCertFile) throw new PayKeyError('WECHATPAY_MERCHANT_CERT_FILE: required when WeChat Pay is configured');
  if (c.platformKeys.length === 0) throw new PayKeyError('WECHATPAY_PLATFORM_KEYS: at least one WeChat Pay key is required to verify notifications');

  const merchantPrivateKeyPem = readFile(c.merchantKeyFile, 'WECHATPAY_MERCHANT_KEY_FILE');
  const merchantCertPem = readFile(c.merchantCertFile, 'WECHATPAY_MERCHANT_CERT_FILE');
  let merchantPrivateKey: crypto.KeyObject;
  let cert: crypto.X509Certificate;
  try {
    merchantPrivateKey = crypto.createPrivateKey(merchantPrivateKeyPem);
  } catch {
    throw new PayKeyError('WECHATPAY_MERCHANT_KEY_FILE: not a PEM private key');
  }
  try {
    cert = new crypto.X509Certificate(merchantCertPem);
  } catch {
    throw new PayKeyError('WECHATPAY_MERCHANT_CERT_FILE: not a PEM certificate');
  }
  if (!cert.checkPrivateKey(merchantPrivateKey)) throw new PayKeyError('WECHATPAY_MERCHANT_CERT_FILE: does not match the merchant private key');

  const platformKeys = new Map<string, crypto.KeyObject>();
  for (const { serial, file } of c.platformKeys) platformKeys.set(serialKey(serial), platformKey(serial, readFile(file, 'WECHATPAY_PLATFORM_KEYS')));

  return {
    appid: config.wechat.appid,
    mchid: c.mchid,
    apiV3Key: Buffer.from(c.apiV3Key, 'utf8'),
    merchantPrivateKey,
    merchantPrivateKeyPem,
    merchantCertPem,
    merchantSerial: cert.serialNumber.toUpperCase(),
    platformKeys,
  };
}

function platformKey(serial: string, pem: Buffer): crypto.KeyObject {
  const text = pem.toString('utf8');
  if (text.includes('BEGIN CERTIFICATE')) {
    const cert = new crypto.X509Certificate(pem);
    // A certificate filed under the wrong serial would make every notification fail verification.
    if (cert.serialNumber.toUpperCase() !== serial.toUpperCase())
      throw new PayKeyError(`WECHATPAY_PLATFORM_KEYS: ${serial} names a certificate whose serial is ${cert.serialNumber}`);
    return cert.publicKey;
  }
  if (!serial.startsWith('PUB_KEY_ID_')) throw new PayKeyError(`WECHATPAY_PLATFORM_KEYS: ${serial} is not a PUB_KEY_ID_ and its file is not a certificate`);
  try {
    return crypto.createPublicKey(pem);
  } catch {
    throw new PayKeyError(`WECHATPAY_PLATFORM_KEYS: the file for ${serial} is not a PEM public key`);
  }
}

function readFile(file: string, variable: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch {
    throw new PayKeyError(`${variable}: cannot read ${file}`);
  }
}

/**
 * The map key of a `Wechatpay-Serial`: certificate serials are hex and WeChat sends them upper case while operators
 * copy them in any case, so hex serials compare case-insensitively; `PUB_KEY_ID_…` ids are taken as they are.
 */
export function serialKey(serial: string): string {
  return serial.startsWith('PUB_KEY_ID_') ? serial : serial.toUpperCase();
}
