import type { EntityManager } from 'typeorm';
import type { CouponSource, CouponView } from '@o2o/shared';
import type { Ctx } from '../../context';
import { isDuplicateOn } from '../../db/db';
import { AppError } from '../../lib/app-error';
import { claimGrouper } from './claim-group';
import { CouponTemplate } from './coupon-template.entity';
import { couponView, couponViews, storeScopes } from './coupon-view';
import { Coupon } from './coupon.entity';
import { newCouponCode } from './coupon-code';
import { takeStock } from './stock';
import { validityAt } from './validity';

export interface IssueCouponCmd {
  templateId: number;
  customerId: number;
  source: CouponSource;
  /** With the customer and the source, the grant's idempotency key (a claim's Idempotency-Key, `t<templateId>` for welcome…). */
  sourceRef: string;
  now: Date;
}

export interface IssuedCoupon {
  couponId: number;
  /** false: this (customer, source, sourceRef) had been granted before; nothing changed. */
  created: boolean;
  templateId: number;
}

/**
 * Issues one coupon inside the CALLER's transaction (claims, welcome grants, and later QR grants, campaigns and clerk
 * offers all come through here).
 *
 * Invariants, each enforced by the database rather than by a read:
 *  - stock: `UPDATE coupon_template SET issued_count = issued_count + 1 WHERE id = ? AND status = 'active' AND
 *    (total_stock IS NULL OR issued_count < total_stock)`, one affected row or the whole transaction fails
 *    (COUPON_OUT_OF_STOCK / COUPON_TEMPLATE_NOT_ACTIVE); CHECK (issued_count <= total_stock) as the last guard;
 *  - per-customer limit: the coupon row takes a slot 1..perCustomerLimit under UNIQUE(template, customer, slot);
 *    no free slot → COUPON_LIMIT_REACHED;
 *  - idempotency: UNIQUE(customer, source, sourceRef); a repeat returns the existing coupon (`created: false`).
 * The coupon row is inserted BEFORE the hot template row is updated, so the template's row lock is held only for
 * the rest of the transaction (research/limits.md §2b+: 10–35 % more claims/s). On any refusal the caller's
 * transaction must roll back (it does: the error propagates), which also removes the inserted row.
 */
export async function issueCoupon(ctx: Ctx, tx: EntityManager, cmd: IssueCouponCmd): Promise<IssuedCoupon> {
  const t = await tx.getRepository(CouponTemplate).findOneBy({ id: cmd.templateId });
  if (!t) throw new AppError('NOT_FOUND', 'Coupon template not found');
  const prior = await tx.getRepository(Coupon).findOne({ where: { customerId: cmd.customerId, source: cmd.source, sourceRef: cmd.sourceRef }, select: { id: true, templateId: true } });
  if (prior) return { couponId: prior.id, created: false, templateId: prior.templateId };
  return issueFromTemplate(ctx, tx, t, cmd);
}

/** `issueCoupon` once the template is read and the grant key is known to be new (saves the claim path two reads). */
async function issueFromTemplate(ctx: Ctx, tx: EntityManager, t: CouponTemplate, cmd: IssueCouponCmd): Promise<IssuedCoupon> {
  const { templateId, customerId, now } = cmd;
  // Fast refusals from a plain read (the conditional update below is what guarantees them).
  if (t.status !== 'active' || (t.validTo && t.validTo.getTime() < now.getTime())) throw new AppError('COUPON_TEMPLATE_NOT_ACTIVE');
  if (t.totalStock !== null && t.issuedCount >= t.totalStock) throw new AppError('COUPON_OUT_OF_STOCK');

  const { validFrom, validTo } = validityAt(t, now);
  let couponId: number | null = null;
  // Slot 1 is tried blind (a customer's first coupon of a template is the common case); after a clash the slots held
  // are read and the lowest free one is tried, bounded by the limit.
  for (let attempt = 0; couponId === null; attempt++) {
    let slot = 1;
    if (attempt > 0) {
      const held = await tx.getRepository(Coupon).find({ where: { templateId, customerId }, select: { id: true, claimSlot: true } });
      const taken = new Set(held.map((c) => c.claimSlot));
      while (taken.has(slot)) slot++;
    }
    if (slot > t.perCustomerLimit || attempt > t.perCustomerLimit + 1) throw new AppError('COUPON_LIMIT_REACHED', undefined, { perCustomerLimit: t.perCustomerLimit });
    try {
      couponId = await ctx.db.insertReturningId(tx, Coupon, {
        code: newCouponCode(),
        handle: null,
        templateId,
        customerId,
        status: 'issued',
        source: cmd.source,
        sourceRef: cmd.sourceRef,
        claimSlot: slot,
        validFrom,
        validTo,
        lockedOrderId: null,
        redeemedAt: null,
        redeemedStoreId: null,
        redeemedClerkId: null,
        issuedAt: now,
      });
    } catch (err) {
      if (isDuplicateOn(err, 'uq_coupon_source', 'coupon.customer_id, coupon.source, coupon.source_ref')) {
        // The same grant committed concurrently: answer with it.
        const same = await tx.getRepository(Coupon).findOneOrFail({ where: { customerId, source: cmd.source, sourceRef: cmd.sourceRef }, select: { id: true, templateId: true } });
        return { couponId: same.id, created: false, templateId: same.templateId };
      }
      // Another grant took this slot meanwhile: look again (bounded by the limit).
      if (isDuplicateOn(err, 'uq_coupon_slot', 'coupon.template_id, coupon.customer_id, coupon.claim_slot')) continue;
      throw err;
    }
  }

  if (!(await takeStock(tx, templateId, 1))) {
    const now2 = await tx.getRepository(CouponTemplate).findOne({ where: { id: templateId }, select: { id: true, status: true } });
    throw new AppError(now2?.status === 'active' ? 'COUPON_OUT_OF_STOCK' : 'COUPON_TEMPLATE_NOT_ACTIVE');
  }
  return { couponId, created: true, templateId };
}

