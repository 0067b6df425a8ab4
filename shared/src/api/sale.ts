/**
 * The store counter's contract: the POS API (`/api/pos/v1`), the clerk cashier (`/api/clerk/sales`), the member
 * code and pickup. One body shape serves a till and the clerk app; both run the same use cases (server
 * modules/sale), which price through the same `priceCart` as pre-orders.
 */
import { z } from '../zod';
import type { OrderChannel, OrderStatus } from '../enums';
import { ZId } from './common';
import type { CouponView } from './coupon';

const ZSku = z.string().trim().regex(/^[A-Za-z0-9_-]{1,32}$/);
/** A till's receipt number or a cashier's request number, as printed: 1–40 of [A-Za-z0-9_.:-]. */
export const ZReceiptNo = z.string().regex(/^[A-Za-z0-9_.:-]{1,40}$/);
/** What the scanner read or the clerk typed; its shape is classified server-side (member-code.ts) for a precise error. */
const ZPresented = z.string().trim().min(1).max(64);
const ZPhoneTyped = z.string().trim().regex(/^1[3-9]\d{9}$/, 'an 11-digit mainland mobile number');

export const ZSaleItems = z
  .array(z.strictObject({ sku: ZSku, quantity: z.number().int().min(1).max(999) }))
  .min(1)
  .max(100)
  .superRefine((items, ctx) => {
    const seen = new Set<string>();
    items.forEach((i, n) => {
      if (seen.has(i.sku)) ctx.addIssue({ code: 'custom', path: [n, 'sku'], message: 'each SKU once; use quantity' });
      seen.add(i.sku);
    });
  });

/** Who is buying: the member code (scanned) or a phone number (typed by the clerk); exactly one. */
const who = { memberCode: ZPresented.optional(), phone: ZPhoneTyped.optional() };
const oneWho = (v: { memberCode?: string; phone?: string }, ctx: z.RefinementCtx, required: boolean) => {
  if (v.memberCode && v.phone) ctx.addIssue({ code: 'custom', path: ['phone'], message: 'memberCode or phone, not both' });
  if (required && !v.memberCode && !v.phone) ctx.addIssue({ code: 'custom', path: ['memberCode'], message: 'memberCode or phone is required' });
};

export const ZIdentifyBody = z.strictObject(who).superRefine((v, ctx) => oneWho(v, ctx, true));
export type TIdentifyBody = z.infer<typeof ZIdentifyBody>;

const quoteShape = {
  ...who,
  items: ZSaleItems,
  couponId: ZId.optional(),
  /** Points to use as cash: a whole number, or true for as many as allowed (the same rule as pre-orders). */
  usePoints: z.union([z.number().int().min(0).max(100_000_000), z.boolean()]).optional(),
};
/** A quote may be anonymous (sale prices, no coupon, no points). */
export const ZSaleQuoteBody = z.strictObject(quoteShape).superRefine((v, ctx) => {
  oneWho(v, ctx, false);
  if (!v.memberCode && !v.phone && (v.couponId || v.usePoints)) ctx.addIssue({ code: 'custom', path: ['couponId'], message: 'coupons and points need a member' });
});
export type TSaleQuoteBody = z.infer<typeof ZSaleQuoteBody>;

/** A sale is recorded for an identified customer; the receipt number makes the commit idempotent per till. */
export const ZSaleCommitBody = z.strictObject({ ...quoteShape, receiptNo: ZReceiptNo }).superRefine((v, ctx) => oneWho(v, ctx, true));
export type TSaleCommitBody = z.infer<typeof ZSaleCommitBody>;

/** `lines` omitted: return everything not yet returned. */
export const ZSaleReturnBody = z.strictObject({
  returnNo: ZReceiptNo,
  lines: ZSaleItems.optional(),
  reason: z.string().trim().min(1).max(80).optional(),
});
export type TSaleReturnBody = z.infer<typeof ZSaleReturnBody>;

