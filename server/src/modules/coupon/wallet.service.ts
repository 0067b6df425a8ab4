import crypto from 'node:crypto';
import { Brackets } from 'typeorm';
import type { CouponCodeView, CouponView, TCouponListQuery } from '@o2o/shared';
import type { Ctx } from '../../context';
import { isDuplicateKeyError } from '../../db/db';
import { AppError } from '../../lib/app-error';
import { couponViews } from './coupon-view';
import { Coupon } from './coupon.entity';
import { codeExpiresAt, makeDigits, makeToken, windowOf } from './coupon-code';
import { isValidAt } from './validity';

/** Largest wallet page (the wallet has no pagination in v1; a member rarely holds more). */
const WALLET_MAX = 200;

/**
 * The consumer's coupons, newest first. `status` filters; an `issued` coupon past its validTo is shown (and
 * filtered) as `expired` even before the expiry job has marked it.
 */
export async function listMyCoupons(ctx: Ctx, customerId: number, q: TCouponListQuery): Promise<{ items: CouponView[] }> {
  const now = ctx.clock.now();
  return ctx.db.read(async (em) => {
    const qb = em.getRepository(Coupon).createQueryBuilder('c').where('c.customer_id = :customerId', { customerId });
    if (q.status === 'issued') qb.andWhere("c.status = 'issued' AND c.valid_to >= :now", { now });
    else if (q.status === 'expired')
      qb.andWhere(new Brackets((b) => b.where("c.status = 'expired'").orWhere("c.status = 'issued' AND c.valid_to < :now", { now })));
    else if (q.status) qb.andWhere('c.status = :status', { status: q.status });
    const rows = await qb.orderBy('c.id', 'DESC').take(WALLET_MAX).getMany();
    return { items: (await couponViews(em, rows)).map((v) => shown(v, now)) };
  });
}

/** One of the consumer's own coupons; anyone else's is NOT_FOUND (no existence oracle). */
export async function getMyCoupon(ctx: Ctx, customerId: number, couponId: number): Promise<CouponView> {
  const now = ctx.clock.now();
  return ctx.db.read(async (em) => {
    const c = await em.getRepository(Coupon).findOneBy({ id: couponId, customerId });
    if (!c) throw new AppError('NOT_FOUND', 'Coupon not found');
    return shown((await couponViews(em, [c]))[0], now);
  });
}

function shown(v: CouponView, now: Date): CouponView {
  return v.status === 'issued' && new Date(v.validTo).getTime() < now.getTime() ? { ...v, status: 'expired' } : v;
}

/**
 * The rotating redemption code of one of the consumer's own coupons (see coupon-code.ts): the token for the QR and
 * 12 digits for typing, both for the server's current 30-second window. Only an issued coupon inside its validity
 * has a code. The first request gives the coupon its 6-digit handle (random, UNIQUE; a conditional update
 * `WHERE handle IS NULL`; a number held by a usable coupon is retried with another, one held by a redeemed/expired
 * coupon is taken over).
 */
export async function couponCode(ctx: Ctx, customerId: number, couponId: number): Promise<CouponCodeView> {
  const now = ctx.clock.now();
  let c = await ctx.db.read((em) => em.getRepository(Coupon).findOneBy({ id: couponId, customerId }));
  if (!c) throw new AppError('NOT_FOUND', 'Coupon not found');
  if (c.status === 'redeemed') throw new AppError('COUPON_ALREADY_REDEEMED');
  if (c.status !== 'issued') throw new AppError('COUPON_NOT_USABLE');
  if (!isValidAt(c, now)) throw new AppError('COUPON_EXPIRED');
  for (let attempt = 0; !c.handle; attempt++) {
    if (attempt >= 8) throw new AppError('RETRYABLE_DB_CONFLICT');
    const handle = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
    try {
      await ctx.db.transaction(async (tx) => {
        // A number held by a coupon that can no longer be redeemed is taken over.
        await tx.createQueryBuilder().update(Coupon).set({ handle: null }).where("handle = :handle AND status NOT IN ('issued', 'locked')", { handle }).execute();
        await tx.createQueryBuilder().update(Coupon).set({ handle }).where("id = :couponId AND handle IS NULL AND status = 'issued'", { couponId }).execute();
      });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      continue;
    }
    c = await ctx.db.read((em) => em.getRepository(Coupon).findOneByOrFail({ id: couponId }));
    if (c.status !== 'issued') throw new AppError('COUPON_NOT_USABLE');
  }
  const w = windowOf(now);
  const secret = ctx.config.secrets.couponCodeSecret;
  return { token: makeToken(secret, c.id, c.code, w), digits: makeDigits(secret, c.id, c.code, c.handle, w), expiresAt: codeExpiresAt(now).toISOString() };
}
