import { In } from 'typeorm';
import type { Page, RedemptionListItem, TRedemptionListQuery } from '@o2o/shared';
import type { Ctx } from '../../context';
import type { StaffActor } from '../../http/policy';
import { decodeIdCursor, encodeIdCursor } from '../../lib/cursor';
import { CouponTemplate } from './coupon-template.entity';
import { Coupon } from './coupon.entity';
import { Redemption } from './redemption.entity';
import { redemptionView, reversalWindowMs } from './redemption.service';

/**
 * The till's recent redemptions, newest first, keyset-paginated by id: a store manager sees the store's, a clerk
 * only their own (never another store's). Each says whether it can still be reversed: not reversed yet, inside
 * the reversal window, and its coupon still redeemed (the same checks `reverseRedemption` makes). No member data.
 */
export async function listRedemptions(ctx: Ctx, staff: StaffActor, q: TRedemptionListQuery): Promise<Page<RedemptionListItem>> {
  if (!staff.storeId) return { items: [], nextCursor: null };
  const now = ctx.clock.now().getTime();
  const before = q.cursor ? decodeIdCursor('r', q.cursor) : null;
  return ctx.db.read(async (em) => {
    const qb = em.getRepository(Redemption).createQueryBuilder('r').where('r.store_id = :storeId', { storeId: staff.storeId }).orderBy('r.id', 'DESC').limit(q.limit + 1);
    if (staff.role === 'clerk') qb.andWhere('r.clerk_id = :clerkId', { clerkId: staff.staffId });
    if (before !== null) qb.andWhere('r.id < :before', { before });
    const rows = await qb.getMany();
    const page = rows.slice(0, q.limit);
    const coupons = page.length ? await em.getRepository(Coupon).find({ where: { id: In(page.map((r) => r.couponId)) }, select: { id: true, templateId: true, status: true } }) : [];
    const couponById = new Map(coupons.map((c) => [c.id, c]));
    const templates = coupons.length ? await em.getRepository(CouponTemplate).find({ where: { id: In([...new Set(coupons.map((c) => c.templateId))]) }, select: { id: true, title: true } }) : [];
    const titleById = new Map(templates.map((t) => [t.id, t.title]));
    return {
      items: page.map((r) => {
        const c = couponById.get(r.couponId);
        return {
          ...redemptionView(r),
          couponTitle: (c && titleById.get(c.templateId)) ?? '',
          reversible: r.reversedAt === null && now - r.redeemedAt.getTime() <= reversalWindowMs(ctx) && c?.status === 'redeemed',
        };
      }),
      nextCursor: rows.length > q.limit ? encodeIdCursor('r', page[page.length - 1].id) : null,
    };
  });
}
