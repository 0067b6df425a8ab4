import type { CouponCodeView, CouponView } from '@o2o/shared';

/**
 * The coupon's rotating redemption code while it is on screen, free of React and Taro (tested with fake timers):
 *
 *   loading ─ok→ showing ─(a few seconds before expiry)→ showing (new code)
 *      │            │ the coupon was redeemed (status poll, or the code endpoint says so) → used
 *      └─fail→ error ─retry→ loading          │ expired / not usable any more → unusable
 *
 * - One 1-second tick drives the countdown, the refresh `leadMs` before the code dies, and the status poll.
 * - Timers stop while the page is hidden (WeChat suspends them anyway); `resume()` on show ticks at once, so a
 *   code that died in the background is replaced before anyone can scan it (it is shown as stale meanwhile).
 * - The deadline is local: fetch time + the server's remaining lifetime clamped to [10 s, 120 s], so a phone whose
 *   clock is minutes off neither spins on refreshes nor shows a dead code for long.
 * - A failed refresh keeps a still-valid code on screen and tries again; once the code is dead it becomes the
 *   error state with a retry button. Late answers of a stopped run are ignored.
 */
export type CodeState =
  | { phase: 'loading' }
  | { phase: 'showing'; code: CouponCodeView; secondsLeft: number; stale: boolean }
  | { phase: 'error'; message: string }
  | { phase: 'used' }
  | { phase: 'unusable'; message: string };

export interface RotatingCodeDeps {
  fetchCode(couponId: number): Promise<CouponCodeView>;
  fetchCoupon(couponId: number): Promise<CouponView>;
  /** User-facing text for a failure. */
  describe(error: unknown): string;
  /** The server error code of a failure, if any (decides used / unusable / retry). */
  codeOf(error: unknown): string | undefined;
  now?(): number;
  /** Refresh this long before the code dies (default 5 s). */
  leadMs?: number;
  /** Ask for the coupon's status this often while the code is shown (default 3 s). */
  pollMs?: number;
}

const MIN_TTL = 10_000;
const MAX_TTL = 120_000;
const RETRY_AFTER_MS = 3_000;
const UNUSABLE: Record<string, string> = {
  COUPON_EXPIRED: '优惠券已过期',
  COUPON_NOT_USABLE: '这张券当前不可使用',
  NOT_FOUND: '优惠券不存在',
};

export class RotatingCode {
  private state: CodeState = { phase: 'loading' };
  private listeners = new Set<(s: CodeState) => void>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private run = 0;
  private code: CouponCodeView | null = null;
  private deadline = 0;
  private fetching = false;
  private nextFetchAt = 0;
  private polling = false;
  private lastPollAt = 0;

  constructor(
    private readonly couponId: number,
    private readonly deps: RotatingCodeDeps,
  ) {}

  get current(): CodeState {
    return this.state;
  }

  subscribe(fn: (s: CodeState) => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  /** The page is shown: (re)start the tick and act on anything that happened while hidden. */
  resume(): void {
    if (this.done()) return;
    if (!this.timer) this.timer = setInterval(() => this.tick(), 1_000);
    this.tick();
  }

  /** The page is hidden or gone: no timers, answers still in flight are dropped. */
  pause(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.run++;
    this.fetching = false;
    this.polling = false;
  }

  dispose(): void {
    this.pause();
    this.listeners.clear();
  }

  /** After the error state: fetch a code now. */
  retry(): void {
    if (this.state.phase !== 'error') return;
    this.nextFetchAt = 0;
    this.set({ phase: 'loading' });
    this.resume();
  }

  private now(): number {
    return this.deps.now ? this.deps.now() : Date.now();
  }

  private done(): boolean {
    return this.state.phase === 'used' || this.state.phase === 'unusable';
  }

  private tick(): void {
    if (this.done()) return this.pause();
    const now = this.now();
    const lead = this.deps.leadMs ?? 5_000;
    const due = !this.code || now >= this.deadline - lead;
    if (due && !this.fetching && now >= this.nextFetchAt && this.state.phase !== 'error') void this.refresh();
    if (this.code && this.state.phase === 'showing') {
      this.set({ phase: 'showing', code: this.code, secondsLeft: Math.max(0, Math.ceil((this.deadline - now) / 1000)), stale: now >= this.deadline });
      if (now - this.lastPollAt >= (this.deps.pollMs ?? 3_000)) void this.poll();
    }
  }

  private async refresh(): Promise<void> {
    const run = this.run;
    this.fetching = true;
    const startedAt = this.now();
    try {
      const code = await this.deps.fetchCode(this.couponId);
      if (run !== this.run) return;
      const ttl = Math.min(MAX_TTL, Math.max(MIN_TTL, Date.parse(code.expiresAt) - startedAt));
      this.code = code;
      this.deadline = startedAt + ttl;
      this.set({ phase: 'showing', code, secondsLeft: Math.ceil(ttl / 1000), stale: false });
    } catch (err) {
      if (run !== this.run) return;
      if (!this.settleFromError(err)) {
        this.nextFetchAt = this.now() + RETRY_AFTER_MS;
        // A code that still works stays on screen; without one the user gets the retry button.
        if (!this.code || this.now() >= this.deadline) {
          this.code = null;
          this.set({ phase: 'error', message: this.deps.describe(err) });
        }
      }
    } finally {
      if (run === this.run) this.fetching = false;
    }
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    const run = this.run;
    this.polling = true;
    this.lastPollAt = this.now();
    try {
      const coupon = await this.deps.fetchCoupon(this.couponId);
      if (run !== this.run) return;
      if (coupon.status === 'redeemed') this.finish({ phase: 'used' });
      else if (coupon.status !== 'issued') this.finish({ phase: 'unusable', message: coupon.status === 'expired' ? UNUSABLE.COUPON_EXPIRED : UNUSABLE.COUPON_NOT_USABLE });
    } catch {
      // The next tick polls again; the code itself is unaffected.
    } finally {
      if (run === this.run) this.polling = false;
    }
  }

  /** Terminal answers from the code endpoint: true when handled. */
  private settleFromError(err: unknown): boolean {
    const code = this.deps.codeOf(err);
    if (code === 'COUPON_ALREADY_REDEEMED') this.finish({ phase: 'used' });
    else if (code && UNUSABLE[code]) this.finish({ phase: 'unusable', message: UNUSABLE[code] });
    else return false;
    return true;
  }

  private finish(state: CodeState): void {
    this.code = null;
    this.pause();
    this.set(state);
  }

  private set(state: CodeState): void {
    this.state = state;
    for (const l of this.listeners) l(state);
  }
}
