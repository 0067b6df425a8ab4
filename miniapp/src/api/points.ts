import type { Page, PointsLedgerItem } from '@o2o/shared';
import { request } from './request';

/** `GET /api/app/points/ledger?cursor=`: newest first, one page at a time. */
export function getLedger(cursor?: string): Promise<Page<PointsLedgerItem>> {
  return request<Page<PointsLedgerItem>>('/api/app/points/ledger', { query: { cursor } });
}
