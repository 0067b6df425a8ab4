import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { PayKeyMaterial } from './dev-keys';
import type { SigningKey } from './signing';
import type { PaySignMode } from './state';

export interface PayEmulatorOptions {
  mchid: string;
  apiV3Key: string;
  /** Verifies the merchant's Authorization header. */
  merchant: { serial: string; certPem: string };
  /** Signs responses and notifications. */
  platform: PayKeyMaterial['platform'];
  /** Default 'public_key' (Wechatpay-Serial = PUB_KEY_ID_…); 'certificate' signs with the platform certificate. */
  signMode?: PaySignMode;
  /** Delay before each retry of an unacknowledged notification. Default WeChat's (24h4m in total). */
  retryScheduleMs?: number[];
  /** Multiplies retry delays and refundDelayMs (tests use e.g. 0.001). */
  timeScale?: number;
  /** How long the merchant has to answer a notification. Default 5000, WeChat's deadline. Not scaled. */
  deliveryTimeoutMs?: number;
  /** Delay (scaled) before an accepted refund completes and is notified. Default 2000. */
  refundDelayMs?: number;
  /** Transport for notification deliveries. Default the global fetch. */
  fetch?: typeof fetch;
}

const S = 1000;
const M = 60 * S;
const H = 60 * M;

/** §4.6: 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h after the first attempt. */
export const WECHAT_RETRY_SCHEDULE_MS: readonly number[] = [
  15 * S, 15 * S, 30 * S, 3 * M, 10 * M, 20 * M, 30 * M, 30 * M, 30 * M, 60 * M, 3 * H, 3 * H, 3 * H, 6 * H, 6 * H,
];

/** Options checked and turned into key objects once. */
export interface PayConfig {
  mchid: string;
  apiV3Key: string;
  merchantSerial: string;
  merchantPublicKey: KeyObject;
  signMode: PaySignMode;
  keys: Record<PaySignMode, SigningKey>;
  platformCertPem: string;
  retryScheduleMs: readonly number[];
  timeScale: number;
  deliveryTimeoutMs: number;
  refundDelayMs: number;
  fetch: typeof fetch;
}

export function resolvePayConfig(opts: PayEmulatorOptions): PayConfig {
  if (!/^\d{1,32}$/.test(opts.mchid)) throw new Error('pay emulator: mchid must be digits');
  if (Buffer.byteLength(opts.apiV3Key, 'utf8') !== 32) throw new Error('pay emulator: apiV3Key must be 32 bytes');
  const timeScale = opts.timeScale ?? 1;
  if (!(timeScale > 0)) throw new Error('pay emulator: timeScale must be > 0');
  const schedule = opts.retryScheduleMs ?? WECHAT_RETRY_SCHEDULE_MS;
  if (schedule.some((ms) => !(ms >= 0))) throw new Error('pay emulator: retryScheduleMs must be non-negative');

  const merchantCert = new X509Certificate(opts.merchant.certPem);
  const { platform } = opts;
  const certificate = new X509Certificate(platform.certificate.certPem);
  const certKey = createPrivateKey(platform.certificate.privateKeyPem);
  // A mismatched pair would only show up later as every signature failing at the merchant.
  if (!certificate.checkPrivateKey(certKey)) throw new Error('pay emulator: platform certificate and its private key do not match');
  const publicKeyModeKey = createPrivateKey(platform.privateKeyPem);
  if (!createPublicKey(publicKeyModeKey).equals(createPublicKey(platform.publicKeyPem))) {
    throw new Error('pay emulator: platform public key and private key do not match');
  }

  return {
    mchid: opts.mchid,
    apiV3Key: opts.apiV3Key,
    merchantSerial: opts.merchant.serial.toUpperCase(),
    merchantPublicKey: merchantCert.publicKey,
    signMode: opts.signMode ?? 'public_key',
    keys: {
      public_key: { serial: platform.publicKeyId, privateKey: publicKeyModeKey },
      certificate: { serial: platform.certificate.serial.toUpperCase(), privateKey: certKey },
    },
    platformCertPem: platform.certificate.certPem,
    retryScheduleMs: [...schedule],
    timeScale,
    deliveryTimeoutMs: opts.deliveryTimeoutMs ?? 5000,
    refundDelayMs: opts.refundDelayMs ?? 2000,
    fetch: opts.fetch ?? ((input, init) => fetch(input, init)),
  };
}
