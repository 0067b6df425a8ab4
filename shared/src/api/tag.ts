import { z } from '../zod';
import { ZId, ZIsoDateTime } from './common';
import type { TagGroup, TagSource } from '../enums';
import { ZSegmentRule } from '../segment/rule';

/**
 * Tags of every kind (admin console): counts, a customer's tags, manual tagging in bulk, the rule-tag settings
 * in force and recomputes. Lifecycle and RFM tags are computed by rules: they cannot be put on or taken off by hand.
 */

/** Groups whose tags only the rule recompute writes. */
export const RULE_TAG_GROUPS: readonly TagGroup[] = ['lifecycle', 'rfm'];

/** Lifecycle tag names (group `lifecycle`): exactly one per customer once recomputed. */
export const LIFECYCLE_STAGES = ['new', 'active', 'dormant', 'lost'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** Most customer ids one bulk request may list (a 64 KB body); larger audiences go by segment rule. */
export const BULK_TAG_MAX_IDS = 5000;

const ZTagIds = z
  .array(ZId)
  .min(1)
  .max(20)
  .refine((ids) => new Set(ids).size === ids.length, { message: 'tag ids must be distinct' });

/**
 * POST /api/admin/tags/bulk: put tags on (`add`, source manual, optionally expiring) or take them off (`remove`,
 * whatever their source) for a list of customer ids or for everyone a segment rule matches now.
 */
export const ZBulkTagBody = z
  .strictObject({
    action: z.enum(['add', 'remove']),
    tagIds: ZTagIds,
    customerIds: z.array(ZId).min(1).max(BULK_TAG_MAX_IDS).optional(),
    rule: ZSegmentRule.optional(),
    /** Only with `add`: the tag lapses at this instant (the expiry job takes it off). */
    expiresAt: ZIsoDateTime.optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.customerIds === undefined) === (v.rule === undefined))
      ctx.addIssue({ code: 'custom', path: ['customerIds'], message: 'give exactly one of customerIds or rule' });
    if (v.expiresAt !== undefined && v.action !== 'add') ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'only with action add' });
  });
export type TBulkTagBody = z.infer<typeof ZBulkTagBody>;

export interface BulkTagResult {
  action: 'add' | 'remove';
  /** Customers found (listed ids that exist, or the rule's audience). */
  customers: number;
  /** (customer, tag) rows inserted or deleted by this request: a repeat reports 0. */
  changed: number;
  /** Listed ids with no customer (nothing was done for them). */
  unknownCustomerIds: number[];
}

export interface TagSummaryView {
  id: number;
  name: string;
  group: TagGroup;
  /** Customers holding the tag (a lapsed row counts until the expiry job, every minute, removes it). */
  customerCount: number;
  /** Written only by the rule recompute (lifecycle, RFM). */
  ruleManaged: boolean;
}

/** One tag on one customer, with where it came from and when it lapses. */
export interface CustomerTagDetail {
  tagId: number;
  name: string;
  group: TagGroup;
  source: TagSource;
  sourceRef: string | null;
  taggedAt: string;
  expiresAt: string | null;
}

/** The thresholds in force (read-only; set by environment variables, see README). */
export interface RuleTagSettings {
  timezone: 'Asia/Shanghai';
  lifecycle: { newDays: number; dormantDays: number; lostDays: number; definition: string };
  rfm: {
    /** R5 when days since last purchase < recencyDays[0], R4 < [1], R3 < [2], R2 < [3], else R1. */
    recencyDays: number[];
    /** F2 from frequencyOrders[0] lifetime orders, F3 from [1], F4 from [2], F5 from [3]; below: F1. */
    frequencyOrders: number[];
    /** M2 from monetaryFen[0] lifetime net spend, … M5 from [3]; below: M1. */
    monetaryFen: number[];
  };
  preference: { windowDays: number; top: number };
  recomputeIntervalMs: number;
}

export const RECOMPUTE_KINDS = ['lifecycle', 'rfm', 'preference'] as const;
export type RecomputeKind = (typeof RECOMPUTE_KINDS)[number];

/** POST /api/admin/tags/recompute: start a full recompute of these kinds in the background. */
export const ZRecomputeBody = z.strictObject({
  kinds: z
    .array(z.enum(RECOMPUTE_KINDS))
    .min(1)
    .max(RECOMPUTE_KINDS.length)
    .refine((k) => new Set(k).size === k.length, { message: 'kinds must be distinct' }),
});
export type TRecomputeBody = z.infer<typeof ZRecomputeBody>;

export interface RecomputeResult {
  customers: number;
  added: number;
  removed: number;
}

export interface RecomputeStatus {
  running: boolean;
  kinds: RecomputeKind[] | null;
  startedAt: string | null;
  finishedAt: string | null;
  last: RecomputeResult | null;
  error: string | null;
}
