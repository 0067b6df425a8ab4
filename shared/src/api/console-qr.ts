import { z } from '../zod';
import { ZId, ZIsoDateTime, ZQueryId } from './common';
import { pagedQuery, ZSortOrder } from './console';
import type { QrCodeView } from './admin';
import type { TagGroup } from '../enums';

// ── QR codes in the console (二维码): list with figures, schedules on sets of codes, timeline, posters ────────────

/** Columns the list can be sorted by (figures need `withStats=1`). */
export const QR_LIST_SORTS = ['id', 'scans', 'newFans', 'newMembers', 'orders', 'salesFen'] as const;
export type QrListSort = (typeof QR_LIST_SORTS)[number];

/**
 * GET /api/admin/qr-codes. Offset paging; a store manager's list is their store's whatever `storeId` says.
 * `q` matches the code, the store's name or code, or the clerk's name. `withStats=1` adds the figures.
 */
export const ZQrCodeListQuery = pagedQuery({
  storeId: ZQueryId.optional(),
  region: z.string().trim().min(1).max(64).optional(),
  ownerType: z.enum(['store', 'clerk']).optional(),
  staffId: ZQueryId.optional(),
  q: z.string().trim().min(1).max(64).optional(),
  withStats: z.enum(['0', '1']).optional().transform((v) => v === '1'),
  sort: z.enum(QR_LIST_SORTS).optional(),
  order: ZSortOrder.optional(),
});
export type TQrCodeListQuery = z.infer<typeof ZQrCodeListQuery>;

export interface QrTagBrief {
  id: number;
  name: string;
  group: TagGroup;
}

/**
 * Per-code figures, kept current from events (never counted per request): scans = recorded visits; newFans =
 * fans whose first scan was this code; newMembers = those of them who joined; orders / salesFen = their paid
 * orders; refundedFen = refunds of those orders. conversion = newMembers / newFans (null without fans).
 */
export interface QrCodeFigures {
  scans: number;
  newFans: number;
  newMembers: number;
  orders: number;
  salesFen: number;
  refundedFen: number;
  conversion: number | null;
}

/** A row of the console's list: the code (as before the console) plus names, the tags in force now and, with `withStats=1`, the figures. */
export interface QrCodeRow extends QrCodeView, Partial<QrCodeFigures> {
  storeName: string;
  storeCode: string;
  region: string | null;
  staffName: string | null;
  currentTags: QrTagBrief[];
  createdAt: string;
}

/** Which codes a schedule change applies to: picked rows, one store, a region's stores, or every store. */
export const ZQrCodeSetTarget = z.union([
  z.strictObject({ codeIds: z.array(ZId).min(1).max(20_000) }),
  z.strictObject({ storeId: ZId }),
  z.strictObject({ region: z.string().trim().min(1).max(64) }),
  z.strictObject({ all: z.literal(true) }),
]);
export type TQrCodeSetTarget = z.infer<typeof ZQrCodeSetTarget>;

const setWindow = {
  target: ZQrCodeSetTarget,
  /** Only store codes or only clerk codes of the set. */
  ownerType: z.enum(['store', 'clerk']).optional(),
  validFrom: ZIsoDateTime,
  validTo: ZIsoDateTime.optional(),
  /** The poster changed: each code's schedules still open at validFrom (tags: of the same group) end there. */
  replace: z.boolean().default(true),
};

/** POST /api/admin/qr-codes/schedules: the tag on every code of the set, in one transaction (validTo ≤ validFrom → TAG_SCHEDULE_INVALID). */
export const ZScheduleQrTagSetBody = z.strictObject({ ...setWindow, tagId: ZId });
export type TScheduleQrTagSetBody = z.infer<typeof ZScheduleQrTagSetBody>;
/** POST /api/admin/qr-codes/coupon-schedules: the coupon template on every code of the set, in one transaction. */
export const ZScheduleQrCouponSetBody = z.strictObject({ ...setWindow, templateId: ZId });
export type TScheduleQrCouponSetBody = z.infer<typeof ZScheduleQrCouponSetBody>;
/** `?dryRun=1`: count the codes the change would touch, change nothing (the console's confirmation). */
export const ZQrScheduleQuery = z.strictObject({ dryRun: z.enum(['0', '1']).optional().transform((v) => v === '1') });

export interface QrScheduleSetResult {
  dryRun: boolean;
  /** Codes that got (dry run: would get) the new schedule. */
  count: number;
  /** Earlier schedules closed at validFrom by `replace` (0 on a dry run). */
  closed: number;
}

export type ScheduleState = 'past' | 'current' | 'future';
/** One tag or coupon schedule of a code, with where it stands at `now`. */
export interface QrTimelineEntry {
  kind: 'tag' | 'coupon';
  id: number;
  /** The tag id or the coupon template id. */
  refId: number;
  name: string;
  /** The tag's group (tags only). */
  group: TagGroup | null;
  validFrom: string;
  validTo: string | null;
  state: ScheduleState;
  createdBy: number | null;
  createdAt: string;
}
/** GET /api/admin/qr-codes/:id/timeline: every schedule of the code, ordered by start (then id). */
export interface QrTimelineView {
  qrCode: QrCodeRow;
  now: string;
  items: QrTimelineEntry[];
}

/**
 * POST /api/admin/qr-codes/posters: a printable PDF (one A5 page per code) as a job. Exactly one scope: the
 * stores, a region, or all stores; a store manager may only ask for their own store.
 */
export const ZQrPostersBody = z
  .strictObject({
    storeIds: z.array(ZId).min(1).max(2_000).optional(),
    region: z.string().trim().min(1).max(64).optional(),
    all: z.boolean().optional(),
    includeClerks: z.boolean(),
  })
  .refine((v) => [v.storeIds !== undefined, v.region !== undefined, v.all === true].filter(Boolean).length === 1, {
    path: ['storeIds'],
    message: 'exactly one of storeIds, region, all',
  });
export type TQrPostersBody = z.infer<typeof ZQrPostersBody>;

/** The stores (id, name, region) a console form offers for the poster and schedule scopes. */
export interface QrStoreOption {
  id: number;
  name: string;
  code: string;
  region: string | null;
}
