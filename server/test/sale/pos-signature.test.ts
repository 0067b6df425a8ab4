import {
  POS_KEY_ID,
  POS_NONCE,
  canonicalString,
  deriveTerminalSecret,
  fingerprintOf,
  newKeyId,
  newNonce,
  secretHashOf,
  signCanonical,
  signRequest,
  signatureMatches,
} from '../../src/modules/sale/pos-signature';

/**
 * The worked example of docs/pos-integration.md, value for value: a vendor checks their code against these, so a
 * change to the signing (or to the guide) must fail here. The figures were also produced with openssl:
 *   printf '%s' "$CANONICAL" | openssl dgst -sha256 -hmac "$SECRET" -hex
 */
const EXAMPLE = {
  keyId: 'pk_EXAMPLE2345ABCDEFGHI',
  secret: '3N5qFD1YWP3Y84mgsiZllp0vqU869uGteJ3LIDgIY4E',
  method: 'POST',
  path: '/api/pos/v1/sales/quote',
  timestamp: '1767225600',
  nonce: 'q3Jv8mXw1ZtY6pLk2Hs9Dg',
  body: '{"memberCode":"880123456789012345","items":[{"sku":"NUT-001","quantity":2}],"usePoints":100}',
  bodySha256: 'bd8c47787ae12755d504d8b2df40a6357b8fe4d9fb99ba36a5c03181b3fc60c4',
  canonical:
    'POST\n/api/pos/v1/sales/quote\n1767225600\nq3Jv8mXw1ZtY6pLk2Hs9Dg\nbd8c47787ae12755d504d8b2df40a6357b8fe4d9fb99ba36a5c03181b3fc60c4',
  signature: '5a04d4012f97a1c28554827cc4cdba3bdbcd3ef44ff8ba26696f0853f7e86dbc',
};

describe('POS request signature', () => {
  it('reproduces the worked example of the integration guide exactly', () => {
    const canonical = canonicalString({ method: EXAMPLE.method, path: EXAMPLE.path, timestamp: EXAMPLE.timestamp, nonce: EXAMPLE.nonce, body: EXAMPLE.body });
    expect(canonical).toBe(EXAMPLE.canonical);
    expect(canonical.split('\n')[4]).toBe(EXAMPLE.bodySha256);
    expect(signCanonical(EXAMPLE.secret, canonical)).toBe(EXAMPLE.signature);
    expect(
      signRequest({ keyId: EXAMPLE.keyId, secret: EXAMPLE.secret, method: 'POST', path: EXAMPLE.path, body: EXAMPLE.body, timestamp: Number(EXAMPLE.timestamp), nonce: EXAMPLE.nonce }),
    ).toEqual({ 'x-pos-key': EXAMPLE.keyId, 'x-pos-timestamp': EXAMPLE.timestamp, 'x-pos-nonce': EXAMPLE.nonce, 'x-pos-signature': EXAMPLE.signature });
    // the guide's GET example: an empty body hashes to sha256("")
    expect(canonicalString({ method: 'get', path: '/api/pos/v1/openapi.json', timestamp: EXAMPLE.timestamp, nonce: EXAMPLE.nonce, body: '' })).toBe(
      'GET\n/api/pos/v1/openapi.json\n1767225600\nq3Jv8mXw1ZtY6pLk2Hs9Dg\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('the body is signed as bytes: a string and its UTF-8 bytes agree, any other byte does not', () => {
    const body = '{"reason":"破损"}';
    const base = { method: 'POST', path: '/p', timestamp: '1', nonce: 'n'.repeat(16) };
    expect(canonicalString({ ...base, body })).toBe(canonicalString({ ...base, body: Buffer.from(body, 'utf8') }));
    expect(canonicalString({ ...base, body: `${body} ` })).not.toBe(canonicalString({ ...base, body }));
    expect(canonicalString({ ...base, body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]) })).not.toBe(canonicalString({ ...base, body }));
  });

  it('signatureMatches accepts the signature in either hex case and refuses any change of a signed part', () => {
    const ok = signatureMatches(EXAMPLE.secret, EXAMPLE.canonical, EXAMPLE.signature);
    expect(ok).toBe(true);
    expect(signatureMatches(EXAMPLE.secret, EXAMPLE.canonical, EXAMPLE.signature.toUpperCase())).toBe(true);
    const changed = [
      EXAMPLE.canonical.replace('POST', 'PUT'),
      EXAMPLE.canonical.replace('/sales/quote', '/sales'),
      EXAMPLE.canonical.replace('1767225600', '1767225601'),
      EXAMPLE.canonical.replace('q3Jv8', 'q3Jv9'),
      EXAMPLE.canonical.replace('bd8c', 'bd8d'),
    ];
    for (const c of changed) expect(signatureMatches(EXAMPLE.secret, c, EXAMPLE.signature)).toBe(false);
    expect(signatureMatches(`${EXAMPLE.secret.slice(0, -1)}F`, EXAMPLE.canonical, EXAMPLE.signature)).toBe(false);
    // malformed signatures are refused before any comparison (timingSafeEqual needs equal lengths)
    for (const bad of ['', EXAMPLE.signature.slice(1), `${EXAMPLE.signature}00`, Buffer.from(EXAMPLE.signature, 'hex').toString('base64')]) {
      expect(signatureMatches(EXAMPLE.secret, EXAMPLE.canonical, bad)).toBe(false);
    }
  });

  it('terminal secrets derive from the master secret, key id and salt; the row keeps only a hash and shows its fingerprint', () => {
    const master = Buffer.alloc(32, 7);
    const s = deriveTerminalSecret(master, 'pk_AAAAAAAAAAAAAAAAAAAA', 'salt-1');
    expect(s).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(deriveTerminalSecret(master, 'pk_AAAAAAAAAAAAAAAAAAAA', 'salt-1')).toBe(s);
    expect(deriveTerminalSecret(master, 'pk_AAAAAAAAAAAAAAAAAAAB', 'salt-1')).not.toBe(s);
    expect(deriveTerminalSecret(master, 'pk_AAAAAAAAAAAAAAAAAAAA', 'salt-2')).not.toBe(s);
    expect(deriveTerminalSecret(Buffer.alloc(32, 8), 'pk_AAAAAAAAAAAAAAAAAAAA', 'salt-1')).not.toBe(s);
    const hash = secretHashOf(s);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintOf(hash)).toBe(hash.slice(0, 8));
  });

  it('generated key ids and nonces have the accepted shapes', () => {
    const keys = new Set(Array.from({ length: 200 }, newKeyId));
    expect(keys.size).toBe(200);
    for (const k of keys) expect(k).toMatch(POS_KEY_ID);
    for (let i = 0; i < 50; i++) expect(newNonce()).toMatch(POS_NONCE);
  });
});