/**
 * A consumer claims a claimable template (领券). Idempotent by (customer, Idempotency-Key): the same key returns the
 * same coupon (also after a lost response, and for concurrent repeats); the same key for another template →
 * IDEMPOTENCY_KEY_REUSED. Beyond stock → COUPON_OUT_OF_STOCK, beyond the per-customer limit → COUPON_LIMIT_REACHED,
 * a draft/paused/ended or non-claimable template → COUPON_TEMPLATE_NOT_ACTIVE. One transaction: a claim group's
 * (claim-group.ts) or, for whatever the group defers, its own (issueCoupon).
 */
export async function claimCoupon(ctx: Ctx, customerId: number, templateId: number, idempotencyKey: string): Promise<CouponView> {
  // The common case — a first claim with a fresh key — is issued in a group with others arriving at the same time
  // (claim-group.ts); anything the group leaves takes the one-by-one transaction below, which answers exactly.
  const grouped = await claimGrouper(ctx.db).submit(ctx, { customerId, templateId, key: idempotencyKey });
  if (grouped.kind === 'done') return freshClaimView(ctx, grouped.couponId, grouped.template, grouped, grouped.storeIds);
  const now = ctx.clock.now();
  let template: CouponTemplate | null = null;
  const issued = await ctx.db.transaction(async (tx) => {
    const t = await tx.getRepository(CouponTemplate).findOneBy({ id: templateId });
    if (!t) throw new AppError('NOT_FOUND', 'Coupon template not found');
    template = t;
    const prior = await tx.getRepository(Coupon).findOne({ where: { customerId, source: 'claim', sourceRef: idempotencyKey }, select: { id: true, templateId: true } });
    if (prior) return { couponId: prior.id, created: false, templateId: prior.templateId };
    if (!t.claimable) throw new AppError('COUPON_TEMPLATE_NOT_ACTIVE', 'This coupon cannot be claimed');
    return issueFromTemplate(ctx, tx, t, { templateId, customerId, source: 'claim', sourceRef: idempotencyKey, now });
  });
  if (issued.templateId !== templateId) throw new AppError('IDEMPOTENCY_KEY_REUSED');
  const t = template as CouponTemplate | null;
  if (issued.created && t) return freshClaimView(ctx, issued.couponId, t, validityAt(t, now));
  return ctx.db.read(async (em) => (await couponViews(em, [await em.getRepository(Coupon).findOneByOrFail({ id: issued.couponId })]))[0]);
}

/**
 * A coupon just claimed: its view is known without reading it back (the hot path of a flash claim: two reads fewer).
 * `storeIds`: the template's scope when the caller has it (a claim group reads it once for all its members).
 */
async function freshClaimView(ctx: Ctx, couponId: number, t: CouponTemplate, validity: { validFrom: Date; validTo: Date }, storeIds?: number[]): Promise<CouponView> {
  const fresh = { id: couponId, templateId: t.id, status: 'issued', source: 'claim', validFrom: validity.validFrom, validTo: validity.validTo, redeemedAt: null } as Coupon;
  const scope = storeIds ?? (t.storeScoped ? ((await ctx.db.read((em) => storeScopes(em, [t]))).get(t.id) ?? []) : []);
  return couponView(fresh, t, scope);
}

/** Refusals that mean "this grant cannot happen", as opposed to failures worth retrying. */
export const FINAL_REFUSALS: ReadonlySet<string> = new Set(['COUPON_OUT_OF_STOCK', 'COUPON_LIMIT_REACHED', 'COUPON_TEMPLATE_NOT_ACTIVE', 'NOT_FOUND']);

/**
 * Welcome coupons for a new member: every active template flagged `welcome`, once per (customer, template) — the
 * grant's key is (customer, 'welcome', 't<templateId>'), so a redelivered `customer.became_member` changes nothing.
 * Each template in its own transaction: one out of stock does not block the others (it is logged and skipped);
 * any other failure propagates so the outbox retries the event.
 */
export async function issueWelcomeCoupons(ctx: Ctx, customerId: number): Promise<{ issued: number[]; skipped: { templateId: number; code: string }[] }> {
  const templates = await ctx.db.read((em) => em.getRepository(CouponTemplate).find({ where: { welcome: true, status: 'active' }, select: { id: true }, order: { id: 'ASC' } }));
  const issued: number[] = [];
  const skipped: { templateId: number; code: string }[] = [];
  for (const { id: templateId } of templates) {
    try {
      const r = await ctx.db.transaction((tx) => issueCoupon(ctx, tx, { templateId, customerId, source: 'welcome', sourceRef: `t${templateId}`, now: ctx.clock.now() }));
      if (r.created) issued.push(r.couponId);
    } catch (err) {
      if (!(err instanceof AppError) || !FINAL_REFUSALS.has(err.code)) throw err;
      skipped.push({ templateId, code: err.code });
      ctx.log.warn({ customerId, templateId, code: err.code }, 'welcome coupon not issued');
    }
  }
  return { issued, skipped };
}
