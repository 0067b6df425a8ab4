import { Brackets, In } from 'typeorm';
import type { ClaimableTemplateView, TClaimableQuery } from '@o2o/shared';
import type { Ctx } from '../../context';
import { CouponTemplate, CouponTemplateStore } from './coupon-template.entity';
import { storeScopes, templateView } from './coupon-view';
import { Coupon } from './coupon.entity';

/** The claim centre shows at most this many templates (newest first). */
const CLAIM_CENTRE_MAX = 100;

/**
 * The claim centre (领券中心): active, claimable templates whose fixed validity has not ended, in the scope of
 * `storeId` when given (unscoped templates count everywhere), with the stock left and how many more this customer
 * may claim (the per-customer limit minus the coupons of the template they hold from any source — the same slots
 * `issueCoupon` fills). Sold-out templates are listed with `canClaim: false` (the UI shows 已抢光). A read: the
 * claim itself decides, so a figure here may be stale by the time the customer taps.
 */
export async function listClaimable(ctx: Ctx, customerId: number, q: TClaimableQuery): Promise<{ items: ClaimableTemplateView[] }> {
  const now = ctx.clock.now();
  return ctx.db.read(async (em) => {
    const qb = em
      .getRepository(CouponTemplate)
      .createQueryBuilder('t')
      .where("t.status = 'active' AND t.claimable = :yes", { yes: true })
      .andWhere('(t.valid_to IS NULL OR t.valid_to >= :now)', { now })
      .orderBy('t.id', 'DESC')
      .limit(CLAIM_CENTRE_MAX);
    if (q.storeId !== undefined)
      qb.andWhere(
        new Brackets((b) =>
          b.where('t.store_scoped = :no', { no: false }).orWhere(`t.id IN (${em.getRepository(CouponTemplateStore).createQueryBuilder('s').select('s.template_id').where('s.store_id = :storeId').getQuery()})`, { storeId: q.storeId }),
        ),
      );
    const templates = await qb.getMany();
    if (templates.length === 0) return { items: [] };
    const held = await em
      .getRepository(Coupon)
      .createQueryBuilder('c')
      .select('c.template_id', 'templateId')
      .addSelect('COUNT(*)', 'n')
      .where({ customerId, templateId: In(templates.map((t) => t.id)) })
      .groupBy('c.template_id')
      .getRawMany<{ templateId: number | string; n: number | string }>();
    const heldBy = new Map(held.map((r) => [Number(r.templateId), Number(r.n)]));
    const scopes = await storeScopes(em, templates);
    return {
      items: templates.map((t) => {
        const v = templateView(t, scopes.get(t.id) ?? []);
        const remainingStock = t.totalStock === null ? null : Math.max(0, t.totalStock - t.issuedCount);
        const remainingForMe = Math.max(0, t.perCustomerLimit - (heldBy.get(t.id) ?? 0));
        return {
          template: {
            id: v.id,
            title: v.title,
            description: v.description,
            kind: v.kind,
            thresholdFen: v.thresholdFen,
            amountOffFen: v.amountOffFen,
            percentOff: v.percentOff,
            maxDiscountFen: v.maxDiscountFen,
            giftSku: v.giftSku,
            validFrom: v.validFrom,
            validTo: v.validTo,
            validDays: v.validDays,
            storeIds: v.storeIds,
            categoryIds: v.categoryIds,
            perCustomerLimit: v.perCustomerLimit,
          },
          remainingStock,
          remainingForMe,
          canClaim: remainingForMe > 0 && remainingStock !== 0,
        };
      }),
    };
  });
}
