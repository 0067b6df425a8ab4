import { sign, type KeyObject } from 'node:crypto';

/**
 * A self-signed X.509 v3 certificate builder with nothing but node:crypto (which can parse certificates
 * but not create them). Used for development key material: the WeChat Pay emulator's merchant and
 * platform certificates. Only the DER needed for that is implemented (RFC 5280 §4.1).
 */

export interface SelfSignedCertificateOptions {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Hex, e.g. 40 digits like a WeChat Pay serial. Leading zero bytes are dropped (DER integers are minimal). */
  serialHex: string;
  commonName: string;
  organization?: string;
  notBefore: Date;
  notAfter: Date;
}

/** Returns the certificate as PEM. RSA keys only (signature algorithm sha256WithRSAEncryption). */
export function selfSignedCertificate(opts: SelfSignedCertificateOptions): string {
  if (opts.privateKey.asymmetricKeyType !== 'rsa') throw new Error('selfSignedCertificate: RSA keys only');
  if (!(opts.notAfter.getTime() > opts.notBefore.getTime())) throw new Error('selfSignedCertificate: notAfter must be after notBefore');

  const name = distinguishedName(opts.commonName, opts.organization);
  const algorithm = sequence(oid(SHA256_WITH_RSA), NULL);
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // version v3
    integer(serialBytes(opts.serialHex)),
    algorithm,
    name, // issuer = subject: self-signed
    sequence(time(opts.notBefore), time(opts.notAfter)),
    name,
    opts.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...EXTENSIONS)),
  );
  const signature = sign('sha256', tbs, opts.privateKey); // PKCS#1 v1.5 is the default for RSA keys
  const der = sequence(tbs, algorithm, bitString(signature));
  const b64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}-----END CERTIFICATE-----\n`;
}

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const COMMON_NAME = '2.5.4.3';
const ORGANIZATION = '2.5.4.10';

// An end-entity signing certificate, like WeChat's: basicConstraints CA:FALSE, keyUsage
// digitalSignature + nonRepudiation + keyEncipherment (critical).
const EXTENSIONS = [
  sequence(oid('2.5.29.19'), octetString(sequence())),
  sequence(oid('2.5.29.15'), tlv(0x01, Buffer.from([0xff])), octetString(tlv(0x03, Buffer.from([0x05, 0xe0])))),
];

// ---- minimal DER encoder ----

const NULL = Buffer.from([0x05, 0x00]);

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function sequence(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

function set(...items: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(items));
}

function explicit(tagNo: number, content: Buffer): Buffer {
  return tlv(0xa0 | tagNo, content);
}

/** `unsigned` is a big-endian magnitude; a 0x00 is prepended when the top bit would make it negative. */
function integer(unsigned: Buffer): Buffer {
  return tlv(0x02, unsigned[0] & 0x80 ? Buffer.concat([Buffer.from([0]), unsigned]) : unsigned);
}

function octetString(content: Buffer): Buffer {
  return tlv(0x04, content);
}

function bitString(content: Buffer): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([0]), content])); // 0 unused bits
}

function utf8String(s: string): Buffer {
  return tlv(0x0c, Buffer.from(s, 'utf8'));
}

function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const out = [40 * arcs[0] + arcs[1]];
  for (const arc of arcs.slice(2)) {
    const chunk = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; always UTC, whole seconds. */
function time(d: Date): Buffer {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '') + 'Z';
  const year = d.getUTCFullYear();
  if (year < 1950 || year > 9999) throw new Error(`selfSignedCertificate: year ${year} out of range`);
  return year < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii')) : tlv(0x18, Buffer.from(digits, 'ascii'));
}

function distinguishedName(commonName: string, organization?: string): Buffer {
  const rdns: Buffer[] = [];
  if (organization) rdns.push(set(sequence(oid(ORGANIZATION), utf8String(organization))));
  rdns.push(set(sequence(oid(COMMON_NAME), utf8String(commonName))));
  return sequence(...rdns);
}

function serialBytes(serialHex: string): Buffer {
  if (!/^[0-9a-fA-F]{1,40}$/.test(serialHex)) throw new Error('selfSignedCertificate: serialHex must be 1-40 hex digits');
  let bytes = Buffer.from(serialHex.length % 2 ? `0${serialHex}` : serialHex, 'hex');
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  if (bytes.length === 1 && bytes[0] === 0) throw new Error('selfSignedCertificate: serial must be positive');
  return bytes;
}
