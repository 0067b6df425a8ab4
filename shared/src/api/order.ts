import { z } from '../zod';
import { ZCursor, ZId, ZLimit, ZQueryId } from './common';
import type { OrderChannel, OrderStatus, RefundStatus } from '../enums';

const ZSku = z.string().trim().regex(/^[A-Za-z0-9_-]{1,32}$/);

export const ZCreateOrderBody = z
  .strictObject({
    storeId: ZId,
    items: z
      .array(z.strictObject({ sku: ZSku, quantity: z.number().int().min(1).max(99) }))
      .min(1)
      .max(50),
    couponId: ZId.optional(),
    /** Points to use as cash: a whole number, or true for as many as allowed. */
    usePoints: z.union([z.number().int().min(0).max(100_000_000), z.boolean()]).optional(),
  })
  .superRefine((v, ctx) => {
    const seen = new Set<string>();
    v.items.forEach((i, n) => {
      if (seen.has(i.sku)) ctx.addIssue({ code: 'custom', path: ['items', n, 'sku'], message: 'each SKU once; use quantity' });
      seen.add(i.sku);
    });
  });
export type TCreateOrderBody = z.infer<typeof ZCreateOrderBody>;

/** Idempotency-Key header: what a client generates per checkout attempt (UUID recommended). */
export const ZIdempotencyKey = z.string().regex(/^[A-Za-z0-9_.:-]{8,64}$/);

export interface OrderLineView {
  sku: string;
  name: string;
  quantity: number;
  unitPriceFen: number;
  unitCashFen: number;
  unitPoints: number;
}

export interface OrderView {
  id: number;
  outTradeNo: string;
  status: OrderStatus;
  /** preorder (mini-program), pos / clerk (in-store sales), import. */
  channel: OrderChannel;
  storeId: number;
  /** At the prices this customer pays (member prices where they apply). */
  totalFen: number;
  /** Coupon discount + points used as cash. */
  discountFen: number;
  couponDiscountFen: number;
  pointsDeductionFen: number;
  memberSavingFen: number;
  /** Points taken by the order: member prices + points used as cash. */
  pointsUsed: number;
  payableFen: number;
  refundedFen: number;
  pointsEarned: number;
  couponId: number | null;
  /** Pre-orders only, once paid (and not fully refunded): what the customer shows at the counter. */
  pickupCode: string | null;
  /** When the store handed the pre-order over (fulfilment; independent of refunds). */
  pickedUpAt: string | null;
  items: OrderLineView[];
  createdAt: string;
  expiresAt: string;
  paidAt: string | null;
}

/** Exactly what `wx.requestPayment` takes (appId is signed but not passed). */
export interface PaymentParams {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

export interface CreateOrderResponse {
  order: OrderView;
  payment: PaymentParams;
}

export const ZCreateRefundBody = z.strictObject({
  amountFen: z.number().int().min(1).max(100_000_000),
  reason: z.string().trim().min(1).max(80),
  /** Client-chosen; a retry with the same number returns the same refund (and never refunds twice). */
  requestNo: z.string().regex(/^[A-Za-z0-9_-]{6,64}$/),
});
export type TCreateRefundBody = z.infer<typeof ZCreateRefundBody>;

export interface RefundView {
  id: number;
  orderId: number;
  outRefundNo: string;
  amountFen: number;
  reason: string;
  status: RefundStatus;
  pointsReturned: number;
  pointsReversed: number;
  pointsUnrecovered: number;
  createdAt: string;
  completedAt: string | null;
}

export const ZOrderListQuery = z.strictObject({ cursor: ZCursor.optional(), limit: ZLimit });
export type TOrderListQuery = z.infer<typeof ZOrderListQuery>;

export const ZAdminOrderListQuery = z.strictObject({
  storeId: ZQueryId.optional(),
  status: z.enum(['created', 'paid', 'closed', 'partially_refunded', 'refunded']).optional(),
  cursor: ZCursor.optional(),
  limit: ZLimit,
});
export type TAdminOrderListQuery = z.infer<typeof ZAdminOrderListQuery>;