export interface MemberAtTillView {
  customerId: number;
  phoneMasked: string | null;
  isMember: boolean;
  level: number;
  pointsBalance: number;
  /** Coupons usable at this store now (issued, in validity, store scope). */
  coupons: CouponView[];
}

export interface SaleLineView {
  sku: string;
  name: string;
  quantity: number;
  unitPriceFen: number;
  unitCashFen: number;
  /** Points spent per unit by a member price. */
  unitPoints: number;
  /** Points given per unit by a member price (会员价送积分). */
  unitPointsGiven: number;
  lineCashFen: number;
  /** This line's share of the payable: what returning the whole line gives back. */
  paidFen: number;
  returnedQuantity: number;
}

export interface SaleAmountsView {
  listFen: number;
  totalFen: number;
  memberSavingFen: number;
  couponDiscountFen: number;
  pointsDeductionFen: number;
  /** Member-price points + points used as cash. */
  pointsUsed: number;
  /** 会员价送积分 part of pointsEarned. */
  pointsGiven: number;
  /** Points credited when paid (members only): POINTS_PER_YUAN on the payable + pointsGiven. */
  pointsEarned: number;
  payableFen: number;
}

export interface SaleQuoteView extends SaleAmountsView {
  member: { customerId: number; isMember: boolean; pointsBalance: number } | null;
  lines: SaleLineView[];
  couponId: number | null;
}

export interface SaleView extends SaleAmountsView {
  id: number;
  outTradeNo: string;
  channel: OrderChannel;
  receiptNo: string | null;
  status: OrderStatus;
  storeId: number;
  terminalId: number | null;
  staffId: number | null;
  customerId: number;
  phoneMasked: string | null;
  couponId: number | null;
  lines: SaleLineView[];
  refundedFen: number;
  /** The customer's balance right after the sale (null on a later read). */
  pointsBalanceAfter: number | null;
  paidAt: string;
}

export interface SaleReturnView {
  returnNo: string;
  refundId: number;
  amountFen: number;
  lines: { sku: string; quantity: number; amountFen: number }[];
  pointsReturned: number;
  pointsReversed: number;
  pointsUnrecovered: number;
  /** True when this return gave the coupon back (only a full return does: see ARCHITECTURE "Till returns"). */
  couponReturned: boolean;
  sale: SaleView;
}

/** GET /api/app/member-code: the same 18 digits are drawn as a QR code and a Code 128 barcode. */
export interface MemberCodeView {
  digits: string;
  qrToken: string;
  /** When the app shows the next code (the till still accepts this one for another window after it). */
  expiresAt: string;
  windowSeconds: number;
}

export interface PickupView {
  orderId: number;
  pickupCode: string;
  status: OrderStatus;
  payableFen: number;
  items: { name: string; quantity: number }[];
  phoneMasked: string | null;
  paidAt: string | null;
  pickedUpAt: string | null;
  pickedUpBy: number | null;
}

export const ZPickupListQuery = z.strictObject({ status: z.enum(['paid', 'picked_up', 'all']).optional() });
export type TPickupListQuery = z.infer<typeof ZPickupListQuery>;
export const ZPickupCode = z.string().regex(/^\d{4,8}$/);

export interface PosTerminalView {
  id: number;
  keyId: string;
  storeId: number;
  storeName: string;
  name: string;
  /** First 8 hex of sha256(secret): lets a vendor check which secret they hold. */
  secretFingerprint: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}
export const ZCreatePosTerminalBody = z.strictObject({ storeId: ZId, name: z.string().trim().min(1).max(40) });
export type TCreatePosTerminalBody = z.infer<typeof ZCreatePosTerminalBody>;

/** The consumer's store picker (`GET /api/app/stores`), nearest first when a location is given. */
export interface StoreChoiceView {
  id: number;
  name: string;
  city: string | null;
  address: string | null;
  distanceM: number | null;
}
export const ZStoresNearQuery = z.strictObject({ near: z.string().regex(/^-?\d{1,2}(\.\d+)?,-?\d{1,3}(\.\d+)?$/).optional() });
export const ZSetOrderingStoreBody = z.strictObject({ storeId: ZId });
