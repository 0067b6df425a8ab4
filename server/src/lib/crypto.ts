import crypto from 'node:crypto';

/**
 * Field encryption for PII at rest: AES-256-GCM, random 12-byte IV, format `v1:<iv>:<tag>:<ciphertext>` (base64url).
 * Lookups go through a blind index (HMAC-SHA256 with a separate key) so the ciphertext never needs to be searched.
 */
export class PiiCipher {
  constructor(
    private readonly key: Buffer,
    private readonly indexKey: Buffer,
  ) {
    if (key.length < 32 || indexKey.length < 32) throw new Error('PII keys must be 32 bytes');
  }

  encrypt(plain: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key.subarray(0, 32), iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
  }

  decrypt(stored: string): string {
    const [v, iv, tag, ct] = stored.split(':');
    if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('unknown ciphertext format');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key.subarray(0, 32), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** Deterministic, keyed: equal inputs give equal indexes; without the key it reveals nothing. */
  blindIndex(value: string): string {
    return crypto.createHmac('sha256', this.indexKey).update(value, 'utf8').digest('base64url');
  }
}

/** base32 (Crockford-ish, no I L O U) random string for public codes. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZabcdefghjkmnpqrstvwxyz23456789';
export function randomCode(length: number): string {
  const bytes = crypto.randomBytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length && i < bytes.length; i++) {
    const b = bytes[i];
    // rejection sampling keeps the distribution uniform
    if (b < 256 - (256 % ALPHABET.length)) out += ALPHABET[b % ALPHABET.length];
  }
  return out.length === length ? out : randomCode(length);
}

export function timingSafeEqualText(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb);
}
