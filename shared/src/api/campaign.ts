import { z } from '../zod';
import { ZSegmentRule, type SegmentRule } from '../segment/rule';
import { ZCursor, ZId, ZIsoDateTime, ZLimit } from './common';

/**
 * Campaigns (活动: segment × coupon template × message × schedule × holdout × frequency cap), the consumer inbox,
 * subscribe-message quota, marketing consent, clerk offers and reports.
 */

export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'snapshotting', 'sending', 'paused', 'completed', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export type CampaignKind = 'campaign' | 'clerk_offer';
/** Why a recipient got nothing: stock ran out, consent withdrawn after the snapshot, the frequency cap, … */
export const SKIP_REASONS = ['out_of_stock', 'no_consent', 'frequency_cap', 'limit_reached', 'template_not_active', 'not_owned'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];
export type DeliveryStatus = 'delivered' | 'skipped' | 'failed';
/** Subscribe message of one delivery: none wanted/no quota, pending → sending → sent | refused (43101) | failed. */
export type SubscribeStatus = 'none' | 'no_quota' | 'pending' | 'sending' | 'sent' | 'refused' | 'failed';

/** WeChat keyword data `{thing1: {value}}` of a subscribe-message template (values ≤ 20 chars for `thing`). */
const ZSubscribeData = z.record(z.string().regex(/^[a-z_]+\d{1,2}$/), z.strictObject({ value: z.string().min(1).max(32) })).refine((d) => Object.keys(d).length >= 1 && Object.keys(d).length <= 10, 'data needs 1–10 keywords');
const ZSubscribeTemplateId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const ZCampaignMessage = z.strictObject({
  /** Inbox title and body (the coupon is attached to the message). */
  title: z.string().trim().min(1).max(40),
  body: z.string().trim().min(1).max(500),
  /** Optional one-time subscribe message: sent only to customers with quota for this template. */
  subscribe: z
    .strictObject({ templateId: ZSubscribeTemplateId, data: ZSubscribeData, page: z.string().max(128).optional() })
    .optional(),
});
export type TCampaignMessage = z.infer<typeof ZCampaignMessage>;

export const ZCreateCampaignBody = z
  .strictObject({
    name: z.string().trim().min(1).max(64),
    /** Target: a saved segment or an inline rule (stored on the campaign either way). */
    segmentId: ZId.optional(),
    rule: ZSegmentRule.optional(),
    templateId: ZId,
    message: ZCampaignMessage,
    /** Absent = when the send is requested. */
    sendAt: ZIsoDateTime.optional(),
    holdoutPercent: z.number().int().min(0).max(50).default(0),
    /** At most `count` campaign messages per customer in `days` days (this one included); absent = no cap. */
    frequencyCap: z.strictObject({ count: z.number().int().min(1).max(100), days: z.number().int().min(1).max(365) }).optional(),
    /** Report window in days after the send (sales of recipients vs holdout). */
    reportWindowDays: z.number().int().min(1).max(90).default(14),
  })
  .refine((v) => (v.segmentId === undefined) !== (v.rule === undefined), { message: 'exactly one of segmentId and rule', path: ['segmentId'] });
export type TCreateCampaignBody = z.infer<typeof ZCreateCampaignBody>;

export const ZCampaignListQuery = z.strictObject({
  status: z.enum(CAMPAIGN_STATUSES).optional(),
  cursor: ZCursor.optional(),
  limit: ZLimit,
});
export type TCampaignListQuery = z.infer<typeof ZCampaignListQuery>;

export interface CampaignProgress {
  /** Recipients snapshotted (consenting audience, holdout included). */
  audience: number;
  heldOut: number;
  /** Matched the rule but had withdrawn consent at snapshot time. */
  excludedNoConsent: number;
  /** Recipients with a delivery row (delivered + skipped + failed). */
  processed: number;
  delivered: number;
  skipped: Partial<Record<SkipReason, number>>;
  failed: number;
  batches: { total: number; done: number };
  subscribe: Partial<Record<SubscribeStatus, number>>;
}

