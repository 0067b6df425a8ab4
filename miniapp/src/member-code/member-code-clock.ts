import type { MemberCodeView } from '@o2o/shared';

/**
 * The member code (会员码) while it is on screen, free of React and Taro (tested with fake timers):
 *
 *   loading ─ok→ showing ─(expiresAt)→ showing (next code)        manual 刷新 → a new code now
 *      │            │ refresh failed: the code stays while the till still takes it (one more window), flagged
 *      └─fail→ error ─retry / back online→ loading
 *
 * - One 1-second tick drives the countdown and the refresh at the code's expiry (`leadMs` before it, so the
 *   countdown never sits on 0). The till accepts a code for one more window after `expiresAt`, so a refresh that
 *   fails keeps the code on screen for that long (`unrefreshed`) and retries every few seconds.
 * - The deadline is local: fetch time + the server's remaining lifetime clamped to [5 s, windowSeconds], so a
 *   phone whose clock is off neither spins on refreshes nor shows a dead code.
 * - Timers stop while the page is hidden; `resume()` on show ticks at once, so a code that died in the
 *   background is replaced before anyone scans it. Late answers of a paused run are ignored.
 */
export type MemberCodeState =
  | { phase: 'loading' }
  | {
      phase: 'showing';
      code: MemberCodeView;
      secondsLeft: number;
      /** A refresh is due but has not succeeded: the code is still accepted, the screen says it is not fresh. */
      unrefreshed: boolean;
      /** That failure was the network (offline). */
      offline: boolean;
      refreshing: boolean;
    }
  | { phase: 'error'; message: string; offline: boolean };

export interface MemberCodeDeps {
  fetchCode(): Promise<MemberCodeView>;
  describe(error: unknown): string;
  isOffline(error: unknown): boolean;
  /** A code replaced an earlier one (the page reloads the points balance with it: a sale uses the code up). */
  onNewCode?(code: MemberCodeView): void;
  now?(): number;
  leadMs?: number;
}

const MIN_TTL = 5_000;
const RETRY_AFTER_MS = 3_000;

export class MemberCodeClock {
  private state: MemberCodeState = { phase: 'loading' };
  private listeners = new Set<(s: MemberCodeState) => void>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private run = 0;
  private code: MemberCodeView | null = null;
  private deadline = 0;
  /** Until when the till still takes the code on screen (deadline + one window). */
  private acceptedUntil = 0;
  private fetching = false;
  private nextFetchAt = 0;
  private failure: { offline: boolean } | null = null;
  /** The digits last shown, kept across errors: tells a replacement from the first code. */
  private lastDigits: string | null = null;

  constructor(private readonly deps: MemberCodeDeps) {}

  get current(): MemberCodeState {
    return this.state;
  }

  subscribe(fn: (s: MemberCodeState) => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  resume(): void {
    if (!this.timer) this.timer = setInterval(() => this.tick(), 1_000);
    this.tick();
  }

  pause(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.run++;
    this.fetching = false;
  }

  dispose(): void {
    this.pause();
    this.listeners.clear();
  }

  /** 刷新, a retry after the error, or the network came back: a new code now. */
  refresh(): void {
    if (this.fetching) return;
    this.nextFetchAt = 0;
    if (this.state.phase === 'error') this.set({ phase: 'loading' });
    void this.fetch();
  }

  private now(): number {
    return this.deps.now ? this.deps.now() : Date.now();
  }

  private tick(): void {
    const now = this.now();
    const due = !this.code || now >= this.deadline - (this.deps.leadMs ?? 1_000);
    if (due && !this.fetching && now >= this.nextFetchAt && this.state.phase !== 'error') void this.fetch();
    this.show();
  }

  private show(): void {
    const now = this.now();
    if (!this.code) return;
    if (now >= this.acceptedUntil) {
      // Not even the till's grace window left: never show a code that cannot work.
      this.code = null;
      this.set({ phase: 'error', message: '会员码已失效，请刷新', offline: this.failure?.offline ?? false });
      return;
    }
    this.set({
      phase: 'showing',
      code: this.code,
      secondsLeft: Math.max(0, Math.ceil((this.deadline - now) / 1000)),
      unrefreshed: this.failure !== null && now >= this.deadline - (this.deps.leadMs ?? 1_000),
      offline: this.failure?.offline ?? false,
      refreshing: this.fetching,
    });
  }

  private async fetch(): Promise<void> {
    const run = this.run;
    this.fetching = true;
    if (this.state.phase === 'showing') this.show();
    const startedAt = this.now();
    try {
      const code = await this.deps.fetchCode();
      if (run !== this.run) return;
      const windowMs = Math.max(MIN_TTL, (code.windowSeconds || 60) * 1000);
      const ttl = Math.min(windowMs, Math.max(MIN_TTL, Date.parse(code.expiresAt) - startedAt));
      const replaced = this.lastDigits !== null && this.lastDigits !== code.digits;
      this.lastDigits = code.digits;
      this.code = code;
      this.deadline = startedAt + ttl;
      this.acceptedUntil = this.deadline + windowMs;
      this.failure = null;
      this.fetching = false;
      this.show();
      if (replaced) this.deps.onNewCode?.(code);
    } catch (err) {
      if (run !== this.run) return;
      this.fetching = false;
      this.nextFetchAt = this.now() + RETRY_AFTER_MS;
      this.failure = { offline: this.deps.isOffline(err) };
      if (this.code && this.now() < this.acceptedUntil) this.show();
      else {
        this.code = null;
        this.set({ phase: 'error', message: this.deps.describe(err), offline: this.failure.offline });
      }
    }
  }

  private set(state: MemberCodeState): void {
    this.state = state;
    for (const l of this.listeners) l(state);
  }
}
