import { z } from '../zod';
import { ZCursor, ZQueryId } from './common';
import { pagedQuery, ZQueryDateTime } from './console';
import type { CouponTemplateView } from './coupon';
import type { OrderLineView, OrderView, RefundView } from './order';
import { COUPON_KINDS, COUPON_TEMPLATE_STATUSES, ORDER_CHANNELS, type CouponStatus, type CouponTemplateStatus, type OrderChannel, type OrderStatus } from '../enums';
import type { CouponKind } from '../pricing';

// ── Orders (console: 订单) ───────────────────────────────────────────────────────────────────────────────────────

/**
 * GET /api/admin/orders. Offset paging (`current`, `pageSize`) with the console's filters; `from` inclusive and
 * `to` exclusive on the creation instant (the console sends Asia/Shanghai midnights). A store manager's list is
 * their store's whatever `storeId` says. `cursor`/`limit` select the older keyset answer (`{items, nextCursor}`)
 * for callers written before the console.
 */
export const ZConsoleOrderListQuery = pagedQuery({
  storeId: ZQueryId.optional(),
  status: z.enum(['created', 'paid', 'closed', 'partially_refunded', 'refunded']).optional(),
  channel: z.enum(ORDER_CHANNELS as [OrderChannel, ...OrderChannel[]]).optional(),
  from: ZQueryDateTime.optional(),
  to: ZQueryDateTime.optional(),
  customerId: ZQueryId.optional(),
  outTradeNo: z.string().trim().regex(/^[A-Za-z0-9_-]{1,32}$/).optional(),
  cursor: ZCursor.optional(),
  limit: z.string().regex(/^\d{1,3}$/).transform(Number).pipe(z.number().int().min(1).max(100)).optional(),
});
export type TConsoleOrderListQuery = z.infer<typeof ZConsoleOrderListQuery>;

/** One row of the console's order list. */
export interface ConsoleOrderRow {
  id: number;
  outTradeNo: string;
  status: OrderStatus;
  channel: OrderChannel;
  storeId: number;
  storeName: string | null;
  customerId: number;
  /** Masked (138****0000); null for a fan without a phone. */
  customerPhoneMasked: string | null;
  /** At sale prices (商品原价); listFen − totalFen is the member-price saving (会员价已省). */
  listFen: number;
  /** At the prices the customer paid (member prices where they applied), before the coupon and 积分抵现. */
  totalFen: number;
  couponDiscountFen: number;
  pointsDeductionFen: number;
  payableFen: number;
  refundedFen: number;
  refundPendingFen: number;
  pointsUsed: number;
  pointsEarned: number;
  /** The till's receipt number (channels `pos` and `clerk`); null for pre-orders. */
  receiptNo: string | null;
  /** When the pre-order was handed over at the store (已取货); null until then, and for in-store sales. */
  pickedUpAt: string | null;
  createdAt: string;
  paidAt: string | null;
}

/** A line of the console's order detail: the consumer's line plus what the member price gave and what was returned. */
export interface ConsoleOrderLineView extends OrderLineView {
  /** 会员价送积分 per unit (0 when the line's price gave none, or the buyer was not a member). */
  unitPointsGiven: number;
  /** Units taken back by till returns (in-store sales). */
  returnedQuantity: number;
}

/** A pay notification about the order, for the operator: ids and status only (the raw body stays on the server). */
export interface OrderPayNotificationView {
  id: number;
  notifyId: string;
  kind: 'transaction' | 'refund';
  eventType: string;
  status: 'processed' | 'quarantined' | 'ignored';
  reason: string | null;
  createdAt: string;
}

