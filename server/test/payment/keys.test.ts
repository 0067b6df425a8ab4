import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { loadConfig } from '../../src/config';
import { generatePayKeyMaterial, sharedTestPayKeyMaterial, writePayKeyFiles } from '../../src/emulator/pay';
import { loadPayKeys, PayKeyError } from '../../src/modules/payment/wechatpay/keys';

const secrets = () => Object.fromEntries(['PII_KEY', 'PII_INDEX_KEY', 'TOKEN_SECRET', 'COUPON_CODE_SECRET'].map((k) => [k, crypto.randomBytes(32).toString('base64')]));

describe('WeChat Pay keys at boot', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'o2o-keys-'));
  const keys = sharedTestPayKeyMaterial();
  const env = writePayKeyFiles(dir, keys);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const load = (over: Record<string, string | undefined>) => loadPayKeys(loadConfig({ ...secrets(), ...env, ...over }));

  it('loads both key modes and reads the merchant serial from the certificate', () => {
    const k = load({})!;
    expect(k.merchantSerial).toBe(keys.merchant.serial);
    expect([...k.platformKeys.keys()].sort()).toEqual([keys.platform.certificate.serial, keys.platform.publicKeyId].sort());
  });

  it('is off when nothing is configured, and a boot error naming the variable when half configured', () => {
    expect(loadPayKeys(loadConfig(secrets()))).toBeNull();
    expect(() => load({ WECHATPAY_MCHID: undefined })).toThrow(/WECHATPAY_MCHID/);
    expect(() => load({ WECHATPAY_PLATFORM_KEYS: undefined })).toThrow(/WECHATPAY_PLATFORM_KEYS/);
    expect(() => load({ WECHATPAY_MERCHANT_KEY_FILE: path.join(dir, 'missing.pem') })).toThrow(/WECHATPAY_MERCHANT_KEY_FILE: cannot read/);
  });

  it('refuses a certificate that does not match the private key, or filed under another serial', () => {
    const other = generatePayKeyMaterial();
    const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'o2o-keys-'));
    const otherEnv = writePayKeyFiles(otherDir, other);
    try {
      expect(() => load({ WECHATPAY_MERCHANT_CERT_FILE: otherEnv.WECHATPAY_MERCHANT_CERT_FILE })).toThrow(PayKeyError);
      const wrongSerial = `${keys.platform.certificate.serial}=${path.join(otherDir, 'wechatpay_platform_cert.pem')}`;
      expect(() => load({ WECHATPAY_PLATFORM_KEYS: wrongSerial })).toThrow(/names a certificate whose serial is/);
      expect(() => load({ WECHATPAY_PLATFORM_KEYS: `ABCDEF0123=${path.join(dir, 'wechatpay_pub_key.pem')}` })).toThrow(/not a PUB_KEY_ID_/);
    } finally {
      fs.rmSync(otherDir, { recursive: true, force: true });
    }
  });
});
