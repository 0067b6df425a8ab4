import crypto from 'node:crypto';

/**
 * The POS API's request signature, pure (node:crypto only): the server verifies with it, and the CLI client
 * (cli/pos.ts), the bench and the tests sign with it. docs/pos-integration.md describes it to till vendors with a
 * worked example that test/sale/pos-signature.test.ts asserts, so this file and the guide cannot drift apart.
 *
 *   canonical = METHOD + "\n" + path-with-query + "\n" + timestamp + "\n" + nonce + "\n" + hex(sha256(body bytes))
 *   signature = lowercase hex(HMAC-SHA256(key = the terminal secret's ASCII text, canonical))
 *
 * Headers: X-Pos-Key, X-Pos-Timestamp (unix seconds), X-Pos-Nonce, X-Pos-Signature.
 */

export const POS_HEADER = {
  key: 'x-pos-key',
  timestamp: 'x-pos-timestamp',
  nonce: 'x-pos-nonce',
  signature: 'x-pos-signature',
  /** Optional, not signed: the store the till believes it sells for. It can only make a request fail (403). */
  store: 'x-pos-store-id',
} as const;

/** A request is accepted when |server time − X-Pos-Timestamp| ≤ this. */
export const POS_WINDOW_S = 300;

export const POS_KEY_ID = /^pk_[A-Z2-7]{20}$/;
export const POS_NONCE = /^[A-Za-z0-9_-]{16,64}$/;
/** Unix seconds, decimal; signed as sent. */
export const POS_TIMESTAMP = /^[0-9]{1,12}$/;
/** 64 hex digits; compared lowercased. */
export const POS_SIGNATURE = /^[0-9A-Fa-f]{64}$/;

export interface CanonicalParts {
  method: string;
  /** The request target as sent: path and query string, no scheme or host (`/api/pos/v1/sales?x=1`). */
  path: string;
  timestamp: string;
  nonce: string;
  /** The exact body bytes sent (a string is taken as UTF-8); empty for a GET. */
  body: Uint8Array | string;
}

export const sha256Hex = (data: Uint8Array | string): string => crypto.createHash('sha256').update(data).digest('hex');

export function canonicalString(p: CanonicalParts): string {
  return [p.method.toUpperCase(), p.path, p.timestamp, p.nonce, sha256Hex(p.body)].join('\n');
}

/** The signature of a canonical string with a terminal's secret (its text, as shown once when it was created). */
export function signCanonical(secret: string, canonical: string): string {
  return crypto.createHmac('sha256', Buffer.from(secret, 'utf8')).update(canonical, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented signature with the expected one (both hex; case ignored). */
export function signatureMatches(secret: string, canonical: string, presented: string): boolean {
  if (!POS_SIGNATURE.test(presented)) return false;
  const expected = Buffer.from(signCanonical(secret, canonical), 'hex');
  return crypto.timingSafeEqual(expected, Buffer.from(presented, 'hex'));
}

/** 128 random bits, base64url: 22 characters of [A-Za-z0-9_-]. */
export const newNonce = (): string => crypto.randomBytes(16).toString('base64url');

export interface SignInput {
  keyId: string;
  secret: string;
  method: string;
  path: string;
  body?: Uint8Array | string;
  /** Unix seconds; default now. */
  timestamp?: number;
  nonce?: string;
}

/** The four headers of a signed request (lower-case names). */
export function signRequest(s: SignInput): Record<string, string> {
  const timestamp = String(s.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = s.nonce ?? newNonce();
  const canonical = canonicalString({ method: s.method, path: s.path, timestamp, nonce, body: s.body ?? '' });
  return {
    [POS_HEADER.key]: s.keyId,
    [POS_HEADER.timestamp]: timestamp,
    [POS_HEADER.nonce]: nonce,
    [POS_HEADER.signature]: signCanonical(s.secret, canonical),
  };
}

// --- terminal credentials (server side) ---

/**
 * A terminal's secret is derived, never stored: base64url(HMAC-SHA256(POS_KEY_SECRET, `pos-terminal|keyId|salt`)),
 * 43 characters. Re-derived on each request from the row's keyId and salt; rotating POS_KEY_SECRET voids every key.
 */
export function deriveTerminalSecret(master: Buffer, keyId: string, salt: string): string {
  return crypto.createHmac('sha256', master).update(`pos-terminal|${keyId}|${salt}`, 'utf8').digest('base64url');
}

/** What the row keeps of the secret: sha256 hex (its first 8 digits are the fingerprint shown in the console). */
export const secretHashOf = (secret: string): string => sha256Hex(secret);
export const fingerprintOf = (secretHash: string): string => secretHash.slice(0, 8);

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** `pk_` + 20 random base32 characters (100 bits). */
export function newKeyId(): string {
  const bytes = crypto.randomBytes(20);
  let out = 'pk_';
  for (const b of bytes) out += BASE32[b & 31];
  return out;
}

/** 128 random bits for the derivation. */
export const newSalt = (): string => crypto.randomBytes(16).toString('base64url');
