import { z } from '../zod';
import { ZCursor, ZLimit } from './common';
import type { PointsReason } from '../enums';

export const ZPointsLedgerQuery = z.strictObject({ cursor: ZCursor.optional(), limit: ZLimit });
export type TPointsLedgerQuery = z.infer<typeof ZPointsLedgerQuery>;

export interface PointsLedgerItem {
  id: number;
  delta: number;
  reason: PointsReason;
  balanceAfter: number;
  createdAt: string;
}
