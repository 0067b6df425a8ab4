import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RawEnv } from '../config';
import { createPayEmulator, generatePayKeyMaterial, loadPayKeyMaterial, writePayKeyFiles, type EmulatorPlugin, type PayKeyMaterial } from '../emulator';

/**
 * Development environment for `npm start`, `db:seed`, `admin:create` and `emulator` when no real
 * configuration is given: secrets are generated once into data/dev-secrets.json (gitignored, never
 * committed, never in the bundle) and the WeChat bases point at the local emulator. In production
 * (NODE_ENV=production) nothing is filled in: every variable must come from the environment.
 */
export interface DevSecrets {
  PII_KEY: string;
  PII_INDEX_KEY: string;
  TOKEN_SECRET: string;
  COUPON_CODE_SECRET: string;
  WECHAT_SECRET: string;
  demoAdminPassword: string;
  demoMarketerPassword: string;
}

export const DATA_DIR = path.resolve(__dirname, '../../../../data');

export function loadDevSecrets(dir = DATA_DIR): DevSecrets {
  const file = path.join(dir, 'dev-secrets.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  const key = () => crypto.randomBytes(32).toString('base64');
  const pw = () => crypto.randomBytes(9).toString('base64url');
  const secrets: DevSecrets = {
    PII_KEY: key(),
    PII_INDEX_KEY: key(),
    TOKEN_SECRET: key(),
    COUPON_CODE_SECRET: key(),
    WECHAT_SECRET: crypto.randomBytes(16).toString('hex'),
    demoAdminPassword: pw(),
    demoMarketerPassword: pw(),
  };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/**
 * Throw-away WeChat Pay keys for the emulator (merchant key + certificate, "WeChat Pay" public key and
 * platform certificate), generated once into data/dev-pay/ (gitignored). Returns the server's variables.
 */
export function devPayKeys(dir = path.join(DATA_DIR, 'dev-pay')): { material: PayKeyMaterial; env: RawEnv } {
  let material: PayKeyMaterial;
  try {
    material = loadPayKeyMaterial(dir);
  } catch {
    material = generatePayKeyMaterial();
  }
  return { material, env: writePayKeyFiles(dir, material) };
}

/** The emulator's WeChat Pay plugin for the dev keys (real WeChat retry schedule, unscaled). */
export function devPayPlugin(material: PayKeyMaterial): EmulatorPlugin {
  return createPayEmulator({
    mchid: material.mchid,
    apiV3Key: material.apiV3Key,
    merchant: { serial: material.merchant.serial, certPem: material.merchant.certPem },
    platform: material.platform,
  }).plugin;
}

export function devEnv(processEnv: RawEnv): { env: RawEnv; secrets: DevSecrets | null; payKeys: PayKeyMaterial | null } {
  if (processEnv.NODE_ENV === 'production') return { env: processEnv, secrets: null, payKeys: null };
  const secrets = loadDevSecrets();
  // Real merchant settings in the environment win; otherwise the emulator's throw-away merchant.
  const pay = processEnv.WECHATPAY_MCHID ? null : devPayKeys();
  const emulatorPort = processEnv.EMULATOR_PORT ?? '3100';
  const { demoAdminPassword: _a, demoMarketerPassword: _m, ...env } = secrets;
  return {
    secrets,
    payKeys: pay?.material ?? null,
    env: {
      NODE_ENV: 'development',
      DATABASE_URL: `sqlite:${path.join(DATA_DIR, 'o2o.db')}`,
      WECHAT_API_BASE: `http://127.0.0.1:${emulatorPort}`,
      WECHATPAY_API_BASE: `http://127.0.0.1:${emulatorPort}`,
      // The H5 build's development template id (miniapp/config/index.ts), so the emulator shows the 取餐提醒.
      WECHAT_SUBSCRIBE_PICKUP_TMPL: 'dev_pickup_tmpl',
      // No load balancer in front of `npm start`: Ctrl-C stops at once.
      SHUTDOWN_DRAIN_MS: '0',
      ...env,
      ...pay?.env,
      ...processEnv,
    },
  };
}
