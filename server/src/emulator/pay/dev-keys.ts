import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { selfSignedCertificate } from '../../lib/x509';
import { alnum, randomDigits as digits } from './signing';

/**
 * Throw-away WeChat Pay key material for development and tests: the merchant's API key + certificate
 * (which the server signs requests with) and the "WeChat Pay" side (which the emulator signs responses
 * and notifications with) in both of WeChat's key modes. Never use these against the real WeChat Pay.
 */
export interface PayKeyMaterial {
  /** 10 digits, like a real direct-merchant number. */
  mchid: string;
  /** 32 ASCII characters, as set in the merchant console. */
  apiV3Key: string;
  merchant: {
    privateKeyPem: string; // apiclient_key.pem (PKCS#8)
    certPem: string; // apiclient_cert.pem
    /** Serial of certPem: 40 uppercase hex digits (what goes into Authorization serial_no). */
    serial: string;
  };
  platform: {
    /** 'PUB_KEY_ID_' + 34 digits; the Wechatpay-Serial of public-key mode. */
    publicKeyId: string;
    privateKeyPem: string;
    /** pub_key.pem as downloaded from the merchant console: an SPKI public key. */
    publicKeyPem: string;
    /** The legacy platform certificate. A different key than public-key mode, as on WeChat. */
    certificate: { serial: string; certPem: string; privateKeyPem: string };
  };
}

/** RSA 2048 ×3; takes a few hundred ms. Tests should use sharedTestPayKeyMaterial(). */
export function generatePayKeyMaterial(opts: { mchid?: string; now?: Date } = {}): PayKeyMaterial {
  const mchid = opts.mchid ?? `19${digits(8)}`;
  if (!/^\d{10}$/.test(mchid)) throw new Error('mchid must be 10 digits');
  const now = opts.now ?? new Date();
  const notBefore = new Date(now.getTime() - 24 * 3600_000);
  const notAfter = new Date(now.getTime() + 5 * 365 * 24 * 3600_000);

  const merchantKeys = rsa();
  const merchantSerial = serial();
  const platformKeys = rsa();
  const certKeys = rsa();
  const certSerial = serial();

  return {
    mchid,
    apiV3Key: alnum(32),
    merchant: {
      privateKeyPem: pkcs8(merchantKeys.privateKey),
      certPem: selfSignedCertificate({
        ...merchantKeys,
        serialHex: merchantSerial,
        commonName: mchid, // WeChat puts the merchant number in the API certificate's CN
        organization: 'WeChat Pay Emulator merchant',
        notBefore,
        notAfter,
      }),
      serial: merchantSerial,
    },
    platform: {
      publicKeyId: `PUB_KEY_ID_${digits(34)}`,
      privateKeyPem: pkcs8(platformKeys.privateKey),
      publicKeyPem: platformKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      certificate: {
        serial: certSerial,
        certPem: selfSignedCertificate({
          ...certKeys,
          serialHex: certSerial,
          commonName: 'WeChat Pay Emulator platform',
          organization: 'WeChat Pay Emulator',
          notBefore,
          notAfter,
        }),
        privateKeyPem: pkcs8(certKeys.privateKey),
      },
    },
  };
}

let shared: PayKeyMaterial | undefined;

/** Generated once per process (jest: once per test file) since RSA generation is the slow part. */
export function sharedTestPayKeyMaterial(): PayKeyMaterial {
  shared ??= generatePayKeyMaterial();
  return shared;
}

/** File names inside the key directory. The platform private keys are for the emulator only. */
export const PAY_KEY_FILES = {
  merchantKey: 'apiclient_key.pem',
  merchantCert: 'apiclient_cert.pem',
  platformPublicKey: 'wechatpay_pub_key.pem',
  platformCert: 'wechatpay_platform_cert.pem',
  platformPrivateKey: 'emulator_pub_key_private.pem',
  platformCertPrivateKey: 'emulator_platform_cert_private.pem',
  /** mchid, APIv3 key, serials and ids, so loadPayKeyMaterial() can rebuild the whole set. */
  meta: 'emulator_pay.json',
} as const;

