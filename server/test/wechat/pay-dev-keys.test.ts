import { createPrivateKey, createPublicKey, sign, verify, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  generatePayKeyMaterial,
  loadPayKeyMaterial,
  sharedTestPayKeyMaterial,
  writePayKeyFiles,
} from '../../src/emulator';

describe('WeChat Pay dev key material', () => {
  const m = sharedTestPayKeyMaterial();

  it('has WeChat-shaped identifiers', () => {
    expect(m.mchid).toMatch(/^\d{10}$/);
    expect(m.apiV3Key).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(m.merchant.serial).toMatch(/^[0-9A-F]{40}$/);
    expect(m.platform.publicKeyId).toMatch(/^PUB_KEY_ID_\d{34}$/);
    expect(m.platform.certificate.serial).toMatch(/^[0-9A-F]{40}$/);
    expect(sharedTestPayKeyMaterial()).toBe(m); // generated once
  });

  it('pairs every certificate and public key with its private key; cert mode uses its own key', () => {
    const merchantCert = new X509Certificate(m.merchant.certPem);
    expect(merchantCert.serialNumber).toBe(m.merchant.serial);
    expect(merchantCert.subject).toContain(`CN=${m.mchid}`);
    expect(merchantCert.checkPrivateKey(createPrivateKey(m.merchant.privateKeyPem))).toBe(true);
    expect(merchantCert.verify(merchantCert.publicKey)).toBe(true);

    const platformCert = new X509Certificate(m.platform.certificate.certPem);
    expect(platformCert.serialNumber).toBe(m.platform.certificate.serial);
    expect(platformCert.checkPrivateKey(createPrivateKey(m.platform.certificate.privateKeyPem))).toBe(true);

    const pub = createPublicKey(m.platform.publicKeyPem);
    expect(m.platform.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/); // SPKI, as pub_key.pem
    expect(pub.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const sig = sign('sha256', Buffer.from('x'), createPrivateKey(m.platform.privateKeyPem));
    expect(verify('sha256', Buffer.from('x'), pub, sig)).toBe(true);
    expect(platformCert.publicKey.equals(pub)).toBe(false);
  });

  it('takes a given mchid and rejects a malformed one', () => {
    expect(() => generatePayKeyMaterial({ mchid: '123' })).toThrow(/10 digits/);
  });

  it('writes the key files (private ones 0600) and returns the server env', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paykeys-'));
    try {
      const env = writePayKeyFiles(dir, m);
      expect(env).toEqual({
        WECHATPAY_MCHID: m.mchid,
        WECHATPAY_APIV3_KEY: m.apiV3Key,
        WECHATPAY_MERCHANT_KEY_FILE: path.join(dir, 'apiclient_key.pem'),
        WECHATPAY_MERCHANT_CERT_FILE: path.join(dir, 'apiclient_cert.pem'),
        WECHATPAY_PLATFORM_KEYS:
          `${m.platform.publicKeyId}=${path.join(dir, 'wechatpay_pub_key.pem')},` +
          `${m.platform.certificate.serial}=${path.join(dir, 'wechatpay_platform_cert.pem')}`,
      });
      expect(fs.readFileSync(env.WECHATPAY_MERCHANT_KEY_FILE, 'utf8')).toBe(m.merchant.privateKeyPem);
      const mode = (f: string) => fs.statSync(path.join(dir, f)).mode & 0o777;
      if (process.platform !== 'win32') {
        expect(mode('apiclient_key.pem')).toBe(0o600);
        expect(mode('emulator_pub_key_private.pem')).toBe(0o600);
        expect(mode('emulator_platform_cert_private.pem')).toBe(0o600);
        expect(mode('emulator_pay.json')).toBe(0o600);
        expect(mode('apiclient_cert.pem')).toBe(0o644);
      }
      for (const pair of env.WECHATPAY_PLATFORM_KEYS.split(',')) {
        const [id, file] = pair.split('=');
        expect(fs.existsSync(file)).toBe(true);
        expect(id.length).toBeGreaterThan(0);
      }
      // Overwriting keeps the modes, and the material reads back whole.
      writePayKeyFiles(dir, m);
      expect(loadPayKeyMaterial(dir)).toEqual(m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
