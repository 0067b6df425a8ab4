import { z } from '../zod';
import { ZCursor, ZId, ZIsoDateTime, ZLimit, ZQueryId } from './common';
import { pagedQuery, ZSortOrder } from './console';
import { TAG_GROUPS } from '../enums';
import type { ClerkBindingRule, CouponSource, CouponStatus, OrderChannel, OrderStatus, PointsReason, StaffStatus, TagGroup } from '../enums';
import type { CustomerTagDetail } from './tag';
import type { Page } from './common';

/**
 * The console's customers (顾客) and tags (标签) areas: find customers, a customer's detail with its tabs, the
 * admin's manual points adjustment, tags with counts and tagging by a list of phone numbers.
 */

// ---- phone numbers ----

/** Mainland mobile numbers: 11 digits starting 1[3-9]. */
export const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/**
 * A typed or uploaded phone number → the 11 digits, or null when it is not a mainland mobile number.
 * Strips spaces, dashes, dots and brackets, then a leading +86 / 0086 / 86 country code.
 */
export function normalizeMainlandPhone(text: string): string | null {
  let d = text.replace(/[\s\-().\u3000]/g, '');
  if (d.startsWith('+86')) d = d.slice(3);
  else if (d.startsWith('0086')) d = d.slice(4);
  else if (d.length === 13 && d.startsWith('86')) d = d.slice(2);
  return MAINLAND_MOBILE.test(d) ? d : null;
}

// ---- find customers ----

const ZBoolText = z.enum(['true', 'false']).transform((v) => v === 'true');
export const CUSTOMER_SORTS = ['lastVisitAt', 'lastPurchaseAt', 'totalSpendFen', 'createdAt'] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

/**
 * GET /api/admin/customers (console list). `phone` is an exact number (spaces and +86 allowed), looked up through
 * the blind index; anything but a mainland mobile number is a 400. Default order: newest first (id).
 */
export const ZConsoleCustomerListQuery = pagedQuery({
  phone: z
    .string()
    .max(32)
    .refine((v) => normalizeMainlandPhone(v) !== null, { message: 'an 11-digit mainland mobile number' })
    .transform((v) => normalizeMainlandPhone(v)!)
    .optional(),
  storeId: ZQueryId.optional(),
  clerkId: ZQueryId.optional(),
  tagId: ZQueryId.optional(),
  isMember: ZBoolText.optional(),
  sort: z.enum(CUSTOMER_SORTS).optional(),
  order: ZSortOrder.optional(),
});
export type TConsoleCustomerListQuery = z.infer<typeof ZConsoleCustomerListQuery>;

export interface NamedRef {
  id: number;
  name: string;
}

/** One row of the console's customer list: masked phone only. */
export interface ConsoleCustomerRow {
  id: number;
  phoneMasked: string | null;
  isMember: boolean;
  memberSince: string | null;
  level: number;
  pointsBalance: number;
  /** Home store. */
  store: NamedRef | null;
  /** Owning clerk (专属导购). */
  clerk: NamedRef | null;
  orderCount: number;
  totalSpendFen: number;
  lastVisitAt: string | null;
  lastPurchaseAt: string | null;
  createdAt: string;
}

// ---- detail and its tabs ----

/** GET /api/admin/customers/:id/<tab>: keyset pages, newest first. */
export const ZCustomerTabQuery = z.strictObject({ cursor: ZCursor.optional(), limit: ZLimit });
export type TCustomerTabQuery = z.infer<typeof ZCustomerTabQuery>;
export const CUSTOMER_TABS = ['ledger', 'orders', 'coupons', 'assignments', 'scans'] as const;
export type CustomerTab = (typeof CUSTOMER_TABS)[number];

export interface ConsoleLedgerItem {
  id: number;
  delta: number;
  reason: PointsReason;
  refType: string;
  refId: string;
  balanceAfter: number;
  /** For a manual adjustment: the reason the admin typed. */
  note: string | null;
  createdAt: string;
}

export interface ConsoleCustomerOrder {
  id: number;
  outTradeNo: string;
  status: OrderStatus;
  channel: OrderChannel;
  store: NamedRef | null;
  clerkId: number | null;
  totalFen: number;
  couponDiscountFen: number;
  pointsDeductionFen: number;
  payableFen: number;
  refundedFen: number;
  pointsUsed: number;
  pointsEarned: number;
  createdAt: string;
  paidAt: string | null;
}

export interface ConsoleCustomerCoupon {
  id: number;
  templateId: number;
  title: string;
  status: CouponStatus;
  source: CouponSource;
  validFrom: string;
  validTo: string;
  issuedAt: string;
  redeemedAt: string | null;
}

export interface ConsoleClerkAssignment {
  id: number;
  from: NamedRef | null;
  to: NamedRef;
  rule: ClerkBindingRule;
  /** Staff who made the change (a handover), null for a scan. */
  actor: NamedRef | null;
  reason: string | null;
  at: string;
}

export interface ConsoleScan {
  id: number;
  qrCodeId: number;
  code: string | null;
  ownerType: 'store' | 'clerk' | null;
  store: NamedRef | null;
  clerk: NamedRef | null;
  scannedAt: string;
}

