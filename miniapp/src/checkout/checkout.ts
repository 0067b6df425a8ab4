import type { CreateOrderResponse, OrderView, PaymentParams } from '@o2o/shared';
import type { CreateOrderInput } from '../api/orders';
import type { PayOutcome } from '../platform/types';

/**
 * The checkout of one cart as a small state machine, free of React and Taro so it is tested on its own:
 *
 *   editing ─submit→ creating ─→ paying ─ok→ confirming ─paid→ paid
 *      ↑  (error, key kept)          │cancel/fail     │ no answer in time
 *      └──────────────────────── unpaid ←─────────── pending ─recheck→ confirming
 *
 * - One Idempotency-Key per attempt: generated when a body is first submitted and reused by every retry of
 *   that same body (a lost answer then yields the same order, never a second one). A different body (points
 *   toggled, cart changed) is a new attempt with a new key.
 * - Once the order exists, paying again (after a cancel or failure) asks the server for payment parameters
 *   for that order; it never creates another order.
 * - A client "ok" is not proof of payment: the order is polled until the server says `paid` (bounded; after
 *   that the state is `pending` and the user can check again).
 */
export interface CheckoutError {
  code: string;
  message: string;
}

export type CheckoutState =
  | { phase: 'editing'; error?: CheckoutError }
  | { phase: 'creating' }
  | { phase: 'paying'; order: OrderView }
  | { phase: 'confirming'; order: OrderView }
  | { phase: 'unpaid'; order: OrderView; error?: CheckoutError }
  | { phase: 'pending'; order: OrderView }
  | { phase: 'paid'; order: OrderView }
  | { phase: 'closed'; order: OrderView; error: CheckoutError };

export interface CheckoutDeps {
  createOrder(body: CreateOrderInput, idempotencyKey: string): Promise<CreateOrderResponse>;
  getOrder(id: number): Promise<OrderView>;
  requestOrderPayment(id: number): Promise<PaymentParams>;
  pay(params: PaymentParams): Promise<PayOutcome>;
  newKey(): string;
  describe(error: unknown): CheckoutError;
  sleep?(ms: number): Promise<void>;
  /** Polls of the order after the client says paid (default 10), every `pollIntervalMs` (default 1500). */
  pollAttempts?: number;
  pollIntervalMs?: number;
}

const PAID_STATUSES = new Set(['paid', 'partially_refunded', 'refunded']);

export function isBusy(state: CheckoutState): boolean {
  return state.phase === 'creating' || state.phase === 'paying' || state.phase === 'confirming';
}

export class Checkout {
  private state: CheckoutState = { phase: 'editing' };
  private listeners = new Set<(s: CheckoutState) => void>();
  private key: string | null = null;
  private signature: string | null = null;
  private order: OrderView | null = null;
  /** Payment parameters from order creation, not yet handed to a payment sheet. */
  private unusedPayment: PaymentParams | null = null;
  private disposed = false;

  constructor(private readonly deps: CheckoutDeps) {}

  get current(): CheckoutState {
    return this.state;
  }

  /** The Idempotency-Key of the current attempt (null before the first submit). */
  get idempotencyKey(): string | null {
    return this.key;
  }

  subscribe(listener: (s: CheckoutState) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Stops polling and notifications (the page went away). */
  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }

  /** Creates the order (first time) and pays it; after a cancel or failure, pays the same order again. */
  async submit(body: CreateOrderInput): Promise<void> {
    if (isBusy(this.state) || this.state.phase === 'paid' || this.state.phase === 'closed') return;
    if (this.state.phase === 'pending') return this.recheck();

    let order = this.order;
    let payment: PaymentParams | null = null;
    if (!order) {
      const signature = JSON.stringify(body);
      if (!this.key || signature !== this.signature) {
        this.key = this.deps.newKey();
        this.signature = signature;
      }
      this.set({ phase: 'creating' });
      try {
        const res = await this.deps.createOrder(body, this.key);
        order = this.order = res.order;
        payment = res.payment;
      } catch (err) {
        this.set({ phase: 'editing', error: this.deps.describe(err) });
        return;
      }
    } else {
      payment = this.unusedPayment;
    }
    this.unusedPayment = null;
    await this.pay(order, payment);
  }

  /** Polls the order again (after `pending`). */
  async recheck(): Promise<void> {
    if (!this.order || isBusy(this.state)) return;
    await this.confirm(this.order);
  }

  private async pay(order: OrderView, fresh: PaymentParams | null): Promise<void> {
    this.set({ phase: 'paying', order });
    let outcome: PayOutcome;
    try {
      const params = fresh ?? (await this.deps.requestOrderPayment(order.id));
      outcome = await this.deps.pay(params);
    } catch (err) {
      const error = this.deps.describe(err);
      if (error.code === 'ORDER_NOT_PAYABLE') {
        // Maybe it was paid after all (a payment that landed while the sheet failed), maybe it closed.
        return this.confirm(order, 1, error);
      }
      this.set({ phase: 'unpaid', order, error });
      return;
    }
    if (outcome === 'cancel') {
      this.set({ phase: 'unpaid', order, error: { code: 'PAY_CANCELLED', message: '支付已取消，订单已保留，可继续支付' } });
      return;
    }
    await this.confirm(order);
  }

  private async confirm(order: OrderView, attempts = this.deps.pollAttempts ?? 10, notPayable?: CheckoutError): Promise<void> {
    this.set({ phase: 'confirming', order });
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    let latest = order;
    for (let i = 0; i < attempts; i++) {
      if (this.disposed) return;
      try {
        latest = this.order = await this.deps.getOrder(order.id);
      } catch {
        // a lost answer while confirming: just ask again
      }
      if (PAID_STATUSES.has(latest.status)) {
        this.set({ phase: 'paid', order: latest });
        return;
      }
      if (latest.status === 'closed') {
        this.set({ phase: 'closed', order: latest, error: notPayable ?? { code: 'ORDER_NOT_PAYABLE', message: '订单已关闭，请重新下单' } });
        return;
      }
      if (i < attempts - 1) await sleep(this.deps.pollIntervalMs ?? 1500);
    }
    if (this.disposed) return;
    if (notPayable) this.set({ phase: 'closed', order: latest, error: notPayable });
    else this.set({ phase: 'pending', order: latest });
  }

  private set(state: CheckoutState): void {
    if (this.disposed) return;
    this.state = state;
    for (const l of this.listeners) l(state);
  }
}

/** A fresh Idempotency-Key: `co_` + time + 16 random characters (fits `[A-Za-z0-9_.:-]{8,64}`). */
export function newIdempotencyKey(now = Date.now(), random: () => number = Math.random): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let tail = '';
  for (let i = 0; i < 16; i++) tail += alphabet[Math.floor(random() * alphabet.length) % alphabet.length];
  return `co_${now.toString(36)}_${tail}`;
}
