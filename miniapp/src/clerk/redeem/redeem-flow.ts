import type { RedemptionLookupView, RedemptionView, TRedeemBody, TRedemptionLookupBody } from '@o2o/shared';

/** A coupon code as the clerk has it: the QR token (scanned) or the 12 digits (typed or read out). */
export type CouponCode = { token: string } | { digits: string };

/**
 * What a scan or the keyboard produced, normalised: 12 digits (spaces and dashes people type are dropped), or a
 * QR token. Anything else (a store poster's QR, a URL, a half-typed number) is null and the page says so.
 */
export function parseCouponCode(text: string | null | undefined): CouponCode | null {
  const raw = (text ?? '').trim();
  const digits = raw.replace(/[\s-]/g, '');
  if (/^\d{12}$/.test(digits)) return { digits };
  if (/^[A-Za-z0-9_-]{16,200}$/.test(raw) && !/^\d+$/.test(raw)) return { token: raw };
  return null;
}

/** "128.5" / "128.50" / "128" → fen; null for anything else or zero. */
export function parseAmount(text: string): number | null {
  const m = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return fen > 0 ? fen : null;
}

export type RedeemState =
  | { phase: 'idle'; error?: RedeemError }
  | { phase: 'looking-up' }
  | { phase: 'preview'; preview: RedemptionLookupView; error?: RedeemError }
  | { phase: 'confirming'; preview: RedemptionLookupView }
  | { phase: 'done'; preview: RedemptionLookupView; redemption: RedemptionView };

export interface RedeemError {
  code: string;
  message: string;
  /** 429: the store is locked out of trying codes for a while. */
  rateLimited?: boolean;
}

export interface RedeemDeps {
  lookup(body: TRedemptionLookupBody): Promise<RedemptionLookupView>;
  redeem(body: TRedeemBody): Promise<RedemptionView>;
  newRequestNo(): string;
  describe(error: unknown): RedeemError;
}

/**
 * 核销 at the till: code + amount → lookup (preview, nothing changes) → confirm → result.
 * - One requestNo per confirm attempt of a preview, kept for every retry of it (double tap, lost answer): the
 *   server keys redemptions by (store, requestNo), so the retry returns the same redemption. A new lookup (another
 *   code or amount) is a new attempt.
 * - A confirm while one is in flight is ignored; so is a lookup while confirming.
 */
export class RedeemFlow {
  private state: RedeemState = { phase: 'idle' };
  private listeners = new Set<(s: RedeemState) => void>();
  private attempt: { code: CouponCode; amountFen: number; requestNo: string | null } | null = null;

  constructor(private readonly deps: RedeemDeps) {}

  get current(): RedeemState {
    return this.state;
  }

  subscribe(fn: (s: RedeemState) => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  async lookup(code: CouponCode, amountFen: number): Promise<void> {
    if (this.state.phase === 'looking-up' || this.state.phase === 'confirming') return;
    this.attempt = { code, amountFen, requestNo: null };
    this.set({ phase: 'looking-up' });
    try {
      const preview = await this.deps.lookup({ ...code, orderAmountFen: amountFen });
      this.set({ phase: 'preview', preview });
    } catch (err) {
      this.attempt = null;
      this.set({ phase: 'idle', error: this.deps.describe(err) });
    }
  }

  async confirm(): Promise<void> {
    const s = this.state;
    if (s.phase !== 'preview' || !s.preview.usable || !this.attempt) return;
    const attempt = this.attempt;
    attempt.requestNo = attempt.requestNo ?? this.deps.newRequestNo();
    this.set({ phase: 'confirming', preview: s.preview });
    try {
      const redemption = await this.deps.redeem({ ...attempt.code, orderAmountFen: attempt.amountFen, requestNo: attempt.requestNo });
      this.set({ phase: 'done', preview: s.preview, redemption });
    } catch (err) {
      // Same preview, same requestNo: tapping confirm again retries this attempt, never a second redemption.
      this.set({ phase: 'preview', preview: s.preview, error: this.deps.describe(err) });
    }
  }

  /** Back to an empty form (next customer, or "change the code/amount"). */
  reset(): void {
    if (this.state.phase === 'confirming' || this.state.phase === 'looking-up') return;
    this.attempt = null;
    this.set({ phase: 'idle' });
  }

  private set(state: RedeemState): void {
    this.state = state;
    for (const l of this.listeners) l(state);
  }
}

/** `rd_` + time + random: fits the server's `[A-Za-z0-9_-]{6,64}`. */
export function newRequestNo(now = Date.now(), random: () => number = Math.random): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let tail = '';
  for (let i = 0; i < 12; i++) tail += alphabet[Math.floor(random() * alphabet.length) % alphabet.length];
  return `rd_${now.toString(36)}_${tail}`;
}
