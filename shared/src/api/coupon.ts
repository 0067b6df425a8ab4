import { z } from '../zod';
import { ZCursor, ZId, ZIsoDateTime, ZLimit, ZQueryId } from './common';
import { ZCreateOrderBody } from './order';
import { COUPON_KINDS, COUPON_STATUSES, type CouponSource, type CouponStatus, type CouponTemplateStatus } from '../enums';
import type { CouponKind } from '../pricing';

const ZFen = z.number().int().min(0).max(100_000_000);
const ZSku = z.string().trim().regex(/^[A-Za-z0-9_-]{1,32}$/);

/**
 * A coupon template (admin). Kind rules: amount_off needs amountOffFen and a threshold above it; voucher needs
 * amountOffFen and no threshold; percent_off needs percentOff (20 = 20 % off) and may cap it; gift needs a SKU.
 * Validity: either fixed (validFrom..validTo, both inclusive, e.g. …T00:00:00+08:00 to …T23:59:59.999+08:00) or
 * relative (validDays = N: from the issue instant to 23:59:59.999 Asia/Shanghai of the N-th day, the issue day
 * being day 1). totalStock absent = unlimited. storeIds / categoryIds empty = every store / category.
 */
export const ZCreateCouponTemplateBody = z
  .strictObject({
    title: z.string().trim().min(1).max(32),
    description: z.string().trim().max(200).optional(),
    kind: z.enum(COUPON_KINDS as [CouponKind, ...CouponKind[]]),
    thresholdFen: ZFen.optional(),
    amountOffFen: ZFen.min(1).optional(),
    percentOff: z.number().int().min(1).max(99).optional(),
    maxDiscountFen: ZFen.min(1).optional(),
    giftSku: ZSku.optional(),
    validFrom: ZIsoDateTime.optional(),
    validTo: ZIsoDateTime.optional(),
    validDays: z.number().int().min(1).max(3650).optional(),
    totalStock: z.number().int().min(1).max(100_000_000).optional(),
    perCustomerLimit: z.number().int().min(1).max(100).optional(),
    storeIds: z.array(ZId).max(500).optional(),
    categoryIds: z.array(ZId).max(50).optional(),
    /** Consumers may claim it themselves (领券中心). */
    claimable: z.boolean().optional(),
    /** Granted once to every new member (on `customer.became_member`). */
    welcome: z.boolean().optional(),
    status: z.enum(['draft', 'active']).optional(),
  })
  .superRefine((v, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const threshold = v.thresholdFen ?? 0;
    if (v.kind === 'amount_off' || v.kind === 'voucher') {
      if (v.amountOffFen === undefined) issue('amountOffFen', `required for ${v.kind}`);
      if (v.kind === 'amount_off' && v.amountOffFen !== undefined && threshold <= v.amountOffFen) issue('thresholdFen', 'must be above amountOffFen');
      if (v.kind === 'voucher' && threshold !== 0) issue('thresholdFen', 'a voucher has no threshold');
    } else if (v.amountOffFen !== undefined) issue('amountOffFen', `not for ${v.kind}`);
    if (v.kind === 'percent_off') {
      if (v.percentOff === undefined) issue('percentOff', 'required for percent_off');
    } else {
      if (v.percentOff !== undefined) issue('percentOff', `not for ${v.kind}`);
      if (v.maxDiscountFen !== undefined) issue('maxDiscountFen', `not for ${v.kind}`);
    }
    if (v.kind === 'gift' && v.giftSku === undefined) issue('giftSku', 'required for gift');
    if (v.kind !== 'gift' && v.giftSku !== undefined) issue('giftSku', `not for ${v.kind}`);
    const fixed = v.validFrom !== undefined || v.validTo !== undefined;
    if (fixed === (v.validDays !== undefined)) issue('validDays', 'give either validFrom and validTo, or validDays');
    if (fixed && (v.validFrom === undefined || v.validTo === undefined)) issue('validTo', 'validFrom and validTo go together');
    if (v.validFrom && v.validTo && new Date(v.validTo).getTime() <= new Date(v.validFrom).getTime()) issue('validTo', 'must be after validFrom');
    if (v.storeIds && new Set(v.storeIds).size !== v.storeIds.length) issue('storeIds', 'duplicates');
    if (v.categoryIds && new Set(v.categoryIds).size !== v.categoryIds.length) issue('categoryIds', 'duplicates');
  });
