import { z } from '../zod';
import { ZId, ZIsoDateTime, ZName } from './common';
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
export const ZCreateProductBody = z
  .strictObject({
    sku: z.string().trim().regex(/^[A-Za-z0-9_-]{1,32}$/),
    name: ZName,
    category: z.string().trim().min(1).max(32),
    priceFen: ZFen.min(1),
    memberPriceFen: ZFen.optional(),
    memberPoints: z.number().int().min(0).max(1_000_000).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.memberPoints !== undefined && v.memberPriceFen === undefined)
      ctx.addIssue({ code: 'custom', path: ['memberPriceFen'], message: 'member points need a member cash price' });
    if (v.memberPriceFen !== undefined && v.memberPriceFen > v.priceFen)
      ctx.addIssue({ code: 'custom', path: ['memberPriceFen'], message: 'member price cannot exceed the sale price' });
  });
export type TCreateProductBody = z.infer<typeof ZCreateProductBody>;

/** Price changes apply to new orders only (orders keep the prices they were placed at). */
export const ZUpdateProductBody = z
  .strictObject({
    name: ZName.optional(),
    priceFen: ZFen.min(1).optional(),
    /** null removes the member price. */
    memberPriceFen: ZFen.nullable().optional(),
    memberPoints: z.number().int().min(0).max(1_000_000).nullable().optional(),
    status: z.enum(['active', 'inactive']).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
export type TUpdateProductBody = z.infer<typeof ZUpdateProductBody>;
export interface ProductView {
  sku: string;
  name: string;
  categoryId: number;
  category: string;
  priceFen: number;
  memberPriceFen?: number;
  memberPoints?: number;
}