export interface ConsoleOwningClerk extends NamedRef {
  status: StaffStatus;
  storeId: number;
  rule: ClerkBindingRule;
  boundAt: string;
  /** Until then another clerk's code does not take the customer over. */
  protectedUntil: string;
}

/** GET /api/admin/customers/:id/detail: the profile, its tags and the first page of every tab. */
export interface ConsoleCustomerDetail {
  id: number;
  phoneMasked: string | null;
  isMember: boolean;
  memberSince: string | null;
  level: number;
  pointsBalance: number;
  marketingConsent: boolean;
  store: NamedRef | null;
  clerk: ConsoleOwningClerk | null;
  firstScanAt: string | null;
  firstQrCodeId: number | null;
  lastVisitAt: string | null;
  lastPurchaseAt: string | null;
  orderCount: number;
  totalSpendFen: number;
  createdAt: string;
  tags: CustomerTagDetail[];
  ledger: Page<ConsoleLedgerItem>;
  orders: Page<ConsoleCustomerOrder>;
  coupons: Page<ConsoleCustomerCoupon>;
  assignments: Page<ConsoleClerkAssignment>;
  scans: Page<ConsoleScan>;
}

// ---- manual points adjustment (admin) ----

export const POINTS_ADJUSTMENT_MAX = 100_000;
/**
 * POST /api/admin/customers/:id/points-adjustments. `requestNo` is generated by the console once per form (a
 * retry sends the same one): the same requestNo with the same body answers the same adjustment, with another
 * body 422 IDEMPOTENCY_KEY_REUSED. A debit below zero or on a fan (no points account) → 409
 * POINTS_ADJUSTMENT_INVALID.
 */
export const ZPointsAdjustmentBody = z.strictObject({
  delta: z
    .number()
    .int()
    .min(-POINTS_ADJUSTMENT_MAX)
    .max(POINTS_ADJUSTMENT_MAX)
    .refine((v) => v !== 0, { message: 'must not be 0' }),
  reason: z.string().trim().min(2).max(200),
  requestNo: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
});
export type TPointsAdjustmentBody = z.infer<typeof ZPointsAdjustmentBody>;

export interface PointsAdjustmentView {
  requestNo: string;
  customerId: number;
  delta: number;
  reason: string;
  /** The customer's balance right after this adjustment. */
  balanceAfter: number;
  ledgerId: number;
  createdAt: string;
}

// ---- tags (console list, rename, tagging by phone numbers) ----

/** GET /api/admin/tags: every tag (filtered), with its customer count; paged only when `current` is given. */
export const ZTagListQuery = z.strictObject({
  group: z.enum(TAG_GROUPS as [TagGroup, ...TagGroup[]]).optional(),
  q: z.string().trim().max(32).optional(),
  current: z.string().regex(/^\d{1,5}$/).transform(Number).pipe(z.number().int().min(1)).optional(),
  pageSize: z.string().regex(/^\d{1,3}$/).transform(Number).pipe(z.number().int().min(1).max(100)).optional(),
});
export type TTagListQuery = z.infer<typeof ZTagListQuery>;

export interface ConsoleTagRow {
  id: number;
  name: string;
  group: TagGroup;
  /** Customers holding the tag now (lapsed rows excluded when counted by the segment index). */
  customerCount: number;
  /** Written only by the rule recompute (lifecycle, RFM): no renaming, no manual tagging. */
  ruleManaged: boolean;
  createdAt: string;
}
export interface ConsoleTagList {
  items: ConsoleTagRow[];
  total: number;
  /** Where the counts came from: the in-memory segment index, or a grouped SQL count (cached briefly). */
  countSource: 'index' | 'sql';
  countedAt: string;
}

export const ZRenameTagBody = z.strictObject({ name: z.string().trim().min(1).max(32) });
export type TRenameTagBody = z.infer<typeof ZRenameTagBody>;

export const BULK_PHONES_MAX = 100_000;
/**
 * POST /api/admin/tags/bulk-phones: put one tag (source manual) on the customers with these phone numbers.
 * Each entry is normalised (spaces, +86) and must be a mainland mobile number; invalid entries are reported by
 * line (1-based position in `phones`), numbers without a customer are counted (first 20 shown masked). Dry run:
 * the report only. Apply: the matched customers are tagged (a customer already holding the tag keeps it as it is,
 * so a repeat changes nothing).
 */
export const ZBulkPhonesBody = z.strictObject({
  tagId: ZId,
  phones: z.array(z.string().max(32)).min(1).max(BULK_PHONES_MAX),
  expiresAt: ZIsoDateTime.optional(),
  dryRun: z.boolean().optional(),
});
export type TBulkPhonesBody = z.infer<typeof ZBulkPhonesBody>;

export interface BulkPhonesReport {
  dryRun: boolean;
  /** Entries in the request. */
  total: number;
  /** Valid numbers after removing repeats. */
  distinct: number;
  /** Valid entries repeating an earlier one (counted once). */
  duplicates: number;
  /** Distinct numbers with a customer. */
  matched: number;
  notFound: { count: number; sample: string[] };
  /** Lines (1-based positions in `phones`) that are not mainland mobile numbers; `lines` stops at 1,000. */
  invalid: { count: number; lines: number[] };
  /** (customer, tag) rows added by this request: 0 for a dry run or a repeat. */
  changed: number;
  applied: boolean;
}
