import { z } from '../zod';
import { ZId, ZIsoDateTime, ZName, ZQueryId } from './common';
import { pagedQuery, ZSortOrder } from './console';
import { STAFF_ROLES, TAG_GROUPS } from '../enums';
import type { QrOwnerType, StoreStatus, TagGroup } from '../enums';

export const ZCreateStoreBody = z.strictObject({
  name: ZName,
  code: z.string().trim().regex(/^[A-Za-z0-9_-]{1,32}$/).optional(),
  city: z.string().trim().max(64).optional(),
  address: z.string().trim().max(200).optional(),
  /** The brand's grouping (华东一区…): poster changes by region, later a regional manager's scope. */
  region: z.string().trim().max(64).optional(),
});
export type TCreateStoreBody = z.infer<typeof ZCreateStoreBody>;
export interface StoreView {
  id: number;
  code: string;
  name: string;
  city: string | null;
  address: string | null;
  region: string | null;
  status: StoreStatus;
  createdAt: string;
}

export const ZCreateStaffBody = z
  .strictObject({
    name: ZName,
    role: z.enum(STAFF_ROLES as [string, ...string[]]),
    storeId: ZId.optional(),
    username: z.string().trim().regex(/^[A-Za-z0-9_.-]{3,64}$/).optional(),
    password: z.string().min(10).max(256).optional(),
  })
  .superRefine((v, ctx) => {
    const storeRole = v.role === 'clerk' || v.role === 'store_manager';
    if (storeRole && v.storeId === undefined) ctx.addIssue({ code: 'custom', path: ['storeId'], message: 'required for store roles' });
    if (!storeRole && v.storeId !== undefined) ctx.addIssue({ code: 'custom', path: ['storeId'], message: 'only for store roles' });
    if (!storeRole && (!v.username || !v.password))
      ctx.addIssue({ code: 'custom', path: ['username'], message: 'console roles need username and password' });
    if ((v.username === undefined) !== (v.password === undefined))
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'username and password go together' });
  });
export type TCreateStaffBody = z.infer<typeof ZCreateStaffBody>;

export const ZCreateTagBody = z.strictObject({
  name: z.string().trim().min(1).max(32),
  group: z.enum(TAG_GROUPS as [TagGroup, ...TagGroup[]]),
});
export type TCreateTagBody = z.infer<typeof ZCreateTagBody>;
export interface TagView {
  id: number;
  name: string;
  group: TagGroup;
}

export const ZCreateQrCodeBody = z
  .strictObject({
    ownerType: z.enum(['store', 'clerk']),
    storeId: ZId,
    staffId: ZId.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.ownerType === 'clerk' && v.staffId === undefined)
      ctx.addIssue({ code: 'custom', path: ['staffId'], message: 'required for clerk codes' });
    if (v.ownerType === 'store' && v.staffId !== undefined)
      ctx.addIssue({ code: 'custom', path: ['staffId'], message: 'store codes have no staff' });
  });
export type TCreateQrCodeBody = z.infer<typeof ZCreateQrCodeBody>;

export const ZBatchQrCodesBody = z.strictObject({
  storeIds: z.array(ZId).min(1).max(2000).optional(),
  includeClerks: z.boolean().default(true),
});
export type TBatchQrCodesBody = z.infer<typeof ZBatchQrCodesBody>;

export interface QrCodeView {
  id: number;
  code: string;
  scene: string;
  ownerType: QrOwnerType;
  storeId: number;
  staffId: number | null;
  status: 'active' | 'disabled';
  imageUrl: string;
}

export const ZScheduleTagBody = z.strictObject({
  tagId: ZId,
  validFrom: ZIsoDateTime,
  validTo: ZIsoDateTime.optional(),
  /** The poster changed: close this code's schedules still open at validFrom. */
  replace: z.boolean().optional(),
});
export type TScheduleTagBody = z.infer<typeof ZScheduleTagBody>;
export interface QrCodeTagView {
  id: number;
  qrCodeId: number;
  tagId: number;
  validFrom: string;
  validTo: string | null;
}

const ZFen = z.number().int().min(0).max(100_000_000);
const ZPoints = z.number().int().min(0).max(1_000_000);

