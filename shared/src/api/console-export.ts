import { z } from '../zod';
import { ZConsoleCustomerListQuery } from './console-customers';
import { ZConsoleOrderListQuery } from './console-orders';

/**
 * CSV export of a long console list (顾客, 订单) as a `csv_export` job: POST /api/admin/<list>/export with the list's
 * current filters → 202 {job}; poll GET /jobs/:id, download GET /jobs/:id/file.
 *
 * `filters` are the list's own query fields, validated by the list's own schema minus paging (query-shaped: ids and
 * flags as text, as the list's URL carries them), so an export can never filter what the list cannot. The file is
 * in id order (newest first) whatever `sort` says; a store manager's export is their store's whatever `storeId` says.
 */
export const EXPORT_ROW_CAP = 1_000_000;
export const EXPORT_LISTS = ['customers', 'orders'] as const;
export type ExportList = (typeof EXPORT_LISTS)[number];

export const ZCustomerExportFilters = ZConsoleCustomerListQuery.omit({ current: true, pageSize: true });
export type TCustomerExportFilters = z.infer<typeof ZCustomerExportFilters>;
export const ZOrderExportFilters = ZConsoleOrderListQuery.omit({ current: true, pageSize: true, cursor: true, limit: true });
export type TOrderExportFilters = z.infer<typeof ZOrderExportFilters>;

export const ZCustomerExportBody = z.strictObject({ filters: ZCustomerExportFilters.optional().transform((f) => f ?? {}) });
export type TCustomerExportBody = z.infer<typeof ZCustomerExportBody>;
export const ZOrderExportBody = z.strictObject({ filters: ZOrderExportFilters.optional().transform((f) => f ?? {}) });
export type TOrderExportBody = z.infer<typeof ZOrderExportBody>;

/** The finished job's summary (`JobView.result`). */
export interface CsvExportResult {
  list: ExportList;
  rows: number;
  /** true when the export stopped at EXPORT_ROW_CAP rows (narrow the filters for the rest). */
  capped: boolean;
}
