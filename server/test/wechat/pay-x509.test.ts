import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { selfSignedCertificate } from '../../src/lib/x509';

describe('selfSignedCertificate (lib/x509)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const base = {
    privateKey,
    publicKey,
    commonName: '1900000001',
    organization: 'WeChat Pay Emulator',
    notBefore: new Date('2024-01-01T00:00:00Z'),
    notAfter: new Date('2029-01-01T00:00:00Z'),
  };

  it('builds a v3 certificate node:crypto parses, with the serial, names, validity and key given', () => {
    const serialHex = '1dde55ad98ed71d6edd4a4a16996de7b47773a8c';
    const pem = selfSignedCertificate({ ...base, serialHex });
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END CERTIFICATE-----\n$/);
    const cert = new X509Certificate(pem);
    expect(cert.serialNumber).toBe(serialHex.toUpperCase());
    expect(cert.subject).toBe('O=WeChat Pay Emulator\nCN=1900000001');
    expect(cert.issuer).toBe(cert.subject);
    expect(new Date(cert.validFrom).toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(new Date(cert.validTo).toISOString()).toBe('2029-01-01T00:00:00.000Z');
    expect(cert.ca).toBe(false);
    expect(cert.verify(publicKey)).toBe(true);
    expect(cert.publicKey.equals(publicKey)).toBe(true);
    expect(cert.checkPrivateKey(privateKey)).toBe(true);
  });

  it('signature does not verify with another key', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const cert = new X509Certificate(selfSignedCertificate({ ...base, serialHex: '01' }));
    expect(cert.verify(other)).toBe(false);
  });

  it('encodes serials with the top bit set, and GeneralizedTime from 2050', () => {
    const serialHex = 'F'.repeat(40);
    const cert = new X509Certificate(
      selfSignedCertificate({ ...base, serialHex, notAfter: new Date('2051-06-30T12:34:56Z') }),
    );
    expect(cert.serialNumber).toBe(serialHex);
    expect(new Date(cert.validTo).toISOString()).toBe('2051-06-30T12:34:56.000Z');
  });

  it('handles long UTF-8 names (multi-byte DER lengths)', () => {
    const commonName = '微信支付模拟器'.repeat(20);
    const cert = new X509Certificate(selfSignedCertificate({ ...base, serialHex: '7A', commonName }));
    expect(cert.subject).toContain(commonName);
  });

  it('rejects bad input', () => {
    expect(() => selfSignedCertificate({ ...base, serialHex: 'xyz' })).toThrow(/hex/);
    expect(() => selfSignedCertificate({ ...base, serialHex: '00' })).toThrow(/positive/);
    expect(() => selfSignedCertificate({ ...base, serialHex: 'A'.repeat(41) })).toThrow(/hex/);
    expect(() => selfSignedCertificate({ ...base, serialHex: '01', notAfter: base.notBefore })).toThrow(/notAfter/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => selfSignedCertificate({ ...base, ...ec, serialHex: '01' })).toThrow(/RSA/);
  });
});
