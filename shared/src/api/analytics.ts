import { z } from '../zod';

/** `GET /api/clerk/performance?days=7|30`: the window ends today (Asia/Shanghai) and counts whole Shanghai days. */
export const ZPerformanceQuery = z.strictObject({
  days: z
    .enum(['1', '7', '30'])
    .optional()
    .transform((v) => Number(v ?? '7') as 1 | 7 | 30),
});
export type TPerformanceQuery = z.infer<typeof ZPerformanceQuery>;

/** One Shanghai calendar day of figures (all counts; money in fen). */
export interface PerformanceDay {
  /** yyyy-mm-dd in Asia/Shanghai. */
  date: string;
  /** Customers whose first scan (becoming a fan) was that day. */
  newFans: number;
  /** Customers who bound a phone (became members) that day. */
  newMembers: number;
  /** Paid orders credited to the clerk (the store's clerks, for a manager), by payment day. */
  paidOrders: number;
  /** Their payable amount minus what has been refunded. */
  salesFen: number;
  /** In-store coupon redemptions (核销) not reversed. */
  redemptions: number;
}

export interface PerformanceView {
  /** `clerk`: the caller's own customers and sales; `store`: the manager's whole store. */
  scope: 'clerk' | 'store';
  days: number;
  /** Oldest first, one entry per day, days without activity included (zeros). */
  byDay: PerformanceDay[];
  totals: Omit<PerformanceDay, 'date'> & {
    /** Of the window's new fans, how many are members now. */
    convertedFans: number;
    /** convertedFans / newFans in basis points (10000 = 100 %); 0 when there were no new fans. */
    conversionBp: number;
  };
}
