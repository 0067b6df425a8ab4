import { z } from '../zod';
import { ZCursor, ZIsoDateTime, ZQueryId } from './common';
import type { AlertKind, AlertStatus, JobKind, JobStatus } from '../enums';

/**
 * Console list conventions (every ProTable list):
 * - offset paging: `current` (1-based page) and `pageSize` (≤ 100) in the query; the answer is `{items, total}`.
 *   Long lists whose exact total would cost a scan answer `total` capped at `COUNT_CAP` with `totalCapped: true`.
 * - filters are plain query fields; sorting `sort=<field>` and `order=ascend|descend` (ProTable's words).
 */
export const COUNT_CAP = 10_000;
const intText = (min: number, max: number) => z.string().regex(/^\d{1,6}$/).transform(Number).pipe(z.number().int().min(min).max(max));
export const ZPageQuery = z.strictObject({
  current: intText(1, 100_000).optional().transform((v) => v ?? 1),
  pageSize: intText(1, 100).optional().transform((v) => v ?? 20),
});
export const ZSortOrder = z.enum(['ascend', 'descend']);
/** Merges the paging fields into an area's strict filter schema. */
export function pagedQuery<S extends z.ZodRawShape>(filters: S) {
  return z.strictObject({ ...ZPageQuery.shape, ...filters });
}
export interface PagedList<T> {
  items: T[];
  total: number;
  /** true when `total` stopped counting at COUNT_CAP. */
  totalCapped?: boolean;
}

/** A date range filter in the query (`from`/`to`, ISO with offset; the console sends Asia/Shanghai midnights). */
export const ZQueryDateTime = ZIsoDateTime;

// ---- audit log ----
export interface AuditEntryView {
  id: number;
  actorStaffId: number | null;
  actorName: string;
  action: string;
  targetType: string;
  targetId: string | null;
  storeId: number | null;
  /** The store's name now (null without a store, or for a store since deleted). */
  storeName: string | null;
  summary: string;
  details: unknown;
  createdAt: string;
}
export const ZAuditListQuery = pagedQuery({
  action: z.string().max(48).optional(),
  targetType: z.string().max(32).optional(),
  targetId: z.string().max(64).optional(),
  actorStaffId: ZQueryId.optional(),
  storeId: ZQueryId.optional(),
  q: z.string().max(64).optional(),
  from: ZQueryDateTime.optional(),
  to: ZQueryDateTime.optional(),
});
export type TAuditListQuery = z.infer<typeof ZAuditListQuery>;

// ---- alerts ----
export interface AlertView {
  id: number;
  kind: AlertKind;
  refType: string;
  refId: string;
  storeId: number | null;
  summary: string;
  details: unknown;
  status: AlertStatus;
  resolvedBy: number | null;
  resolvedAt: string | null;
  resolution: string | null;
  createdAt: string;
}
export const ZAlertListQuery = pagedQuery({
  status: z.enum(['open', 'resolved']).optional(),
  kind: z.enum(['payment_quarantined', 'refund_failed', 'refund_stuck', 'points_unrecovered', 'outbox_dead']).optional(),
});
export type TAlertListQuery = z.infer<typeof ZAlertListQuery>;
export const ZResolveAlertBody = z.strictObject({ resolution: z.string().trim().min(1).max(500) });
export type TResolveAlertBody = z.infer<typeof ZResolveAlertBody>;

// ---- long jobs ----
export interface JobView {
  id: number;
  kind: JobKind;
  status: JobStatus;
  progressDone: number;
  progressTotal: number;
  fileName: string | null;
  fileBytes: number | null;
  /** Relative URL of the result file once done (staff token required). */
  downloadUrl: string | null;
  result: unknown;
  createdAt: string;
  finishedAt: string | null;
}

// ---- CSV imports (stores, staff) ----
// A dry run validates every row and reports what would happen. Apply writes every valid row in ONE transaction
// (all of them or, on any failure, none) and skips the rows with errors, reporting them; a file whose header is
// wrong (missing or unknown columns) is refused whole with 400 IMPORT_HEADER_INVALID. Idempotent by natural key
// (store code, staff username / phone-less name+store): importing the same file twice creates nothing new.
export interface ImportRowError {
  /** 1-based line number in the file, the header being line 1. */
  line: number;
  column?: string;
  code: string;
  message: string;
}
export interface ImportReport {
  dryRun: boolean;
  total: number;
  /** Rows that would be (dry run) or were created / updated; rows with errors are never applied. */
  created: number;
  updated: number;
  unchanged: number;
  errors: ImportRowError[];
  applied: boolean;
}
export const ZImportQuery = z.strictObject({ dryRun: z.enum(['0', '1']).optional().transform((v) => v === '1') });
export const ZCursorQuery = z.strictObject({ cursor: ZCursor.optional() });
