import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { PayConfig } from './config';
import { encryptResource, signTestSignature, wechatpayHeaders } from './signing';
import type { DeliveryAttempt, NotificationKind, PayNotification, PayState } from './state';
import type { Tasks } from './tasks';
import { beijingTime } from './time';

export interface NotifierDeps {
  config: PayConfig;
  state: PayState;
  tasks: Tasks;
  /** The emulator clock, for create_time, Wechatpay-Timestamp and records. */
  now(): number;
  /** The fault PRNG (seeded by the faults' seed). */
  random(): number;
}

export interface NotifyInput {
  kind: NotificationKind;
  eventType: string;
  summary: string;
  url: string;
  resource: Record<string, unknown>;
  outTradeNo: string;
  outRefundNo?: string;
}

type Mode = 'normal' | 'redeliver';

/**
 * Sends notifications the way WeChat Pay does (§4.6): encrypted resource in a signed envelope, POSTed to
 * notify_url; 200/204 within the deadline acknowledges, anything else is retried on the schedule, then
 * given up. Faults (drop, duplicate, delay, reorder, sign-test probes) are read from state.faults.
 */
export class Notifier {
  private held: PayNotification[] = [];
  /** performance.now() at creation, for DeliveryAttempt.elapsedMs. */
  private readonly born = new Map<string, number>();
  /** Index into the retry schedule of the notification's current delivery series. */
  private readonly retryIndex = new Map<string, number>();

  constructor(private readonly deps: NotifierDeps) {}

  notify(input: NotifyInput): PayNotification {
    const { config, state } = this.deps;
    const now = this.deps.now();
    const id = randomUUID();
    const envelope = {
      id,
      create_time: beijingTime(now),
      resource_type: 'encrypt-resource',
      event_type: input.eventType,
      summary: input.summary,
      resource: {
        original_type: input.kind,
        ...encryptResource(JSON.stringify(input.resource), config.apiV3Key, input.kind),
      },
    };
    const n: PayNotification = {
      id,
      kind: input.kind,
      eventType: input.eventType,
      url: input.url,
      outTradeNo: input.outTradeNo,
      outRefundNo: input.outRefundNo,
      body: JSON.stringify(envelope),
      resource: input.resource,
      signMode: config.signMode,
      status: 'pending',
      attempts: 0,
      createdAt: beijingTime(now),
    };
    state.notifications.set(id, n);
    this.born.set(id, performance.now());

    const faults = state.faults;
    if (faults.dropRate && this.deps.random() < faults.dropRate) {
      n.status = 'dropped';
      state.deliveries.push({ ...this.record(n, 0, 0, false), dropped: true });
      return n;
    }
    if (faults.reorder) {
      n.status = 'held';
      this.held.push(n);
      return n;
    }
    this.retryIndex.set(id, 0);
    // Always through a timer, so the caller (e.g. the pay control request) answers before delivery starts.
    this.deps.tasks.later(faults.delayMs ?? 0, () => this.attempt(n, 'normal').then(() => undefined));
    return n;
  }

  /** Sends the held (reorder) notifications, shuffled, one after another. Returns how many. */
  release(): number {
    const batch = this.held;
    this.held = [];
    for (let i = batch.length - 1; i > 0; i--) {
      const j = Math.floor(this.deps.random() * (i + 1));
      [batch[i], batch[j]] = [batch[j], batch[i]];
    }
    if (batch.length > 0) {
      void this.deps.tasks.run(async () => {
        for (const n of batch) {
          if (this.deps.tasks.isStopped) break;
          n.status = 'pending';
          this.retryIndex.set(n.id, 0);
          await this.attempt(n, 'normal');
        }
      });
    }
    return batch.length;
  }

  get heldCount(): number {
    return this.held.length;
  }

