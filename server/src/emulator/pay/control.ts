import type { Router } from '@koa/router';
import { controlError, controlJsonBody, isRecord } from '../wx';
import type { Notifier } from './notifier';
import { refundJson } from './refunds';
import type { PayRuntime } from './runtime';
import type { DeliveryAttempt, PayFaults, PayNotification, PayState, RefundOutcome } from './state';
import { seededRandom, type Tasks } from './tasks';
import { markPaid, param, transactionJson } from './transactions';

/** Test/dev hooks for the Pay emulator; also served over HTTP under /__emulator/pay. */
export interface PayEmulatorControl {
  readonly state: PayState;
  /**
   * The user pays: marks the order SUCCESS and starts the TRANSACTION.SUCCESS notification.
   * `prepayId` may also be the `prepay_id=…` package string. Throws PayControlError (404 unknown,
   * 409 already paid / closed / past time_expire; `ignoreClosed` pays a closed or expired order anyway,
   * like a payment landing after the merchant closed it locally).
   */
  pay(ref: { prepayId?: string; outTradeNo?: string; ignoreClosed?: boolean }): PayResult;
  /** Replaces the faults in force (omitted = off) and returns them. Switching reorder off releases held notifications. */
  setFaults(faults: PayFaults): PayFaults;
  faults(): PayFaults;
  /** Every send, probe and drop so far, in send order. */
  deliveries(): DeliveryAttempt[];
  notifications(): PayNotification[];
  /** The order as WeChat would report it, plus emulator-side details; undefined if unknown. */
  order(outTradeNo: string): PayOrderView | undefined;
  /** The refund as WeChat would report it; undefined if unknown. */
  refund(outRefundNo: string): Record<string, unknown> | undefined;
  /** Sends a finished notification again (a new delivery series); resolves with the first send. */
  redeliver(notificationId: string): Promise<DeliveryAttempt>;
  /** Sends notifications held by the reorder fault, shuffled. Returns how many. */
  releaseHeld(): number;
  /** Resolves when no delivery, retry or refund completion is pending (held notifications do not count). */
  idle(): Promise<void>;
  /** Cancels every timer and in-flight delivery; the emulator sends nothing afterwards. */
  stop(): void;
}

export interface PayResult {
  outTradeNo: string;
  transactionId: string;
  notificationId: string;
}

export interface PayOrderView {
  /** Exactly what GET /v3/pay/transactions/out-trade-no/{no} answers. */
  transaction: Record<string, unknown>;
  prepayId: string;
  notifyUrl: string;
  timeExpire?: string;
  refunds: Record<string, unknown>[];
}

export class PayControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface PayControlDeps {
  state: PayState;
  tasks: Tasks;
  /** Throws until the plugin has been registered with an emulator (which provides appid and the clock). */
  runtime(): PayRuntime;
  /** The notifier once registered. */
  notifier(): Notifier | undefined;
  setRandom(random: () => number): void;
}

export function createPayControl({ state, tasks, runtime, notifier, setRandom }: PayControlDeps): PayEmulatorControl {
  return {
    state,
    pay(ref) {
      const rt = runtime();
      const prepayId = ref.prepayId?.replace(/^prepay_id=/, '');
      const outTradeNo = ref.outTradeNo ?? (prepayId ? state.prepayIds.get(prepayId) : undefined);
      if (!ref.outTradeNo && !prepayId) throw new PayControlError(400, 'prepayId or outTradeNo is required');
      const order = outTradeNo === undefined ? undefined : state.orders.get(outTradeNo);
      if (!order) throw new PayControlError(404, `unknown order ${ref.outTradeNo ?? prepayId}`);
      if (order.transactionId) throw new PayControlError(409, `order ${order.outTradeNo} is already paid`);
      if (!ref.ignoreClosed) {
        if (order.tradeState === 'CLOSED') throw new PayControlError(409, `order ${order.outTradeNo} is closed`);
        if (order.expiresAt !== undefined && rt.env.now() > order.expiresAt) {
          throw new PayControlError(409, `order ${order.outTradeNo} is past its time_expire`);
        }
      }
      return { outTradeNo: order.outTradeNo, ...markPaid(rt, order) };
    },
    setFaults(input) {
      const faults = parseFaults(input);
      state.faults = faults;
      setRandom(faults.seed === undefined ? Math.random : seededRandom(faults.seed));
      if (!faults.reorder) notifier()?.release();
      return { ...faults };
    },
    faults: () => ({ ...state.faults }),
    deliveries: () => state.deliveries.map((d) => ({ ...d })),
    notifications: () => [...state.notifications.values()].map((n) => ({ ...n })),
    order(outTradeNo) {
      const order = state.orders.get(outTradeNo);
      if (!order) return undefined;
      return {
        transaction: transactionJson(order),
        prepayId: order.prepayId,
        notifyUrl: order.notifyUrl,
        timeExpire: order.timeExpire,
        refunds: order.refunds.flatMap((no) => {
          const r = state.refunds.get(no);
          return r ? [refundJson(r)] : [];
        }),
      };
    },
    refund(outRefundNo) {
      const r = state.refunds.get(outRefundNo);
      return r ? refundJson(r) : undefined;
    },
    redeliver: (id) => runtime().notifier.redeliver(id),
    releaseHeld: () => notifier()?.release() ?? 0,
    idle: () => tasks.idle(),
    stop: () => tasks.stop(),
  };
}

