import type { MemberAtTillView, SaleQuoteView, SaleView, TIdentifyBody, TSaleCommitBody, TSaleQuoteBody } from '@o2o/shared';
import { routePresented, type Presented } from './presented';
import type { SaleError } from './sale-errors';

/**
 * The clerk cashier (收银) as a state machine, free of React and Taro:
 *
 *   identify ─member→ basket ─确认收款→ receipt ─下一位→ identify
 *      ↑ 更换顾客 / the code died ─┘ (the basket stays)
 *
 * - Every change of the basket, the coupon or the points choice asks the server for a new quote (debounced; a
 *   later answer replaces an earlier one, a stale one is dropped). The page shows only the server's amounts.
 * - 确认收款 commits exactly what the shown quote priced: it is refused while a quote is in flight or stale.
 * - One receipt number per sale attempt: created at the first confirm of a body and reused by every retry of that
 *   same body (a double tap, a lost answer), so the server records one sale. A changed body is a new attempt;
 *   so is the server saying the receipt was used for another body.
 */
export interface Line {
  sku: string;
  quantity: number;
}

export type QuoteState =
  | { status: 'empty' }
  | { status: 'loading'; last: SaleQuoteView | null }
  | { status: 'ready'; quote: SaleQuoteView }
  | { status: 'error'; error: SaleError; last: SaleQuoteView | null };

export interface CashierState {
  step: 'identify' | 'basket' | 'receipt';
  identifying: boolean;
  identifyError: string | null;
  member: MemberAtTillView | null;
  /** How the member was identified (shown: 会员码 / 手机号). */
  via: 'code' | 'phone' | null;
  lines: Line[];
  couponId: number | null;
  usePoints: boolean;
  quote: QuoteState;
  committing: boolean;
  commitError: SaleError | null;
  sale: SaleView | null;
  /** The receipt number of the current attempt, once confirm was tapped. */
  receiptNo: string | null;
}

export interface CashierDeps {
  identify(body: TIdentifyBody): Promise<MemberAtTillView>;
  quote(body: TSaleQuoteBody): Promise<SaleQuoteView>;
  commit(body: TSaleCommitBody): Promise<SaleView>;
  newReceiptNo(): string;
  describe(error: unknown): SaleError;
  /** Wait this long after the last change before quoting (default 250 ms; 0: at once). */
  quoteDelayMs?: number;
}

const MAX_QUANTITY = 999;

const initial = (): CashierState => ({
  step: 'identify',
  identifying: false,
  identifyError: null,
  member: null,
  via: null,
  lines: [],
  couponId: null,
  usePoints: false,
  quote: { status: 'empty' },
  committing: false,
  commitError: null,
  sale: null,
  receiptNo: null,
});

export class CashierFlow {
  private state: CashierState = initial();
  private listeners = new Set<(s: CashierState) => void>();
  private who: Presented | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private seq = 0;
  /** The body the ready quote priced. */
  private quotedKey: string | null = null;
  private attempt: { key: string; receiptNo: string } | null = null;
  private identifySeq = 0;

  constructor(private readonly deps: CashierDeps) {}

  get current(): CashierState {
    return this.state;
  }

  subscribe(fn: (s: CashierState) => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.seq++;
    this.identifySeq++;
    this.listeners.clear();
  }

  /** A scan or the typed text: routed locally (payment codes never leave the phone), then identified. */
  async identify(raw: string): Promise<void> {
    if (this.state.identifying || this.state.committing) return;
    const routed = routePresented(raw);
    if (!routed.ok) return this.set({ identifyError: routed.message });
    const n = ++this.identifySeq;
    this.set({ identifying: true, identifyError: null });
    try {
      const member = await this.deps.identify(routed.who);
      if (n !== this.identifySeq) return;
      this.who = routed.who;
      const couponId = member.coupons.some((c) => c.id === this.state.couponId) ? this.state.couponId : null;
      const usePoints = this.state.usePoints && member.isMember && member.pointsBalance > 0;
      this.set({ step: 'basket', identifying: false, member, via: 'phone' in routed.who ? 'phone' : 'code', couponId, usePoints, commitError: null });
      this.requote();
    } catch (err) {
      if (n !== this.identifySeq) return;
      this.set({ identifying: false, identifyError: this.deps.describe(err).message });
    }
  }

  /** Back to identifying (another customer, or the code died); the basket stays for the next one. */
  changeCustomer(): void {
    if (this.state.committing || this.state.step !== 'basket') return;
    this.identifySeq++;
    this.who = null;
    this.cancelQuote();
    this.set({ step: 'identify', member: null, via: null, identifyError: null, commitError: null, quote: { status: 'empty' } });
  }