/**
 * The member price of a SKU (会员价) is cash plus points SPENT (`memberPoints`, "¥1.90 + 6 积分") or cash plus points
 * GIVEN (`memberPointsGiven`, 会员价送积分, "¥29.90 送 30 积分"), never both: a till and a receipt must read one
 * price. Both are relative to `memberPriceFen`, which neither may go without. The server checks the same on the
 * product as it will be after a PATCH, and the table has a CHECK.
 */
export const MEMBER_PRICE_RULE = {
  spentAndGiven: 'a member price spends points or gives them, not both',
  pointsNeedPrice: 'member points need a member cash price',
  aboveSalePrice: 'member price cannot exceed the sale price',
} as const;

export const ZCreateProductBody = z
  .strictObject({
    sku: z.string().trim().regex(/^[A-Za-z0-9_-]{1,32}$/),
    name: ZName,
    category: z.string().trim().min(1).max(32),
    priceFen: ZFen.min(1),
    memberPriceFen: ZFen.optional(),
    /** Points the member price spends (会员价 = cash + points). */
    memberPoints: ZPoints.optional(),
    /** Points the member price gives (会员价送积分), credited when the sale is paid. */
    memberPointsGiven: ZPoints.optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.memberPoints !== undefined || v.memberPointsGiven !== undefined) && v.memberPriceFen === undefined)
      ctx.addIssue({ code: 'custom', path: ['memberPriceFen'], message: MEMBER_PRICE_RULE.pointsNeedPrice });
    if (v.memberPriceFen !== undefined && v.memberPriceFen > v.priceFen)
      ctx.addIssue({ code: 'custom', path: ['memberPriceFen'], message: MEMBER_PRICE_RULE.aboveSalePrice });
    if ((v.memberPoints ?? 0) > 0 && (v.memberPointsGiven ?? 0) > 0)
      ctx.addIssue({ code: 'custom', path: ['memberPointsGiven'], message: MEMBER_PRICE_RULE.spentAndGiven });
  });
export type TCreateProductBody = z.infer<typeof ZCreateProductBody>;

/**
 * Price changes apply to new orders only (orders keep the prices they were placed at). Switching a member price from
 * spending to giving points sends both fields, the old one 0 or null. The server judges the product as it would be.
 */
export const ZUpdateProductBody = z
  .strictObject({
    name: ZName.optional(),
    /** Moves the SKU to this category (found or created by name). */
    category: z.string().trim().min(1).max(32).optional(),
    priceFen: ZFen.min(1).optional(),
    /** null removes the member price (and its points, spent or given). */
    memberPriceFen: ZFen.nullable().optional(),
    memberPoints: ZPoints.nullable().optional(),
    memberPointsGiven: ZPoints.nullable().optional(),
    status: z.enum(['active', 'inactive']).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'nothing to change')
  .superRefine((v, ctx) => {
    if ((v.memberPoints ?? 0) > 0 && (v.memberPointsGiven ?? 0) > 0)
      ctx.addIssue({ code: 'custom', path: ['memberPointsGiven'], message: MEMBER_PRICE_RULE.spentAndGiven });
  });
export type TUpdateProductBody = z.infer<typeof ZUpdateProductBody>;
export interface ProductView {
  sku: string;
  name: string;
  categoryId: number;
  category: string;
  priceFen: number;
  memberPriceFen?: number;
  /** Points the member price spends (absent or 0: none). */
  memberPoints?: number;
  /** Points the member price gives (会员价送积分; absent: none). */
  memberPointsGiven?: number;
}

/** The console's product row (GET /api/admin/products): every status, with ids and times. */
export interface ConsoleProductView extends ProductView {
  id: number;
  status: 'active' | 'inactive';
  createdAt: string;
  updatedAt: string;
}

/**
 * GET /api/admin/products with paging (`current`/`pageSize`): every SKU, filtered; `q` matches SKU or name
 * (contains), `memberPrice` the kind of member price. Without paging parameters the answer is every active SKU
 * (up to 5,000), the contract before paging (the coupon form's pickers).
 */
export const ZProductListQuery = pagedQuery({
  q: z.string().trim().max(64).optional(),
  categoryId: ZQueryId.optional(),
  status: z.enum(['active', 'inactive']).optional(),
  memberPrice: z.enum(['none', 'cash', 'spend', 'give']).optional(),
  sort: z.enum(['sku', 'priceFen', 'updatedAt']).optional(),
  order: ZSortOrder.optional(),
});
export type TProductListQuery = z.infer<typeof ZProductListQuery>;
export interface CategoryView {
  id: number;
  name: string;
}