/** GET /api/admin/orders/:id (store managers: their store only, 404 otherwise). */
export interface ConsoleOrderDetail {
  order: Omit<OrderView, 'items'> & {
    items: ConsoleOrderLineView[];
    channel: OrderChannel;
    /** The till's receipt number (pos, clerk). */
    receiptNo: string | null;
    /** 会员价送积分: the part of pointsEarned the member prices gave. */
    pointsGiven: number;
    /** 已取货: when, and by whom (a clerk of the store). */
    pickedUpAt: string | null;
    customerId: number;
    clerkId: number | null;
    refundPendingFen: number;
    /** What a new refund may still take: payable − refunded − pending. */
    refundableFen: number;
    pointsUsedReturned: number;
    pointsEarnedReversed: number;
    closedAt: string | null;
    /** At sale prices (商品原价): listFen − memberSavingFen = totalFen. */
    listFen: number;
    /** pointsUsed split: points the member prices required (会员价积分) + points used as cash (积分抵现). */
    memberPoints: number;
    offsetPoints: number;
  };
  customer: { id: number; phoneMasked: string | null; isMember: boolean; pointsBalance: number };
  store: { id: number; name: string } | null;
  clerk: { id: number; name: string } | null;
  /** Who rang the sale up (clerk cashier), or null. */
  cashier: { id: number; name: string } | null;
  /** The till that committed the sale (channel `pos`), or null. */
  terminal: { id: number; name: string; keyId: string } | null;
  /** The staff member who handed the pre-order over, or null. */
  pickedUpBy: { id: number; name: string } | null;
  coupon: { id: number; templateId: number; title: string; kind: CouponKind; status: CouponStatus } | null;
  refunds: RefundView[];
  payNotifications: OrderPayNotificationView[];
}

// ── Refund preview (the confirmation that shows the effects) ────────────────────────────────────────────────────

export const ZRefundPreviewBody = z.strictObject({ amountFen: z.number().int().min(1).max(100_000_000) });
export type TRefundPreviewBody = z.infer<typeof ZRefundPreviewBody>;

/**
 * POST /api/admin/orders/:id/refunds/preview: what a refund of `amountFen` would do once WeChat Pay confirms it,
 * computed by the same function settlement uses (cumulative: after refunding R of P, floor(used·R/P) spent points
 * have been returned and floor(earned·R/P) earned points reversed). Nothing changes. Errors are those the refund
 * itself would answer (ORDER_NOT_REFUNDABLE, REFUND_EXCEEDS_PAID with `refundableFen`).
 */
export interface RefundPreviewView {
  orderId: number;
  amountFen: number;
  payableFen: number;
  refundedFen: number;
  refundPendingFen: number;
  refundableFen: number;
  /** This refund takes the order to fully refunded. */
  full: boolean;
  /** Spent points given back to the customer. */
  pointsReturned: number;
  /** Earned points due back by the rule. */
  pointsToReverse: number;
  /** What the balance allows to take back (spent points are returned first). */
  pointsReversed: number;
  /** The shortfall: earned points the customer already spent (recorded on the refund, never a negative balance). */
  pointsUnrecovered: number;
  /** The customer's balance now, and after this refund as computed. */
  balance: number;
  balanceAfter: number;
  /** The order's coupon goes back to the customer (full refunds only): `issued`, or `expired` when past its validity. */
  coupon: { id: number; title: string; released: boolean; returnsAs: 'issued' | 'expired' | null } | null;
  /** Other refunds of the order are still in progress: their settlement order can move a point between them. */
  otherRefundsPending: boolean;
}

// ── Coupon templates (console: 优惠券) ──────────────────────────────────────────────────────────────────────────

/** GET /api/admin/coupon-templates: newest first; `q` matches the title. */
export const ZCouponTemplateListQuery = pagedQuery({
  status: z.enum(COUPON_TEMPLATE_STATUSES as [CouponTemplateStatus, ...CouponTemplateStatus[]]).optional(),
  kind: z.enum(COUPON_KINDS as [CouponKind, ...CouponKind[]]).optional(),
  q: z.string().trim().max(32).optional(),
});
export type TCouponTemplateListQuery = z.infer<typeof ZCouponTemplateListQuery>;

export interface ConsoleCouponTemplateView extends CouponTemplateView {
  /** Flagged for clerk offers (专属优惠); set with PUT /api/admin/clerk-offer-templates/:templateId. */
  clerkOfferable: boolean;
}
