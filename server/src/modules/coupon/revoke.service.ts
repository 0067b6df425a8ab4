import type { CouponView } from '@o2o/shared';
import type { Ctx } from '../../context';
import { emit } from '../../events/outbox';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { couponViews } from './coupon-view';
import { Coupon } from './coupon.entity';

/**
 * Revokes a customer's coupon (admin: issued by mistake, abuse). Only `issued` → `revoked`, by a conditional update
 * naming that status (affected rows checked), audited on the row (revokedAt/By/Reason) and by `coupon.revoked`.
 * A locked (in a pre-order) or redeemed coupon is COUPON_NOT_REVOCABLE — its order or redemption must be undone
 * first; an expired one likewise. Idempotent: revoking a revoked coupon again returns it unchanged.
 * The template's issued_count is not given back (stock counts coupons ever issued; see issueCoupon).
 */
export async function revokeCoupon(ctx: Ctx, staff: StaffActor, couponId: number, reason: string): Promise<CouponView> {
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const res = await tx
      .createQueryBuilder()
      .update(Coupon)
      .set({ status: 'revoked', revokedAt: now, revokedBy: staff.staffId, revokeReason: reason })
      .where("id = :couponId AND status = 'issued'", { couponId })
      .execute();
    const c = await tx.getRepository(Coupon).findOne({ where: { id: couponId }, select: { id: true, status: true, customerId: true, templateId: true } });
    if (!c) throw new AppError('NOT_FOUND', 'Coupon not found');
    if (res.affected === 1) {
      await emit(tx, 'coupon.revoked', { couponId, customerId: c.customerId, templateId: c.templateId, by: staff.staffId, reason, at: now.toISOString() }, now);
      return;
    }
    if (c.status !== 'revoked') throw new AppError('COUPON_NOT_REVOCABLE', undefined, { status: c.status });
  });
  return ctx.db.read(async (em) => (await couponViews(em, [await em.getRepository(Coupon).findOneByOrFail({ id: couponId })]))[0]);
}