export interface CampaignView {
  id: number;
  kind: CampaignKind;
  name: string;
  status: CampaignStatus;
  segmentId: number | null;
  rule: SegmentRule | null;
  templateId: number;
  message: TCampaignMessage;
  sendAt: string | null;
  holdoutPercent: number;
  frequencyCap: { count: number; days: number } | null;
  reportWindowDays: number;
  clerkId: number | null;
  startedAt: string | null;
  completedAt: string | null;
  createdAt: string;
  progress?: CampaignProgress;
}

/** Sales of one group in the report window: paid orders (net of refunds) per customer. */
export interface GroupSales {
  customers: number;
  salesFen: number;
  meanFen: number;
  /** Sample standard deviation of sales per customer. */
  sdFen: number;
}

export interface CampaignReport {
  campaignId: number;
  kind: CampaignKind;
  window: { from: string | null; to: string | null };
  audience: number;
  heldOut: number;
  delivered: number;
  couponsIssued: number;
  redeemed: number;
  /** redeemed / couponsIssued (0 when none were issued). */
  redemptionRate: number;
  recipients: GroupSales;
  holdout: GroupSales;
  /**
   * Mean sales per customer, recipients minus holdout, with a 95 % confidence interval (Welch / normal
   * approximation: diff ± 1.96·√(s₁²/n₁ + s₂²/n₂)); null when a group has fewer than 2 customers.
   */
  uplift: { meanDiffFen: number; ci95Fen: [number, number]; relative: number | null } | null;
}

// --- consumer ------------------------------------------------------------------------------------------------

export interface InboxMessageView {
  id: number;
  title: string;
  body: string;
  couponId: number | null;
  read: boolean;
  at: string;
}
export interface InboxPage {
  items: InboxMessageView[];
  nextCursor: string | null;
  unreadCount: number;
}
export const ZInboxQuery = z.strictObject({ cursor: ZCursor.optional(), limit: ZLimit });
export type TInboxQuery = z.infer<typeof ZInboxQuery>;

/**
 * The result of `wx.requestSubscribeMessage`: the templates asked about and those the user accepted. Each
 * accepted template allows one more send (one-time subscriptions accumulate).
 */
export const ZRecordSubscriptionsBody = z
  .strictObject({
    templateIds: z.array(ZSubscribeTemplateId).min(1).max(5),
    accepted: z.array(ZSubscribeTemplateId).max(5),
  })
  .refine((v) => v.accepted.every((t) => v.templateIds.includes(t)), { message: 'accepted must be among templateIds', path: ['accepted'] });
export type TRecordSubscriptionsBody = z.infer<typeof ZRecordSubscriptionsBody>;

export const ZConsentBody = z.strictObject({ marketingConsent: z.boolean() });

// --- clerk offers ----------------------------------------------------------------------------------------------

/** Filters over the clerk's own customers (also the filters of GET /api/clerk/customers). */
export const ZOfferFilter = z
  .strictObject({
    tagId: ZId.optional(),
    lifecycleTagId: ZId.optional(),
    /** No purchase (or, never bought, no joining) for at least this many days. */
    dormantDays: z.number().int().min(1).max(3650).optional(),
    isMember: z.boolean().optional(),
  });

export const CLERK_OFFER_MAX_RECIPIENTS = 2000;

export const ZCreateClerkOfferBody = z
  .strictObject({
    customerIds: z.array(ZId).min(1).max(200).optional(),
    filter: ZOfferFilter.optional(),
    templateId: ZId,
    title: z.string().trim().min(1).max(40),
    body: z.string().trim().min(1).max(500),
  })
  .refine((v) => (v.customerIds === undefined) !== (v.filter === undefined), { message: 'exactly one of customerIds and filter', path: ['customerIds'] });
export type TCreateClerkOfferBody = z.infer<typeof ZCreateClerkOfferBody>;

export interface ClerkOfferResult {
  offer: CampaignView;
  /** Customers the offer goes to (before delivery-time checks). */
  recipients: number;
  /** Own customers left out at request time, by reason (cap reached, no consent). */
  excluded: Partial<Record<'frequency_cap' | 'no_consent', number>>;
}

export interface ClerkOfferStats {
  id: number;
  name: string;
  templateId: number;
  status: CampaignStatus;
  createdAt: string;
  sent: number;
  redeemed: number;
  salesFen: number;
}

export const ZOfferListQuery = z.strictObject({ cursor: ZCursor.optional(), limit: ZLimit });
