/**
 * What the Pay emulator remembers. Plain maps and arrays, like the mini-program emulator's state, so
 * tests can inspect (and, carefully, poke) it through `control.state`.
 */

export type TradeState = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND';
export type RefundStatus = 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL';
export type RefundOutcome = Exclude<RefundStatus, 'PROCESSING'>;

export interface PayOrder {
  outTradeNo: string;
  prepayId: string;
  appid: string;
  mchid: string;
  description: string;
  attach?: string;
  notifyUrl: string;
  total: number;
  currency: string;
  openid: string;
  /** time_expire as sent, and parsed. */
  timeExpire?: string;
  expiresAt?: number;
  /** Canonical JSON of the jsapi request: an identical re-order gets the same prepay_id. */
  requestKey: string;
  createdAt: number;
  tradeState: TradeState;
  transactionId?: string;
  successTime?: string;
  /** out_refund_no of every refund of this order, oldest first. */
  refunds: string[];
}

export interface PayRefund {
  outRefundNo: string;
  refundId: string;
  outTradeNo: string;
  transactionId: string;
  reason?: string;
  notifyUrl?: string;
  refund: number;
  total: number;
  currency: string;
  status: RefundStatus;
  /** Decided when the refund is accepted (from the faults then in force). */
  outcome: RefundOutcome;
  createTime: string;
  successTime?: string;
}

export type NotificationKind = 'transaction' | 'refund';
export type NotificationStatus = 'held' | 'pending' | 'acked' | 'gave_up' | 'dropped';

export interface PayNotification {
  id: string;
  kind: NotificationKind;
  eventType: string;
  url: string;
  outTradeNo: string;
  outRefundNo?: string;
  /** The exact envelope bytes sent on every attempt (headers are re-signed per send). */
  body: string;
  /** The decrypted resource, for tests. */
  resource: Record<string, unknown>;
  /** Key mode the emulator signs this notification with. */
  signMode: PaySignMode;
  status: NotificationStatus;
  /** Delivery attempts so far (duplicate copies and probes do not count). */
  attempts: number;
  createdAt: string;
}

export interface DeliveryAttempt {
  notificationId: string;
  url: string;
  eventType: string;
  /** 1-based; retries and redeliveries continue the count. */
  attempt: number;
  /** 0 for the original send, 1..n for `duplicate` copies sent alongside it. */
  copy: number;
  /** A WECHATPAY/SIGNTEST/ probe; `acked` true on a probe means the merchant accepted a bad signature. */
  probe: boolean;
  /** Never sent (dropRate fault): WeChat gave up without trying, as far as the merchant can tell. */
  dropped: boolean;
  status?: number;
  error?: string;
  /** HTTP 200 or 204 within the deadline. */
  acked: boolean;
  /** Emulator clock (env.now()) when sent. */
  at: string;
  /** Real milliseconds since the notification was created: shows the (scaled) retry spacing. */
  elapsedMs: number;
}

export type PaySignMode = 'public_key' | 'certificate';

export interface PayFaults {
  /** 0..1: probability a notification is never sent at all. */
  dropRate?: number;
  /** Extra copies of every send, sent concurrently with it. */
  duplicate?: number;
  /** Real ms to wait before a notification's first attempt (not scaled by timeScale). */
  delayMs?: number;
  /** Hold new notifications; they go out in shuffled order on release (or when reorder is switched off). */
  reorder?: boolean;
  /** Send a WECHATPAY/SIGNTEST/ probe before each real send. */
  signTest?: boolean;
  /** Seeds the PRNG used for drops and shuffles, for reproducible runs. */
  seed?: number;
  /** How refunds accepted from now on end. Default SUCCESS. */
  refundOutcome?: RefundOutcome;
}

export interface PayState {
  orders: Map<string, PayOrder>;
  /** prepay_id → out_trade_no */
  prepayIds: Map<string, string>;
  /** transaction_id → out_trade_no */
  transactionIds: Map<string, string>;
  refunds: Map<string, PayRefund>;
  notifications: Map<string, PayNotification>;
  deliveries: DeliveryAttempt[];
  faults: PayFaults;
}

export function createPayState(): PayState {
  return {
    orders: new Map(),
    prepayIds: new Map(),
    transactionIds: new Map(),
    refunds: new Map(),
    notifications: new Map(),
    deliveries: [],
    faults: {},
  };
}
