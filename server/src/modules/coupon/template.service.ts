import { In } from 'typeorm';
import type { ConsoleCouponTemplateView, CouponTemplateStatus, CouponTemplateView, PagedList, TCouponTemplateListQuery, TCouponTemplateStatusBody, TCreateCouponTemplateBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { audit } from '../audit/audit';
import { pageOf } from '../audit/paged';
import { ClerkOfferTemplate } from '../campaign/campaign.entity';
import { Category } from '../catalogue/category.entity';
import { Product } from '../catalogue/product.entity';
import { Store } from '../store/store.entity';
import { CouponTemplate, CouponTemplateStore } from './coupon-template.entity';
import { storeScopes, templateView } from './coupon-view';

/**
 * Creates a coupon template (marketer/admin). The schema checked the kind rules and the validity shape; here the
 * references are checked (stores, categories, the gift SKU exist) and the template and its store scope rows are
 * written in one transaction with its audit entry. Not idempotent by itself (a console form; a double submit makes
 * two drafts).
 */
export async function createCouponTemplate(ctx: Ctx, staff: StaffActor, cmd: TCreateCouponTemplateBody): Promise<CouponTemplateView> {
  const storeIds = [...(cmd.storeIds ?? [])].sort((a, b) => a - b);
  const categoryIds = [...(cmd.categoryIds ?? [])].sort((a, b) => a - b);
  const id = await ctx.db.transaction(async (tx) => {
    if (storeIds.length && (await tx.getRepository(Store).countBy({ id: In(storeIds) })) !== storeIds.length)
      throw new AppError('COUPON_TEMPLATE_INVALID', 'Unknown store in storeIds');
    if (categoryIds.length && (await tx.getRepository(Category).countBy({ id: In(categoryIds) })) !== categoryIds.length)
      throw new AppError('COUPON_TEMPLATE_INVALID', 'Unknown category in categoryIds');
    if (cmd.giftSku && !(await tx.getRepository(Product).existsBy({ sku: cmd.giftSku })))
      throw new AppError('COUPON_TEMPLATE_INVALID', 'Unknown giftSku');
    const templateId = await ctx.db.insertReturningId(tx, CouponTemplate, {
      title: cmd.title,
      description: cmd.description ?? '',
      kind: cmd.kind,
      thresholdFen: cmd.thresholdFen ?? 0,
      amountOffFen: cmd.amountOffFen ?? null,
      percentOff: cmd.percentOff ?? null,
      maxDiscountFen: cmd.maxDiscountFen ?? null,
      giftSku: cmd.giftSku ?? null,
      validFrom: cmd.validFrom ? new Date(cmd.validFrom) : null,
      validTo: cmd.validTo ? new Date(cmd.validTo) : null,
      validDays: cmd.validDays ?? null,
      totalStock: cmd.totalStock ?? null,
      issuedCount: 0,
      perCustomerLimit: cmd.perCustomerLimit ?? 1,
      categoryIds: categoryIds.join(','),
      storeScoped: storeIds.length > 0,
      status: cmd.status ?? 'draft',
      claimable: cmd.claimable ?? false,
      welcome: cmd.welcome ?? false,
      createdBy: staff.staffId,
    });
    if (storeIds.length)
      await tx.createQueryBuilder().insert().into(CouponTemplateStore).values(storeIds.map((storeId) => ({ templateId, storeId }))).updateEntity(false).execute();
    await audit(tx, staff, { action: 'coupon_template.create', targetType: 'coupon_template', targetId: templateId, summary: `新建优惠券模板「${cmd.title}」（${STATUS_ZH[cmd.status ?? 'draft']}）`, details: cmd });
    return templateId;
  });
  return getCouponTemplate(ctx, id);
}

export async function getCouponTemplate(ctx: Ctx, id: number): Promise<CouponTemplateView> {
  return ctx.db.read(async (em) => {
    const t = await em.getRepository(CouponTemplate).findOneBy({ id });
    if (!t) throw new AppError('NOT_FOUND', 'Coupon template not found');
    return templateView(t, (await storeScopes(em, [t])).get(t.id) ?? []);
  });
}

/**
 * The console's template list: newest first, offset-paged, filtered by status, kind and title; each with its
 * store scope and whether clerks may offer it (clerk_offer_template).
 */
export async function listCouponTemplates(ctx: Ctx, q: TCouponTemplateListQuery): Promise<PagedList<ConsoleCouponTemplateView>> {
  return ctx.db.read(async (em) => {
    const qb = em.getRepository(CouponTemplate).createQueryBuilder('t').orderBy('t.id', 'DESC');
    if (q.status) qb.andWhere('t.status = :status', { status: q.status });
    if (q.kind) qb.andWhere('t.kind = :kind', { kind: q.kind });
    if (q.q) qb.andWhere("t.title LIKE :q ESCAPE '!'", { q: `%${q.q.replace(/[!%_]/g, (c) => `!${c}`)}%` });
    const { rows, total, totalCapped } = await pageOf(em, qb, q.current, q.pageSize);
    const scopes = await storeScopes(em, rows);
    const offerable = rows.length ? new Set((await em.getRepository(ClerkOfferTemplate).find({ where: { templateId: In(rows.map((t) => t.id)) }, select: { templateId: true } })).map((r) => r.templateId)) : new Set<number>();
    const items = rows.map((t) => ({ ...templateView(t, scopes.get(t.id) ?? []), clerkOfferable: offerable.has(t.id) }));
    return totalCapped ? { items, total, totalCapped } : { items, total };
  });
}

const STATUS_ZH: Record<CouponTemplateStatus, string> = { draft: '草稿', active: '发放中', paused: '已暂停', ended: '已结束' };

/** Allowed moves: draft → active; active ⇄ paused; active/paused → ended (final). Issued coupons are unaffected. */
const NEXT: Record<CouponTemplateStatus, readonly CouponTemplateStatus[]> = {
  draft: ['active', 'ended'],
  active: ['paused', 'ended'],
  paused: ['active', 'ended'],
  ended: [],
};

/**
 * Activates, pauses or ends a template: a conditional update naming the allowed source states, audited in the same
 * transaction when it changed something. Repeating the current status is a no-op (idempotent, not audited again);
 * an illegal move is CONFLICT.
 */
export async function updateCouponTemplateStatus(ctx: Ctx, staff: StaffActor, id: number, cmd: TCouponTemplateStatusBody): Promise<CouponTemplateView> {
  await ctx.db.transaction(async (tx) => {
    const from = (Object.keys(NEXT) as CouponTemplateStatus[]).filter((s) => NEXT[s].includes(cmd.status));
    // Locked so the audit names the state the update really came from (a concurrent move waits its turn).
    const before = await ctx.db.forUpdate(tx.getRepository(CouponTemplate).createQueryBuilder('t').select(['t.id', 't.status', 't.title']).where('t.id = :id', { id })).getOne();
    const res = await tx.createQueryBuilder().update(CouponTemplate).set({ status: cmd.status }).where('id = :id AND status IN (:...from)', { id, from }).execute();
    if (res.affected === 1) {
      const was = before && from.includes(before.status) ? before.status : null;
      await audit(tx, staff, {
        action: 'coupon_template.status',
        targetType: 'coupon_template',
        targetId: id,
        summary: `优惠券模板「${before?.title ?? id}」${was ? `${STATUS_ZH[was]} → ` : ''}${STATUS_ZH[cmd.status]}`,
        details: { from: was, to: cmd.status },
      });
      return;
    }
    const t = await tx.getRepository(CouponTemplate).findOne({ where: { id }, select: { id: true, status: true } });
    if (!t) throw new AppError('NOT_FOUND', 'Coupon template not found');
    if (t.status !== cmd.status) throw new AppError('CONFLICT', `A ${t.status} template cannot become ${cmd.status}`);
  });
  return getCouponTemplate(ctx, id);
}
