import type { EntityManager } from 'typeorm';
import type { CampaignReport, GroupSales } from '@o2o/shared';
import type { Ctx } from '../../context';
import { AppError } from '../../lib/app-error';
import { sqlTime } from '../../db/raw-sql';
import { Campaign } from './campaign.entity';

const DAY_MS = 86_400_000;
const Z95 = 1.959964;
const round2 = (x: number) => Math.round(x * 100) / 100;
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/**
 * A campaign's (or clerk offer's) report. Counts come from the delivery rows and the coupons they carry. Sales:
 * paid orders (payable − refunded, so a full refund counts 0) with paidAt in [startedAt, startedAt + window), per
 * recipient, zeros included. Recipients = every non-held-out customer of the snapshot (intent to treat: skipped
 * ones included, so out-of-stock does not flatter the figure); holdout = the held-out ones. Uplift = difference of
 * mean sales per customer with a 95 % confidence interval by Welch's normal approximation,
 * diff ± 1.96·√(s₁²/n₁ + s₂²/n₂) — fine at campaign sizes (hundreds or more per group); null below 2 per group.
 */
export async function campaignReport(ctx: Ctx, campaignId: number, kind: Campaign['kind'] = 'campaign', clerkId?: number): Promise<CampaignReport> {
  return ctx.db.read(async (em) => {
    const c = await em.getRepository(Campaign).findOneBy({ id: campaignId, kind });
    // A clerk sees only their own offers (another's → 404, no existence oracle).
    if (!c || (clerkId !== undefined && c.clerkId !== clerkId)) throw new AppError('NOT_FOUND');
    return reportOf(em, c);
  });
}

export async function reportOf(em: EntityManager, c: Campaign): Promise<CampaignReport> {
  const [counts] = (await em.query(
    `SELECT COUNT(*) AS delivered, SUM(CASE WHEN cp.status = 'redeemed' THEN 1 ELSE 0 END) AS redeemed
     FROM campaign_delivery d JOIN coupon cp ON cp.id = d.coupon_id
     WHERE d.campaign_id = ? AND d.status = 'delivered'`,
    [c.id],
  )) as { delivered: number | string; redeemed: number | string | null }[];
  const delivered = Number(counts?.delivered ?? 0);
  const redeemed = Number(counts?.redeemed ?? 0);
  const from = c.startedAt;
  const to = from ? new Date(from.getTime() + c.reportWindowDays * DAY_MS) : null;
  const groups = from && to ? await salesByGroup(em, c.id, from, to) : new Map<boolean, GroupSales>();
  const empty: GroupSales = { customers: 0, salesFen: 0, meanFen: 0, sdFen: 0 };
  const recipients = groups.get(false) ?? empty;
  const holdout = groups.get(true) ?? empty;
  return {
    campaignId: c.id,
    kind: c.kind,
    window: { from: from?.toISOString() ?? null, to: to?.toISOString() ?? null },
    audience: c.audienceCount,
    heldOut: c.heldOutCount,
    delivered,
    // Every delivered row carries the coupon it issued (skipped rows carry none).
    couponsIssued: delivered,
    redeemed,
    redemptionRate: delivered ? round4(redeemed / delivered) : 0,
    recipients,
    holdout,
    uplift: uplift(recipients, holdout),
  };
}

async function salesByGroup(em: EntityManager, campaignId: number, from: Date, to: Date): Promise<Map<boolean, GroupSales>> {
  // `* 1.0` keeps the sum of squares out of integer overflow (DECIMAL in MySQL, REAL in SQLite). Orders are read
  // for the campaign's recipients only (by customer index), not every paid order in the window.
  const rows: { h: number | boolean; n: number | string; total: number | string | null; sq: number | string | null }[] = await em.query(
    `SELECT r.held_out AS h, COUNT(*) AS n, SUM(COALESCE(s.sales, 0)) AS total, SUM(COALESCE(s.sales, 0) * 1.0 * COALESCE(s.sales, 0)) AS sq
     FROM campaign_recipient r
     LEFT JOIN (SELECT o.customer_id, SUM(o.payable_fen - o.refunded_fen) AS sales FROM orders o
                WHERE o.customer_id IN (SELECT customer_id FROM campaign_recipient WHERE campaign_id = ?)
                  AND o.status IN ('paid', 'partially_refunded', 'refunded') AND o.paid_at >= ? AND o.paid_at < ?
                GROUP BY o.customer_id) s ON s.customer_id = r.customer_id
     WHERE r.campaign_id = ?
     GROUP BY r.held_out`,
    [campaignId, sqlTime(from), sqlTime(to), campaignId],
  );
  const out = new Map<boolean, GroupSales>();
  for (const r of rows) {
    const n = Number(r.n);
    const total = Number(r.total ?? 0);
    const mean = n ? total / n : 0;
    const variance = n > 1 ? Math.max(0, (Number(r.sq ?? 0) - n * mean * mean) / (n - 1)) : 0;
    out.set(Number(r.h) === 1, { customers: n, salesFen: total, meanFen: round2(mean), sdFen: round2(Math.sqrt(variance)) });
  }
  return out;
}

export function uplift(t: GroupSales, h: GroupSales): CampaignReport['uplift'] {
  if (t.customers < 2 || h.customers < 2) return null;
  const diff = t.salesFen / t.customers - h.salesFen / h.customers;
  const se = Math.sqrt((t.sdFen * t.sdFen) / t.customers + (h.sdFen * h.sdFen) / h.customers);
  const holdMean = h.salesFen / h.customers;
  return { meanDiffFen: round2(diff), ci95Fen: [round2(diff - Z95 * se), round2(diff + Z95 * se)], relative: holdMean > 0 ? round4(diff / holdMean) : null };
}
