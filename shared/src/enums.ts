export const StaffRole = {
  clerk: 'clerk',
  store_manager: 'store_manager',
  marketer: 'marketer',
  admin: 'admin',
} as const;
export type StaffRole = keyof typeof StaffRole;
export const STAFF_ROLES = Object.keys(StaffRole) as StaffRole[];
/** Roles that work in one store through the clerk subpackage. */
export const STORE_ROLES: readonly StaffRole[] = ['clerk', 'store_manager'];
/** Roles of the brand's console. */
export const CONSOLE_ROLES: readonly StaffRole[] = ['marketer', 'admin'];

export const StaffStatus = { active: 'active', left: 'left' } as const;
export type StaffStatus = keyof typeof StaffStatus;

export const StoreStatus = { active: 'active', closed: 'closed' } as const;
export type StoreStatus = keyof typeof StoreStatus;

export const QrOwnerType = { store: 'store', clerk: 'clerk' } as const;
export type QrOwnerType = keyof typeof QrOwnerType;

export const TagGroup = {
  category: 'category',
  channel: 'channel',
  lifecycle: 'lifecycle',
  custom: 'custom',
  /** R1–R5, F1–F5, M1–M5 (recency, frequency, monetary bands), written by the rule recompute. */
  rfm: 'rfm',
} as const;
export type TagGroup = keyof typeof TagGroup;
export const TAG_GROUPS = Object.keys(TagGroup) as TagGroup[];

export const TagSource = { qr: 'qr', manual: 'manual', rule: 'rule', purchase: 'purchase' } as const;
export type TagSource = keyof typeof TagSource;

/** How a customer came to be owned by a clerk (专属导购). */
export const ClerkBindingRule = {
  first_touch: 'first_touch',
  rebind_after_protection: 'rebind_after_protection',
  rebind_clerk_left: 'rebind_clerk_left',
  handover: 'handover',
} as const;
export type ClerkBindingRule = keyof typeof ClerkBindingRule;

export const PointsReason = {
  welcome: 'welcome',
  purchase: 'purchase',
  spend: 'spend',
  refund_reversal: 'refund_reversal',
  adjustment: 'adjustment',
  /** Reserved by a pre-order at creation (member prices in points and points used as cash). */
  order_spend: 'order_spend',
  /** Given back when an unpaid order closes. */
  order_release: 'order_release',
  /** Taken again when a payment arrives after the order had closed (the reservation is re-instated). */
  order_reinstate: 'order_reinstate',
  /** Points spent on an order, given back in proportion to a refund. */
  refund_return: 'refund_return',
} as const;
export type PointsReason = keyof typeof PointsReason;

/**
 * Pre-order states. created → paid → partially_refunded → refunded; created → closed (unpaid past its
 * window); closed → paid when a payment lands after the close (re-instated or refunded automatically).
 */
export const OrderStatus = {
  created: 'created',
  paid: 'paid',
  closed: 'closed',
  partially_refunded: 'partially_refunded',
  refunded: 'refunded',
} as const;
export type OrderStatus = keyof typeof OrderStatus;

export const RefundStatus = {
  /** Recorded, not yet accepted by WeChat Pay (a retry sends the same out_refund_no). */
  requested: 'requested',
  processing: 'processing',
  success: 'success',
  closed: 'closed',
  abnormal: 'abnormal',
  /** WeChat Pay refused the request for good; the reserved amount is released. */
  failed: 'failed',
} as const;
export type RefundStatus = keyof typeof RefundStatus;

/** 满减 amount_off (with a threshold), 代金 voucher (threshold 0), 折扣 percent_off (with a cap), 兑换 gift (a SKU). */
export const CouponKindEnum = { amount_off: 'amount_off', voucher: 'voucher', percent_off: 'percent_off', gift: 'gift' } as const;
export const COUPON_KINDS = Object.keys(CouponKindEnum) as (keyof typeof CouponKindEnum)[];

/** draft → active ⇄ paused → ended. Only active templates issue; issued coupons stay usable in every state. */
export const CouponTemplateStatus = { draft: 'draft', active: 'active', paused: 'paused', ended: 'ended' } as const;
export type CouponTemplateStatus = keyof typeof CouponTemplateStatus;
export const COUPON_TEMPLATE_STATUSES = Object.keys(CouponTemplateStatus) as CouponTemplateStatus[];

/**
 * issued → locked (by a pre-order) → redeemed (paid) | issued (order closed / fully refunded);
 * issued → redeemed (in store) → issued (reversed); issued → expired | revoked.
 */
export const CouponStatus = { issued: 'issued', locked: 'locked', redeemed: 'redeemed', expired: 'expired', revoked: 'revoked' } as const;
export type CouponStatus = keyof typeof CouponStatus;
export const COUPON_STATUSES = Object.keys(CouponStatus) as CouponStatus[];

export const CouponSource = { welcome: 'welcome', qr: 'qr', claim: 'claim', campaign: 'campaign', clerk: 'clerk' } as const;
export type CouponSource = keyof typeof CouponSource;

/** Where a sale happened. Every channel is an `order` and emits the same paid/refunded events. */
export const OrderChannel = { preorder: 'preorder', pos: 'pos', clerk: 'clerk', import: 'import' } as const;
export type OrderChannel = keyof typeof OrderChannel;
export const ORDER_CHANNELS = Object.keys(OrderChannel) as OrderChannel[];

/** What needs an operator (the console's 告警 page and its count in the header). */
export const AlertKind = {
  payment_quarantined: 'payment_quarantined',
  refund_failed: 'refund_failed',
  refund_stuck: 'refund_stuck',
  points_unrecovered: 'points_unrecovered',
  outbox_dead: 'outbox_dead',
  /** Repeated wrong passwords or invite codes locked an account or an address (attempt-limit.ts). */
  login_locked: 'login_locked',
} as const;
export type AlertKind = keyof typeof AlertKind;
export const ALERT_KINDS = Object.keys(AlertKind) as AlertKind[];
export const AlertStatus = { open: 'open', resolved: 'resolved' } as const;
export type AlertStatus = keyof typeof AlertStatus;

/** Long console jobs with progress. */
export const JobKind = { qr_posters: 'qr_posters', invite_sheet: 'invite_sheet', csv_export: 'csv_export' } as const;
export type JobKind = keyof typeof JobKind;
export const JobStatus = { queued: 'queued', running: 'running', done: 'done', failed: 'failed' } as const;
export type JobStatus = keyof typeof JobStatus;
