import crypto from 'node:crypto';

/**
 * Time-windowed one-time codes, shared by the coupon redemption codes (30 s windows, coupon/coupon-code.ts) and the
 * member code (60 s windows, sale/member-code.ts). Pure functions; the single-use record is each caller's.
 *
 * Time is cut into windows w = floor(t / windowMs) on the SERVER clock (the phone's clock plays no part: the server
 * picks the window when it hands a code out). A code of window w is accepted while the server's window is w or
 * w + 1 — so it lives at least one window and at most two — plus w = current + 1 when that window starts within
 * MAX_SKEW_MS (two server processes with slightly different clocks).
 */
export const MAX_SKEW_MS = 5_000;

export type WindowVerdict = 'fresh' | 'expired' | 'invalid';

export interface Rotation {
  windowMs: number;
  /** How many windows back a code is still recognised as "expired" rather than "invalid". */
  expiredLookback: number;
}

export const windowOf = (t: Date | number, windowMs: number) => Math.floor((typeof t === 'number' ? t : t.getTime()) / windowMs);

/** Is a code of window `w` acceptable at server time `now`? */
export function windowVerdict(r: Rotation, w: number, now: Date): WindowVerdict {
  const cur = windowOf(now, r.windowMs);
  if (w === cur || w === cur - 1) return 'fresh';
  if (w === cur + 1 && windowOf(now.getTime() + MAX_SKEW_MS, r.windowMs) === w) return 'fresh';
  return w < cur ? 'expired' : 'invalid';
}

/** Windows a typed code is checked against, freshest first: the accepted ones, then the recently expired ones. */
export function candidateWindows(r: Rotation, now: Date): { w: number; verdict: WindowVerdict }[] {
  const cur = windowOf(now, r.windowMs);
  const out: { w: number; verdict: WindowVerdict }[] = [];
  for (let w = cur + 1; w >= cur - 1 - r.expiredLookback; w--) {
    const verdict = windowVerdict(r, w, now);
    if (verdict !== 'invalid') out.push({ w, verdict });
  }
  return out;
}

/** HMAC-SHA256 of a domain-separated message (`label|…`): one secret can key several code kinds safely. */
export const codeMac = (secret: Buffer, label: string, ...parts: (string | number)[]) => crypto.createHmac('sha256', secret).update([label, ...parts].join('|')).digest();

/** HOTP-style dynamic truncation (RFC 4226 §5.3) of a MAC to `digits` decimal digits. */
export function truncateDigits(mac: Buffer, digits: number): string {
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits).padStart(digits, '0');
}

/** The window whose one-time digits match the typed ones, among the candidates; null when none does (constant time per window). */
export function matchWindow(r: Rotation, now: Date, typed: string, digitsOf: (w: number) => string): { w: number; verdict: WindowVerdict } | null {
  const want = Buffer.from(typed);
  for (const c of candidateWindows(r, now)) {
    const got = Buffer.from(digitsOf(c.w));
    if (got.length === want.length && crypto.timingSafeEqual(got, want)) return c;
  }
  return null;
}

/** When the app should show the next code: the end of the window the code was handed out in. */
export const windowEndsAt = (r: Rotation, now: Date) => new Date((windowOf(now, r.windowMs) + 1) * r.windowMs);