export type TCreateCouponTemplateBody = z.infer<typeof ZCreateCouponTemplateBody>;

export const ZCouponTemplateStatusBody = z.strictObject({ status: z.enum(['active', 'paused', 'ended']) });
export type TCouponTemplateStatusBody = z.infer<typeof ZCouponTemplateStatusBody>;

export interface CouponTemplateView {
  id: number;
  title: string;
  description: string;
  kind: CouponKind;
  thresholdFen: number;
  amountOffFen: number | null;
  percentOff: number | null;
  maxDiscountFen: number | null;
  giftSku: string | null;
  validFrom: string | null;
  validTo: string | null;
  validDays: number | null;
  totalStock: number | null;
  issuedCount: number;
  perCustomerLimit: number;
  storeIds: number[];
  categoryIds: number[];
  claimable: boolean;
  welcome: boolean;
  status: CouponTemplateStatus;
  createdAt: string;
}

export const ZClaimCouponBody = z.strictObject({ templateId: ZId });
export type TClaimCouponBody = z.infer<typeof ZClaimCouponBody>;

export const ZCouponListQuery = z.strictObject({ status: z.enum(COUPON_STATUSES as [CouponStatus, ...CouponStatus[]]).optional() });
export type TCouponListQuery = z.infer<typeof ZCouponListQuery>;

/** A coupon in the wallet (and in the clerk's lookup). */
export interface CouponView {
  id: number;
  templateId: number;
  title: string;
  description: string;
  kind: CouponKind;
  thresholdFen: number;
  amountOffFen?: number;
  percentOff?: number;
  maxDiscountFen?: number;
  giftSku?: string;
  /** Empty = every store. */
  storeIds: number[];
  status: CouponStatus;
  source: CouponSource;
  validFrom: string;
  validTo: string;
  redeemedAt: string | null;
}

/** The rotating redemption code: `token` for the QR, `digits` (12) for typing; both die at `expiresAt`. */
export interface CouponCodeView {
  token: string;
  digits: string;
  expiresAt: string;
}

const ZCodeFields = {
  token: z.string().regex(/^[A-Za-z0-9_-]{16,200}$/).optional(),
  digits: z.string().regex(/^\d{12}$/).optional(),
  orderAmountFen: z.number().int().min(1).max(100_000_000),
};
const oneCode = (v: { token?: string; digits?: string }, ctx: z.RefinementCtx) => {
  if ((v.token === undefined) === (v.digits === undefined)) ctx.addIssue({ code: 'custom', path: ['token'], message: 'give token or digits' });
};

export const ZRedemptionLookupBody = z.strictObject(ZCodeFields).superRefine(oneCode);
export type TRedemptionLookupBody = z.infer<typeof ZRedemptionLookupBody>;

export const ZRedeemBody = z
  .strictObject({
    ...ZCodeFields,
    /** Client-chosen per attempt; a retry with the same number returns the same redemption. */
    requestNo: z.string().regex(/^[A-Za-z0-9_-]{6,64}$/),
  })
  .superRefine(oneCode);
export type TRedeemBody = z.infer<typeof ZRedeemBody>;

export const ZReverseRedemptionBody = z.strictObject({ reason: z.string().trim().min(1).max(80) });
export type TReverseRedemptionBody = z.infer<typeof ZReverseRedemptionBody>;

export interface RedemptionLookupView {
  coupon: CouponView;
  member: { phoneMasked: string | null };
  discountFen: number;
  usable: boolean;
  /** An error code (COUPON_THRESHOLD_NOT_MET, COUPON_EXPIRED, COUPON_ALREADY_REDEEMED, COUPON_NOT_USABLE) when not usable. */
  reason?: string;
}

export interface RedemptionView {
  id: number;
  couponId: number;
  storeId: number;
  clerkId: number;
  orderAmountFen: number;
  discountFen: number;
  createdAt: string;
  reversedAt: string | null;
  reversedBy: number | null;
  reverseReason: string | null;
}

// ── Checkout options (the mini-program's coupon picker) ────────────────────────────────────────────────────────

