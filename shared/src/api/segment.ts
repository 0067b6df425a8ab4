import { z } from '../zod';
import { ZName } from './common';
import { ZSegmentRule, type SegmentRule } from '../segment/rule';

/** POST /api/admin/segments/preview */
export const ZSegmentPreviewBody = z.strictObject({ rule: ZSegmentRule });
/** `engine=sql` forces the reference engine (to compare); default (`auto`): the bitmap index when it is ready. */
export const ZSegmentPreviewQuery = z.strictObject({ engine: z.enum(['auto', 'sql']).optional() });
export type SegmentEngine = 'bitmap' | 'sql';

export interface SegmentFreshness {
  /** Whether the in-memory index is built and valid for today (Shanghai). */
  ready: boolean;
  /** Last full build finished at (ISO), null before the first. */
  builtAt: string | null;
  buildMs: number | null;
  /** Id of the last outbox event applied to the index and when. */
  lastEventId: number | null;
  lastEventAt: string | null;
  /** Milliseconds between the newest event applied and now (0 when none pending is known). */
  lagMs: number | null;
}

export interface SegmentSampleCustomer {
  id: number;
  /** Masked (138****5678) or null for fans. */
  phone: string | null;
  isMember: boolean;
  level: number;
  pointsBalance: number;
  storeId: number | null;
  lastPurchaseAt: string | null;
}

export interface SegmentPreviewResponse {
  count: number;
  sample: SegmentSampleCustomer[];
  engine: SegmentEngine;
  /** Bitmap engine: the index state the count came from; SQL: null (read live). */
  freshness: SegmentFreshness | null;
  tookMs: number;
}

export const ZCreateSegmentBody = z.strictObject({
  name: ZName,
  description: z.string().trim().max(500).optional(),
  rule: ZSegmentRule,
});
export const ZUpdateSegmentBody = z
  .strictObject({ name: ZName.optional(), description: z.string().trim().max(500).nullable().optional(), rule: ZSegmentRule.optional() })
  .refine((v) => v.name !== undefined || v.description !== undefined || v.rule !== undefined, { message: 'nothing to change' });
export type TCreateSegmentBody = z.infer<typeof ZCreateSegmentBody>;
export type TUpdateSegmentBody = z.infer<typeof ZUpdateSegmentBody>;

export interface SegmentView {
  id: number;
  name: string;
  description: string | null;
  rule: SegmentRule;
  createdBy: number | null;
  createdAt: string;
  updatedAt: string;
}

export type SegmentExportStatus = 'queued' | 'running' | 'done' | 'failed';
export interface SegmentExportView {
  id: number;
  segmentId: number;
  status: SegmentExportStatus;
  /** Audience size at the snapshot (known once running). */
  total: number | null;
  processed: number;
  /** 0–100. */
  progress: number;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
  /** Set when done: GET it with the same staff token. */
  downloadPath: string | null;
}
