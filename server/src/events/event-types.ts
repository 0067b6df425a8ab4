import type { OrderChannel } from '@o2o/shared';
/** Typed map of outbox events: the payload each event type carries. */
export interface EventMap {
  'customer.scanned': {
    customerId: number;
    qrCodeId: number;
    storeId: number;
    staffId: number | null;
    tagIds: number[];
    isNewFan: boolean;
    at: string;
  };
  'customer.became_member': { customerId: number; storeId: number | null; staffId: number | null; at: string };
  'customer.clerk_assigned': {
    customerId: number;
    fromStaffId: number | null;
    toStaffId: number;
    storeId: number;
    rule: string;
    at: string;
  };
  /** Tags put on or taken off one customer (any source); the segment index follows these. */
  'customer.tags_changed': { customerId: number; added: number[]; removed: number[]; source: string; at: string };
  /** One tag put on or taken off many customers at once (bulk, rule recompute, expiry); ≤ 1,000 ids per event. */
  'tags.bulk_changed': { tagId: number; added: number[]; removed: number[]; source: string; at: string };
  /** Marketing consent given or withdrawn (withdrawn excludes the customer from every targeted send). */
  'customer.consent_changed': { customerId: number; marketingConsent: boolean; at: string };
  'points.changed': { customerId: number; delta: number; reason: string; balanceAfter: number; ledgerId: number };
  'order.created': { orderId: number; customerId: number; storeId: number; payableFen: number; at: string };
  'order.paid': {
    orderId: number;
    /** preorder | pos | clerk: every channel emits this one event (tags, stats, reports need no special case). */
    channel: OrderChannel;
    customerId: number;
    storeId: number;
    clerkId: number | null;
    payableFen: number;
    pointsEarned: number;
    paidLate: boolean;
    categoryTagIds: number[];
    at: string;
  };
  'order.closed': { orderId: number; customerId: number; reason: string; at: string };
  /** A pre-order handed over at the counter (fulfilment, not a payment state): `staffId` is the clerk who did it. */
  'order.picked_up': { orderId: number; customerId: number; storeId: number; staffId: number; at: string };
  'order.refunded': { orderId: number; refundId: number; customerId: number; storeId: number; clerkId: number | null; amountFen: number; full: boolean; at: string };
  /** Send this refund to WeChat Pay (after commit); the reconciler also sweeps refunds left `requested`. */
  'refund.requested': { refundId: number; orderId: number; automatic: boolean };
  /** Alerts for an operator: money that needs a human look. */
  'payment.quarantined': { notificationId: number | null; outTradeNo: string | null; reason: string };
  'refund.failed': { refundId: number; orderId: number; status: string; reason: string };
  /** A guessed login or invite code locked a subject (modules/auth/attempt-limit.ts); raises a console alert. */
  'attempt.locked_out': { scope: string; subject: string; label: string; lockouts: number; until: string; at: string };
  'points.unrecovered': { customerId: number; orderId: number; refundId: number; points: number };
  /** In store (redemptionId, clerkId, discountFen set) or online (orderId set; the discount is on the order). */
  'coupon.redeemed': {
    couponId: number;
    customerId: number;
    templateId: number;
    storeId: number;
    clerkId: number | null;
    orderId: number | null;
    redemptionId: number | null;
    discountFen: number | null;
    at: string;
  };
  'coupon.redemption_reversed': { redemptionId: number; couponId: number; storeId: number; by: number; reason: string; couponStatus: 'issued' | 'expired'; at: string };
  /** Given back by a closed or fully refunded order. */
  'coupon.returned': { couponId: number; orderId: number; from: 'locked' | 'redeemed'; status: 'issued' | 'expired'; at: string };
  /** Withdrawn by an admin (only from `issued`). */
  'coupon.revoked': { couponId: number; customerId: number; templateId: number; by: number; reason: string; at: string };
}
export type EventType = keyof EventMap;

export interface DeliveredEvent<T extends EventType = EventType> {
  id: number;
  type: T;
  payload: EventMap[T];
  /** 1 on the first delivery. */
  attempt: number;
}