  /**
   * Sends a finished notification again as a new delivery series (retried if not acknowledged), e.g. to
   * act out "merchant committed, then crashed before answering". No faults apply. Resolves with the
   * first send's record.
   */
  redeliver(id: string): Promise<DeliveryAttempt> {
    const n = this.deps.state.notifications.get(id);
    if (!n) return Promise.reject(new Error(`unknown notification ${id}`));
    if (n.status === 'pending' || n.status === 'held') {
      return Promise.reject(new Error(`notification ${id} is still ${n.status}`));
    }
    n.status = 'pending';
    this.retryIndex.set(id, 0);
    return this.deps.tasks.run(() => this.attempt(n, 'redeliver'));
  }

  /** One attempt: optional probe, the send (+ duplicates), then ack or schedule the next retry. */
  private async attempt(n: PayNotification, mode: Mode): Promise<DeliveryAttempt> {
    const { config, state, tasks } = this.deps;
    const attemptNo = ++n.attempts;
    const faults = mode === 'normal' ? state.faults : {};
    if (faults.signTest) await this.send(n, attemptNo, 0, true);
    const copies = 1 + (faults.duplicate ?? 0);
    const results = await Promise.all(Array.from({ length: copies }, (_, copy) => this.send(n, attemptNo, copy, false)));
    if (results.some((r) => r.acked)) {
      n.status = 'acked';
      return results[0];
    }
    const index = this.retryIndex.get(n.id) ?? 0;
    if (index >= config.retryScheduleMs.length || tasks.isStopped) {
      n.status = 'gave_up';
      return results[0];
    }
    this.retryIndex.set(n.id, index + 1);
    tasks.later(config.retryScheduleMs[index] * config.timeScale, () => this.attempt(n, mode).then(() => undefined));
    return results[0];
  }

  private async send(n: PayNotification, attempt: number, copy: number, probe: boolean): Promise<DeliveryAttempt> {
    const { config, state, tasks } = this.deps;
    const record = this.record(n, attempt, copy, probe);
    state.deliveries.push(record); // pushed before sending: the list is in send order
    const headers = wechatpayHeaders(config.keys[n.signMode], this.deps.now(), n.body);
    if (probe) headers['Wechatpay-Signature'] = signTestSignature();

    const ctl = tasks.controller();
    const timer = setTimeout(
      () => ctl.abort(new Error(`no answer within ${config.deliveryTimeoutMs} ms`)),
      config.deliveryTimeoutMs,
    );
    try {
      const res = await config.fetch(n.url, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json', Accept: '*/*', 'User-Agent': 'Mozilla/4.0' },
        body: n.body,
        signal: ctl.signal,
        redirect: 'manual', // a redirect is not an acknowledgement
      });
      record.status = res.status;
      record.acked = res.status === 200 || res.status === 204;
      await res.body?.cancel().catch(() => undefined); // only the status matters
    } catch (err) {
      const reason: unknown = ctl.signal.aborted ? ctl.signal.reason : err;
      record.error = describe(reason);
    } finally {
      clearTimeout(timer);
      ctl.release();
    }
    return record;
  }

  private record(n: PayNotification, attempt: number, copy: number, probe: boolean): DeliveryAttempt {
    return {
      notificationId: n.id,
      url: n.url,
      eventType: n.eventType,
      attempt,
      copy,
      probe,
      dropped: false,
      acked: false,
      at: new Date(this.deps.now()).toISOString(),
      elapsedMs: Math.round(performance.now() - (this.born.get(n.id) ?? performance.now())),
    };
  }
}

/** Duck-typed, not instanceof: fetch's errors may come from another realm (e.g. under jest). */
function describe(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const e = err as { message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const message = typeof e.message === 'string' ? e.message : String(err);
  // fetch wraps socket errors: "fetch failed" with the useful part (ECONNREFUSED, ...) in cause.
  const cause = e.cause;
  if (typeof cause === 'object' && cause !== null) return `${message}: ${String(cause.code ?? cause.message)}`;
  return message;
}
