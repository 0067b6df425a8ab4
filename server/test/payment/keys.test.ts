import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { loadConfig } from '../../src/config';
import { generatePayKeyMaterial, sharedTestPayKeyMaterial, writePayKeyFiles } from '../../src/emulator/pay';
import { loadPayKeys, PayKeyError } from '../../src/modules/payment/wechatpay/keys';
import { verifyWechatpaySignature } from '../../src/modules/payment/wechatpay/signature';

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

  it('matches a certificate serial whatever its case, in the configuration and in the header (issue 18 §12)', () => {
    const serial = keys.platform.certificate.serial;
    const k = load({ WECHATPAY_PLATFORM_KEYS: `${serial.toLowerCase()}=${path.join(dir, 'wechatpay_platform_cert.pem')}` })!;
    const body = Buffer.from('{"id":"n1"}');
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = crypto.createSign('RSA-SHA256').update(`${ts}\nnonce1\n${body}\n`).sign(keys.platform.certificate.privateKeyPem, 'base64');
    for (const headerSerial of [serial.toUpperCase(), serial.toLowerCase()]) {
      expect(verifyWechatpaySignature(k.platformKeys, { timestamp: ts, nonce: 'nonce1', signature, serial: headerSerial }, body, Date.now())).toBeNull();
    }
    // a PUB_KEY_ID_ is an id, not hex: its case is not folded
    expect(verifyWechatpaySignature(k.platformKeys, { timestamp: ts, nonce: 'nonce1', signature, serial: 'PUB_KEY_ID_abc' }, body, Date.now())).toBe('unknown_serial');
  });
});