/** HTTP face of the control (CORS comes from the emulator for every /__emulator/ path). */
export function registerPayControlRoutes(router: Router, control: PayEmulatorControl): void {
  router.post('/__emulator/pay', (ctx) => {
    const body = controlJsonBody(ctx);
    if (!body) return;
    const { prepayId, outTradeNo, ignoreClosed } = body;
    if (prepayId !== undefined && typeof prepayId !== 'string') return controlError(ctx, 400, 'prepayId must be a string');
    if (outTradeNo !== undefined && typeof outTradeNo !== 'string') return controlError(ctx, 400, 'outTradeNo must be a string');
    guard(ctx, () => control.pay({ prepayId, outTradeNo, ignoreClosed: ignoreClosed === true }));
  });

  router.get('/__emulator/pay/faults', (ctx) => {
    ctx.body = control.faults();
  });

  router.post('/__emulator/pay/faults', (ctx) => {
    const body = controlJsonBody(ctx);
    if (!body) return;
    guard(ctx, () => control.setFaults(body as PayFaults));
  });

  router.get('/__emulator/pay/deliveries', (ctx) => {
    ctx.body = { items: control.deliveries(), notifications: control.notifications().map(({ body: _body, ...n }) => n) };
  });

  router.get('/__emulator/pay/orders/:outTradeNo', (ctx) => {
    const order = control.order(param(ctx, 'outTradeNo'));
    if (!order) return controlError(ctx, 404, 'unknown order');
    ctx.body = order;
  });

  router.post('/__emulator/pay/redeliver', async (ctx) => {
    const body = controlJsonBody(ctx);
    if (!body) return;
    if (typeof body.notificationId !== 'string') return controlError(ctx, 400, 'notificationId is required');
    try {
      ctx.body = await control.redeliver(body.notificationId);
    } catch (err) {
      controlError(ctx, 404, err instanceof Error ? err.message : String(err));
    }
  });

  router.post('/__emulator/pay/release', (ctx) => {
    ctx.body = { released: control.releaseHeld() };
  });
}

function guard(ctx: Parameters<typeof controlError>[0], fn: () => unknown): void {
  try {
    ctx.body = fn();
  } catch (err) {
    if (!(err instanceof PayControlError)) throw err;
    controlError(ctx, err.status, err.message);
  }
}

const OUTCOMES: readonly RefundOutcome[] = ['SUCCESS', 'CLOSED', 'ABNORMAL'];

/** Validates a faults object from JSON; throws PayControlError(400). */
export function parseFaults(input: unknown): PayFaults {
  if (!isRecord(input)) throw new PayControlError(400, 'faults must be an object');
  const bad = (msg: string) => new PayControlError(400, msg);
  const { dropRate, duplicate, delayMs, reorder, signTest, seed, refundOutcome } = input;
  const known = new Set(['dropRate', 'duplicate', 'delayMs', 'reorder', 'signTest', 'seed', 'refundOutcome']);
  const unknown = Object.keys(input).filter((k) => !known.has(k));
  if (unknown.length) throw bad(`unknown fault(s): ${unknown.join(', ')}`);
  if (dropRate !== undefined && !(typeof dropRate === 'number' && dropRate >= 0 && dropRate <= 1)) throw bad('dropRate must be 0..1');
  if (duplicate !== undefined && !(Number.isInteger(duplicate) && (duplicate as number) >= 0 && (duplicate as number) <= 10)) {
    throw bad('duplicate must be an integer 0..10');
  }
  if (delayMs !== undefined && !(typeof delayMs === 'number' && delayMs >= 0 && delayMs <= 600_000)) throw bad('delayMs must be 0..600000');
  if (reorder !== undefined && typeof reorder !== 'boolean') throw bad('reorder must be a boolean');
  if (signTest !== undefined && typeof signTest !== 'boolean') throw bad('signTest must be a boolean');
  if (seed !== undefined && !Number.isInteger(seed)) throw bad('seed must be an integer');
  if (refundOutcome !== undefined && !OUTCOMES.includes(refundOutcome as RefundOutcome)) {
    throw bad(`refundOutcome must be one of ${OUTCOMES.join(', ')}`);
  }
  const faults: PayFaults = {};
  if (dropRate !== undefined) faults.dropRate = dropRate as number;
  if (duplicate !== undefined) faults.duplicate = duplicate as number;
  if (delayMs !== undefined) faults.delayMs = delayMs as number;
  if (reorder !== undefined) faults.reorder = reorder as boolean;
  if (signTest !== undefined) faults.signTest = signTest as boolean;
  if (seed !== undefined) faults.seed = seed as number;
  if (refundOutcome !== undefined) faults.refundOutcome = refundOutcome as RefundOutcome;
  return faults;
}
