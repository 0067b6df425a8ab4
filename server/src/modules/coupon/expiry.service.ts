import { In, LessThan } from 'typeorm';
import type { Ctx } from '../../context';
import { startPeriodic } from '../../lib/periodic';
import { Coupon } from './coupon.entity';

/**
 * The coupon expiry job: `issued` coupons past their validTo become `expired`, in batches by id, each row by a
 * guarded update (`status = 'issued' AND valid_to < now`), so a coupon redeemed or locked meanwhile is left
 * alone and repeated or concurrent runs change nothing twice. Locked coupons are not touched: their order's
 * close or refund returns them (and marks them expired then if they have lapsed). The wallet already shows
 * lapsed coupons as expired before this runs; the job makes the stored state match for reports and segments.
 */
export async function expireCoupons(ctx: Ctx, batch = 500): Promise<number> {
  const now = ctx.clock.now();
  let total = 0;
  for (;;) {
    const due = await ctx.db.read((em) =>
      em.getRepository(Coupon).find({ where: { status: 'issued', validTo: LessThan(now) }, select: { id: true }, order: { id: 'ASC' }, take: batch }),
    );
    if (due.length === 0) return total;
    const res = await ctx.db.transaction((tx) =>
      tx
        .createQueryBuilder()
        .update(Coupon)
        .set({ status: 'expired' })
        .where({ id: In(due.map((c) => c.id)) })
        .andWhere("status = 'issued' AND valid_to < :now", { now })
        .execute(),
    );
    total += res.affected ?? 0;
    if (due.length < batch) return total;
  }
}

/** Runs the job periodically in every process (idempotent, so several processes may overlap). */
export function startCouponExpiry(ctx: Ctx, intervalMs: number): { stop(): Promise<void> } {
  return startPeriodic(ctx.log, 'coupon expiry', intervalMs, async () => {
    const n = await expireCoupons(ctx);
    if (n > 0) ctx.log.info({ expired: n }, 'coupons expired');
  });
}