/** POST /api/app/orders/preview: exactly the body of POST /api/app/orders, so a preview prices what creation will. */
export const ZOrderPreviewBody = ZCreateOrderBody;
export type TOrderPreviewBody = z.infer<typeof ZOrderPreviewBody>;

/** Why a wallet coupon cannot be used on this cart (in the picker's greyed-out list). */
/** order_too_small: the coupon would leave nothing to pay (WeChat Pay cannot charge 0). */
export const COUPON_UNUSABLE_REASONS = ['threshold_not_met', 'category_scope', 'gift_not_in_cart', 'wrong_store', 'not_yet_valid', 'in_use', 'order_too_small'] as const;
export type CouponUnusableReason = (typeof COUPON_UNUSABLE_REASONS)[number];

export interface CouponCandidateView {
  coupon: CouponView;
  usable: boolean;
  /** The coupon's discount on this cart (0 when unusable). */
  discountFen: number;
  /** What the order would cost with this coupon (and the same usePoints); null when unusable. */
  payableFen: number | null;
  reason?: CouponUnusableReason;
  /** threshold_not_met: how many fen of eligible goods are missing. */
  shortByFen?: number;
}

export interface PricedOrderView {
  lines: { sku: string; quantity: number; unitPriceFen: number; unitCashFen: number; unitPoints: number; lineCashFen: number }[];
  listFen: number;
  totalFen: number;
  memberSavingFen: number;
  couponDiscountFen: number;
  pointsDeductionFen: number;
  discountFen: number;
  pointsUsed: number;
  payableFen: number;
  couponId: number | null;
}

export interface CheckoutOptionsView {
  /** The order as POST /api/app/orders would price it for this body. */
  order: PricedOrderView;
  /** Every coupon of the wallet that is issued or locked and not past validTo: usable first (best first), then the rest. */
  coupons: CouponCandidateView[];
  /** The usable coupon with the largest discount (ties: the one expiring first), or null. */
  suggestedCouponId: number | null;
}

// ── Claim centre ────────────────────────────────────────────────────────────────────────────────────────────────

export const ZClaimableQuery = z.strictObject({ storeId: ZQueryId.optional() });
export type TClaimableQuery = z.infer<typeof ZClaimableQuery>;

export interface ClaimableTemplateView {
  template: Pick<
    CouponTemplateView,
    'id' | 'title' | 'description' | 'kind' | 'thresholdFen' | 'amountOffFen' | 'percentOff' | 'maxDiscountFen' | 'giftSku' | 'validFrom' | 'validTo' | 'validDays' | 'storeIds' | 'categoryIds' | 'perCustomerLimit'
  >;
  /** null = unlimited stock. */
  remainingStock: number | null;
  /** How many more this customer may still claim (per-customer limit minus coupons of the template held, any source). */
  remainingForMe: number;
  canClaim: boolean;
}

// ── QR-scan grants ──────────────────────────────────────────────────────────────────────────────────────────────

/** A coupon template granted to whoever scans the code during [validFrom, validTo); `replace` closes the open entries. */
export const ZScheduleQrCouponBody = z
  .strictObject({
    templateId: ZId,
    validFrom: ZIsoDateTime,
    validTo: ZIsoDateTime.optional(),
    replace: z.boolean().optional(),
  })
  .refine((v) => !v.validTo || new Date(v.validTo).getTime() > new Date(v.validFrom).getTime(), { path: ['validTo'], message: 'must be after validFrom' });
export type TScheduleQrCouponBody = z.infer<typeof ZScheduleQrCouponBody>;

export interface QrCodeCouponView {
  id: number;
  qrCodeId: number;
  templateId: number;
  validFrom: string;
  validTo: string | null;
}

// ── Clerk: recent redemptions; admin: revocation ───────────────────────────────────────────────────────────────

export const ZRedemptionListQuery = z.strictObject({ cursor: ZCursor.optional(), limit: ZLimit });
export type TRedemptionListQuery = z.infer<typeof ZRedemptionListQuery>;

export interface RedemptionListItem extends RedemptionView {
  couponTitle: string;
  /** Still inside the reversal window, not reversed, and the coupon is still redeemed by it. */
  reversible: boolean;
}

export const ZRevokeCouponBody = z.strictObject({ reason: z.string().trim().min(1).max(80) });
export type TRevokeCouponBody = z.infer<typeof ZRevokeCouponBody>;
