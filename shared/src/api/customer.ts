import { z } from '../zod';
import { ZCursor, ZId, ZLimit, ZQueryId } from './common';
import type { TagGroup, TagSource } from '../enums';

export interface CustomerView {
  id: number;
  isMember: boolean;
  phoneMasked?: string;
  level: number;
  pointsBalance: number;
  memberSince?: string;
  clerk?: { id: number; name: string };
  /** Home store: the store of the first attributed scan, then the owning clerk's. */
  store?: { id: number; name: string };
  /**
   * The store the menu and pre-orders use: the last store or clerk code scanned or the store chosen in the app
   * (PUT /api/app/me/store), else the home store; an inactive store is skipped. null: no store known yet.
   */
  orderingStore: { id: number; name: string } | null;
}

export const ZBindMemberBody = z.strictObject({ phoneCode: z.string().trim().min(1).max(256) });
export type TBindMemberBody = z.infer<typeof ZBindMemberBody>;

export interface CustomerTagView {
  id: number;
  name: string;
  group: TagGroup;
  source: TagSource;
  at: string;
}

/** What staff see of a customer: masked phone only, never openid/unionid. */
export interface StaffCustomerView {
  id: number;
  isMember: boolean;
  phoneMasked: string | null;
  level: number;
  pointsBalance: number;
  storeId: number | null;
  clerkId: number | null;
  firstScanAt: string | null;
  lastVisitAt: string | null;
  memberSince: string | null;
  tags: CustomerTagView[];
}

const ZBoolString = z.enum(['true', 'false']).transform((v) => v === 'true');

export const ZCustomerListQuery = z.strictObject({
  storeId: ZQueryId.optional(),
  clerkId: ZQueryId.optional(),
  tagId: ZQueryId.optional(),
  isMember: ZBoolString.optional(),
  /** A lifecycle tag (new / active / dormant / lost), in force now. */
  lifecycleTagId: ZQueryId.optional(),
  /** No purchase — or, never bought, no joining — for at least this many days. */
  dormantDays: z.string().regex(/^\d{1,4}$/).transform(Number).pipe(z.number().int().min(1).max(3650)).optional(),
  cursor: ZCursor.optional(),
  limit: ZLimit,
});
export type TCustomerListQuery = z.infer<typeof ZCustomerListQuery>;

export const ZClerkCustomerListQuery = ZCustomerListQuery.omit({ storeId: true });
export type TClerkCustomerListQuery = z.infer<typeof ZClerkCustomerListQuery>;

export const ZHandoverBody = z.strictObject({
  toStaffId: ZId,
  reason: z.string().trim().min(1).max(200).optional(),
});
export type THandoverBody = z.infer<typeof ZHandoverBody>;
export interface HandoverResponse {
  fromStaffId: number;
  toStaffId: number;
  moved: number;
}
