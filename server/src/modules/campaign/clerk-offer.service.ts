import { In } from 'typeorm';
import { CLERK_OFFER_MAX_RECIPIENTS, type ClerkOfferResult, type ClerkOfferStats, type Page, type TCreateClerkOfferBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { decodeIdCursor, encodeIdCursor } from '../../lib/cursor';
import { chunks, inList, sqlTime } from '../../db/raw-sql';
import { CouponTemplate } from '../coupon/coupon-template.entity';
import { Customer } from '../customer/customer.entity';
import { applyCustomerFilters } from '../customer/customer-query.service';
import { Campaign, ClerkOfferTemplate } from './campaign.entity';
import { startSnapshot } from './campaign.service';
import { toCampaignView } from './campaign-view';
import { reportOf } from './report.service';
import { wakeCampaignRunner } from './runner-registry';

const DAY_MS = 86_400_000;

/** Flags a template as offerable by clerks (admin), or removes the flag. Idempotent. */
export async function setClerkOfferTemplate(ctx: Ctx, staffId: number, templateId: number, offerable: boolean): Promise<{ templateId: number; offerable: boolean }> {
  return ctx.db.transaction(async (tx) => {
    if (!(await tx.getRepository(CouponTemplate).existsBy({ id: templateId }))) throw new AppError('NOT_FOUND', 'Coupon template not found');
    if (offerable) await ctx.db.insertOnce(tx, ClerkOfferTemplate, { templateId, addedBy: staffId });
    else await tx.getRepository(ClerkOfferTemplate).delete({ templateId });
    return { templateId, offerable };
  });
}

/** Templates clerks may offer now (flagged and active). */
export async function listClerkOfferTemplates(ctx: Ctx): Promise<{ id: number; title: string; description: string }[]> {
  return ctx.db.read(async (em) => {
    const ids = (await em.getRepository(ClerkOfferTemplate).find()).map((r) => r.templateId);
    if (ids.length === 0) return [];
    const ts = await em.getRepository(CouponTemplate).find({ where: { id: In(ids), status: 'active' }, order: { id: 'ASC' } });
    return ts.map((t) => ({ id: t.id, title: t.title, description: t.description }));
  });
}

/**
 * A clerk's offer (专属优惠) to one customer or a filtered set of the clerk's OWN customers, sent through the campaign
 * pipeline (kind clerk_offer: snapshot of the listed customers still owned, consent and the cap re-checked at
 * delivery, one coupon per customer by `cmp<id>`). Refusals: a template not flagged for clerks → 403
 * CLERK_OFFER_TEMPLATE_NOT_ALLOWED; any listed customer not owned by the clerk → 404 (no existence oracle); a
 * filter matching more than CLERK_OFFER_MAX_RECIPIENTS → 400; every recipient at the cap (CLERK_OFFER_CAP_COUNT
 * offers per CLERK_OFFER_CAP_DAYS days, from any clerk) → 409 CLERK_OFFER_CAPPED naming the cap; otherwise capped
 * and opted-out customers are left out and counted. Idempotent by (clerk, Idempotency-Key) when a key is given.
 */
export async function createClerkOffer(ctx: Ctx, clerk: StaffActor, body: TCreateClerkOfferBody, requestKey: string | null): Promise<ClerkOfferResult> {
  const now = ctx.clock.now();
  const cap = ctx.config.campaign.clerkOfferCap;
  const result = await ctx.db.transaction(async (tx) => {
    if (requestKey) {
      const prior = await tx.getRepository(Campaign).findOneBy({ createdBy: clerk.staffId, requestKey });
      if (prior) return { id: prior.id, recipients: JSON.parse(prior.audience).customerIds.length as number, excluded: {} };
    }
    const allowed = await tx.getRepository(ClerkOfferTemplate).existsBy({ templateId: body.templateId });
    const t = allowed ? await tx.getRepository(CouponTemplate).findOneBy({ id: body.templateId }) : null;
    if (!t || t.status !== 'active') throw new AppError('CLERK_OFFER_TEMPLATE_NOT_ALLOWED');

    let candidates: number[];
    if (body.customerIds) {
      const ids = [...new Set(body.customerIds)];
      const owned = new Set(
        ((await tx.query(`SELECT customer_id FROM customer_clerk WHERE staff_id = ? AND customer_id IN ${inList(ids)}`, [clerk.staffId, ...ids])) as { customer_id: number }[]).map((r) =>
          Number(r.customer_id),
        ),
      );
      const foreign = ids.filter((id) => !owned.has(id));
      if (foreign.length) throw new AppError('NOT_FOUND', 'Not among your customers', { customerIds: foreign });
      candidates = ids;
    } else {
      const qb = tx
        .getRepository(Customer)
        .createQueryBuilder('c')
        .select('c.id')
        .where('EXISTS (SELECT 1 FROM customer_clerk own WHERE own.customer_id = c.id AND own.staff_id = :me)', { me: clerk.staffId })
        .orderBy('c.id', 'ASC')
        .limit(CLERK_OFFER_MAX_RECIPIENTS + 1);
      candidates = (await applyCustomerFilters(qb, body.filter!, now).getMany()).map((c) => c.id);
      if (candidates.length > CLERK_OFFER_MAX_RECIPIENTS)
        throw new AppError('VALIDATION_FAILED', `The filter matches more than ${CLERK_OFFER_MAX_RECIPIENTS} customers; narrow it`, { max: CLERK_OFFER_MAX_RECIPIENTS });
      if (candidates.length === 0) throw new AppError('NOT_FOUND', 'None of your customers matches the filter');
    }

    const consenting = new Set<number>();
    const capped = new Set<number>();
    for (const part of chunks(candidates, 1000)) {
      for (const r of (await tx.query(`SELECT id FROM customer WHERE marketing_consent = 1 AND id IN ${inList(part)}`, part)) as { id: number }[]) consenting.add(Number(r.id));
      const counts: { customer_id: number; n: number | string }[] = await tx.query(
        `SELECT customer_id, COUNT(*) AS n FROM campaign_delivery WHERE customer_id IN ${inList(part)} AND kind = 'clerk_offer' AND status = 'delivered' AND at > ? GROUP BY customer_id`,
        [...part, sqlTime(new Date(now.getTime() - cap.days * DAY_MS))],
      );
      for (const r of counts) if (Number(r.n) >= cap.count) capped.add(Number(r.customer_id));
    }
    const recipients = candidates.filter((id) => consenting.has(id) && !capped.has(id));
    if (recipients.length === 0) {
      if (capped.size > 0)
        throw new AppError('CLERK_OFFER_CAPPED', `At most ${cap.count} clerk offer(s) per customer in ${cap.days} day(s); try again later`, {
          capCount: cap.count,
          capDays: cap.days,
          customerIds: [...capped],
        });
      throw new AppError('CONFLICT', 'The customer(s) opted out of marketing messages', { customerIds: candidates });
    }

    const id = await ctx.db.insertReturningId(tx, Campaign, {
      kind: 'clerk_offer',
      name: `${clerk.name}: ${body.title}`.slice(0, 64),
      status: 'draft',
      segmentId: null,
      audience: JSON.stringify({ customerIds: recipients }),
      templateId: body.templateId,
      message: JSON.stringify({ title: body.title, body: body.body }),
      sendAt: null,
      holdoutPercent: 0,
      capCount: cap.count,
      capDays: cap.days,
      reportWindowDays: 14,
      clerkId: clerk.staffId,
      createdBy: clerk.staffId,
      requestKey,
    });
    await startSnapshot(tx, id, 'draft', now);
    const excluded: ClerkOfferResult['excluded'] = {};
    if (capped.size) excluded.frequency_cap = capped.size;
    const optedOut = candidates.filter((cid) => !consenting.has(cid)).length;
    if (optedOut) excluded.no_consent = optedOut;
    return { id, recipients: recipients.length, excluded };
  });
  wakeCampaignRunner(ctx.db);
  const offer = await ctx.db.read((em) => em.getRepository(Campaign).findOneByOrFail({ id: result.id }));
  return { offer: toCampaignView(offer), recipients: result.recipients, excluded: result.excluded };
}

/** The clerk's own offers, newest first, each with sent / redeemed / recipients' sales in its window. */
export async function listClerkOffers(ctx: Ctx, clerkId: number, q: { cursor?: string; limit: number }): Promise<Page<ClerkOfferStats>> {
  const before = q.cursor ? decodeIdCursor('of', q.cursor) : null;
  return ctx.db.read(async (em) => {
    const qb = em.getRepository(Campaign).createQueryBuilder('c').where("c.kind = 'clerk_offer' AND c.clerk_id = :clerkId", { clerkId }).orderBy('c.id', 'DESC').limit(q.limit + 1);
    if (before !== null) qb.andWhere('c.id < :before', { before });
    const rows = await qb.getMany();
    const page = rows.slice(0, q.limit);
    const items: ClerkOfferStats[] = [];
    for (const c of page) {
      const r = await reportOf(em, c);
      items.push({ id: c.id, name: c.name, templateId: c.templateId, status: c.status, createdAt: c.createdAt.toISOString(), sent: r.delivered, redeemed: r.redeemed, salesFen: r.recipients.salesFen });
    }
    return { items, nextCursor: rows.length > q.limit ? encodeIdCursor('of', page[page.length - 1].id) : null };
  });
}