  setQuantity(sku: string, quantity: number): void {
    if (this.state.step !== 'basket' || this.state.committing) return;
    const q = Math.max(0, Math.min(MAX_QUANTITY, Math.floor(quantity)));
    const others = this.state.lines.filter((l) => l.sku !== sku);
    const at = this.state.lines.findIndex((l) => l.sku === sku);
    const lines = q === 0 ? others : at >= 0 ? this.state.lines.map((l) => (l.sku === sku ? { sku, quantity: q } : l)) : [...this.state.lines, { sku, quantity: q }];
    this.set({ lines, commitError: null });
    this.requote();
  }

  chooseCoupon(couponId: number | null): void {
    if (this.state.step !== 'basket' || this.state.committing || couponId === this.state.couponId) return;
    this.set({ couponId, commitError: null });
    this.requote();
  }

  setUsePoints(on: boolean): void {
    const m = this.state.member;
    if (this.state.step !== 'basket' || this.state.committing || !m) return;
    const usePoints = on && m.isMember && m.pointsBalance > 0;
    if (usePoints === this.state.usePoints) return;
    this.set({ usePoints, commitError: null });
    this.requote();
  }

  /** After a quote error: ask again now. */
  retryQuote(): void {
    if (this.state.step === 'basket' && this.state.quote.status === 'error') this.requote(0);
  }

  /** True when 确认收款 would commit exactly the amounts on screen. */
  canCommit(): boolean {
    const s = this.state;
    return s.step === 'basket' && !s.committing && s.quote.status === 'ready' && this.quotedKey === this.key();
  }

  async commit(): Promise<void> {
    if (!this.canCommit() || !this.who) return;
    const body = this.body();
    const key = this.key();
    if (!this.attempt || this.attempt.key !== key) this.attempt = { key, receiptNo: this.deps.newReceiptNo() };
    const { receiptNo } = this.attempt;
    this.set({ committing: true, commitError: null, receiptNo });
    try {
      const sale = await this.deps.commit({ ...body, receiptNo });
      this.attempt = null;
      this.set({ step: 'receipt', committing: false, sale });
    } catch (err) {
      const error = this.deps.describe(err);
      // The receipt number is taken by another body: the next confirm is a new attempt with a new number.
      if (error.code === 'IDEMPOTENCY_KEY_REUSED') this.attempt = null;
      this.set({ committing: false, commitError: error });
    }
  }

  /** 下一位顾客: everything cleared. */
  next(): void {
    if (this.state.committing) return;
    this.cancelQuote();
    this.who = null;
    this.attempt = null;
    this.quotedKey = null;
    this.identifySeq++;
    this.set(initial());
  }

  private body(): TSaleQuoteBody {
    const s = this.state;
    return {
      ...(this.who ?? {}),
      items: s.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      ...(s.couponId ? { couponId: s.couponId } : {}),
      ...(s.usePoints ? { usePoints: true } : {}),
    };
  }

  private key(): string {
    return JSON.stringify(this.body());
  }

  private cancelQuote(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.seq++;
    this.quotedKey = null;
  }

  private requote(delay = this.deps.quoteDelayMs ?? 250): void {
    this.cancelQuote();
    if (!this.state.lines.length || !this.who) return this.set({ quote: { status: 'empty' } });
    const q = this.state.quote;
    const last = q.status === 'ready' ? q.quote : q.status === 'loading' || q.status === 'error' ? q.last : null;
    this.set({ quote: { status: 'loading', last } });
    if (delay <= 0) void this.runQuote();
    else this.timer = setTimeout(() => void this.runQuote(), delay);
  }

  private async runQuote(): Promise<void> {
    this.timer = null;
    const n = ++this.seq;
    const key = this.key();
    try {
      const quote = await this.deps.quote(this.body());
      if (n !== this.seq) return;
      this.quotedKey = key;
      this.set({ quote: { status: 'ready', quote } });
    } catch (err) {
      if (n !== this.seq) return;
      const q = this.state.quote;
      this.set({ quote: { status: 'error', error: this.deps.describe(err), last: q.status === 'loading' ? q.last : null } });
    }
  }

  private set(patch: Partial<CashierState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l(this.state);
  }
}

/** A receipt number a person can read back: local date and time plus 6 random characters, e.g. 20260520143012K7QZ2M. */
export function newReceiptNo(now: Date = new Date(), random: () => number = Math.random): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let tail = '';
  for (let i = 0; i < 6; i++) tail += alphabet[Math.floor(random() * alphabet.length) % alphabet.length];
  return `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}${tail}`;
}