/**
 * Writes the PEM files (private keys and the secret-bearing meta file with mode 0600) and returns the
 * environment variables the server needs to talk to an emulator using this material.
 */
export function writePayKeyFiles(dir: string, material: PayKeyMaterial): Record<string, string> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = (name: string) => path.resolve(dir, name);
  const write = (name: string, content: string, secret: boolean) => {
    const mode = secret ? 0o600 : 0o644;
    fs.writeFileSync(file(name), content, { mode });
    fs.chmodSync(file(name), mode); // writeFile's mode only applies when it creates the file
  };
  const f = PAY_KEY_FILES;
  write(f.merchantKey, material.merchant.privateKeyPem, true);
  write(f.merchantCert, material.merchant.certPem, false);
  write(f.platformPublicKey, material.platform.publicKeyPem, false);
  write(f.platformCert, material.platform.certificate.certPem, false);
  write(f.platformPrivateKey, material.platform.privateKeyPem, true);
  write(f.platformCertPrivateKey, material.platform.certificate.privateKeyPem, true);
  const meta = {
    mchid: material.mchid,
    apiV3Key: material.apiV3Key,
    merchantSerial: material.merchant.serial,
    publicKeyId: material.platform.publicKeyId,
    certificateSerial: material.platform.certificate.serial,
  };
  write(f.meta, `${JSON.stringify(meta, null, 2)}\n`, true);

  return {
    WECHATPAY_MCHID: material.mchid,
    WECHATPAY_APIV3_KEY: material.apiV3Key,
    WECHATPAY_MERCHANT_KEY_FILE: file(f.merchantKey),
    WECHATPAY_MERCHANT_CERT_FILE: file(f.merchantCert),
    WECHATPAY_PLATFORM_KEYS:
      `${material.platform.publicKeyId}=${file(f.platformPublicKey)},` +
      `${material.platform.certificate.serial}=${file(f.platformCert)}`,
  };
}

/** Reads back what writePayKeyFiles() wrote (e.g. so a separately started emulator uses the same keys). */
export function loadPayKeyMaterial(dir: string): PayKeyMaterial {
  const f = PAY_KEY_FILES;
  const read = (name: string) => fs.readFileSync(path.resolve(dir, name), 'utf8');
  const meta = JSON.parse(read(f.meta)) as Record<string, string>;
  const material: PayKeyMaterial = {
    mchid: meta.mchid,
    apiV3Key: meta.apiV3Key,
    merchant: { privateKeyPem: read(f.merchantKey), certPem: read(f.merchantCert), serial: meta.merchantSerial },
    platform: {
      publicKeyId: meta.publicKeyId,
      privateKeyPem: read(f.platformPrivateKey),
      publicKeyPem: read(f.platformPublicKey),
      certificate: {
        serial: meta.certificateSerial,
        certPem: read(f.platformCert),
        privateKeyPem: read(f.platformCertPrivateKey),
      },
    },
  };
  // Fail early on a half-overwritten directory rather than with signature errors later.
  if (!createPublicKey(material.platform.privateKeyPem).equals(createPublicKey(material.platform.publicKeyPem))) {
    throw new Error(`${dir}: platform private and public keys do not match`);
  }
  createPrivateKey(material.merchant.privateKeyPem);
  return material;
}

function rsa() {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

function pkcs8(key: ReturnType<typeof rsa>['privateKey']): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/**
 * 40 uppercase hex digits whose first digit is 1-7: no leading zero byte to be dropped and no sign
 * padding, so every tool (openssl, Node, @fidm/x509) prints back exactly this serial.
 */
function serial(): string {
  return randomInt(1, 8).toString(16) + randomBytes(20).toString('hex').slice(1).toUpperCase();
}
