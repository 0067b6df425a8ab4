import crypto from 'node:crypto';
import { AppError } from './app-error';

/**
 * Stateless bearer tokens: `v1.<payload b64url>.<HMAC-SHA256 b64url>`. Consumer tokens carry the customer id;
 * staff tokens also carry the staff tokenVersion, checked against the row on every request (instant revocation).
 */
export type TokenAudience = 'app' | 'staff';

export interface TokenClaims {
  aud: TokenAudience;
  sub: number;
  /** staff only */
  ver?: number;
  /** expiry, epoch seconds */
  exp: number;
  /** issued at, epoch seconds (required: a token without a numeric exp and iat is refused) */
  iat: number;
}

export class TokenService {
  constructor(private readonly secret: Buffer) {}

  issue(claims: Omit<TokenClaims, 'exp' | 'iat'>, ttlSeconds: number, now: Date): { token: string; expiresAt: Date } {
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + ttlSeconds;
    const payload = Buffer.from(JSON.stringify({ ...claims, iat, exp })).toString('base64url');
    return { token: `v1.${payload}.${this.sign(payload)}`, expiresAt: new Date(exp * 1000) };
  }

  /** Throws UNAUTHENTICATED for anything malformed or forged, TOKEN_EXPIRED for a valid but old token. */
  verify(token: string, audience: TokenAudience, now: Date): TokenClaims {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== 'v1') throw new AppError('UNAUTHENTICATED');
    const [, payload, sig] = parts;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) throw new AppError('UNAUTHENTICATED');
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw new AppError('UNAUTHENTICATED');
    }
    if (!claims || typeof claims !== 'object' || claims.aud !== audience || !Number.isSafeInteger(claims.sub)) throw new AppError('UNAUTHENTICATED');
    // A signed token must still say when it ends: a missing or non-numeric exp would compare as NaN and never expire.
    if (!Number.isSafeInteger(claims.exp) || !Number.isSafeInteger(claims.iat) || claims.iat > claims.exp) throw new AppError('UNAUTHENTICATED');
    if (claims.exp * 1000 <= now.getTime()) throw new AppError('TOKEN_EXPIRED');
    return claims;
  }

  /** HMAC for signed media URLs (QR images) that an <img> tag can load without a bearer header. */
  signUrlPath(pathAndExpiry: string): string {
    return this.sign(`url:${pathAndExpiry}`);
  }

  private sign(data: string): string {
    return crypto.createHmac('sha256', this.secret).update(data).digest('base64url');
  }
}
