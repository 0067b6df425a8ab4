import { AppError } from '../../lib/app-error';
import { emit } from '../../events/outbox';
import { setOrderCouponHook, type OrderCouponHook } from '../payment/order-coupons';
import { CouponTemplate } from './coupon-template.entity';
import { inStoreScope, termsOf } from './coupon-view';
import { Coupon } from './coupon.entity';
import { isValidAt } from './validity';

/**
 * Coupons in pre-orders (the hook of payment/order-coupons.ts). Each step is a conditional update naming the
 * coupon's expected status and order, affected rows checked, so each happens once per order whatever the retries:
 *   lock     issued → locked(order)                       in the order's creation transaction;
 *   redeem   locked(order) → redeemed                     when the payment settles;
 *   release  locked(order) | redeemed(order) → issued     on close / full refund (→ expired when past validTo);
 *   relock   issued → locked(order)                       for a payment that lands after close; false if taken;
 *   redeemAtTill  issued → redeemed(order)               in an in-store sale's transaction (paid at the till).
 * A coupon the customer does not own is COUPON_NOT_USABLE, exactly like one that does not exist.
 */
export const couponOrderHook: OrderCouponHook = {
  async terms(_ctx, tx, { customerId, couponId, storeId, now }) {
    const c = await tx.getRepository(Coupon).findOneBy({ id: couponId, customerId });
    if (!c) throw new AppError('COUPON_NOT_USABLE');
    if (c.status === 'redeemed') throw new AppError('COUPON_ALREADY_REDEEMED');
    if (c.status !== 'issued') throw new AppError('COUPON_NOT_USABLE', undefined, { status: c.status });
    if (now.getTime() < c.validFrom.getTime()) throw new AppError('COUPON_NOT_USABLE', 'This coupon is not valid yet', { validFrom: c.validFrom.toISOString() });
    if (!isValidAt(c, now)) throw new AppError('COUPON_EXPIRED');
    const t = await tx.getRepository(CouponTemplate).findOneByOrFail({ id: c.templateId });
    if (!(await inStoreScope(tx, t, storeId))) throw new AppError('COUPON_NOT_USABLE', 'This coupon is not valid in this store');
    return termsOf(t);
  },

  async lock(_ctx, tx, { couponId, customerId, orderId, now }) {
    const res = await tx
      .createQueryBuilder()
      .update(Coupon)
      .set({ status: 'locked', lockedOrderId: orderId })
      .where("id = :couponId AND customer_id = :customerId AND status = 'issued' AND valid_from <= :now AND valid_to >= :now", { couponId, customerId, now })
      .execute();
    // Taken by a concurrent order or redemption since `terms` read it: the order's transaction rolls back.
    if (res.affected !== 1) throw new AppError('COUPON_NOT_USABLE');
  },

  async redeem(ctx, tx, { couponId, orderId, storeId, now }) {
    const res = await tx
      .createQueryBuilder()
      .update(Coupon)
      .set({ status: 'redeemed', redeemedAt: now, redeemedStoreId: storeId })
      .where("id = :couponId AND status = 'locked' AND locked_order_id = :orderId", { couponId, orderId })
      .execute();
    if (res.affected === 1) {
      const c = await tx.getRepository(Coupon).findOneOrFail({ where: { id: couponId }, select: { id: true, customerId: true, templateId: true } });
      await emit(tx, 'coupon.redeemed', { couponId, customerId: c.customerId, templateId: c.templateId, storeId, clerkId: null, orderId, redemptionId: null, discountFen: null, at: now.toISOString() }, now);
      return;
    }
    const c = await tx.getRepository(Coupon).findOne({ where: { id: couponId }, select: { id: true, status: true, lockedOrderId: true } });
    if (c?.status === 'redeemed' && c.lockedOrderId === orderId) return; // settled before
    // Settlement never fails for this (the money has arrived); an operator must look at it.
    ctx.log.error({ couponId, orderId, status: c?.status, lockedOrderId: c?.lockedOrderId }, 'paid order whose coupon was not locked to it');
  },

  async release(_ctx, tx, { couponId, orderId, now }) {
    const c = await tx.getRepository(Coupon).findOne({ where: { id: couponId }, select: { id: true, validTo: true, status: true, lockedOrderId: true } });
    if (!c || c.lockedOrderId !== orderId || (c.status !== 'locked' && c.status !== 'redeemed')) return null; // released before
    const back = c.validTo.getTime() >= now.getTime() ? 'issued' : 'expired';
    const res = await tx
      .createQueryBuilder()
      .update(Coupon)
      .set({ status: back, lockedOrderId: null, redeemedAt: null, redeemedStoreId: null, redeemedClerkId: null })
      .where("id = :couponId AND locked_order_id = :orderId AND status IN ('locked', 'redeemed')", { couponId, orderId })
      .execute();
    if (res.affected !== 1) return null;
    await emit(tx, 'coupon.returned', { couponId, orderId, from: c.status, status: back, at: now.toISOString() }, now);
    return back;
  },

  async relock(_ctx, tx, { couponId, orderId, now }) {
    const res = await tx
      .createQueryBuilder()
      .update(Coupon)
      .set({ status: 'locked', lockedOrderId: orderId })
      .where("id = :couponId AND status = 'issued' AND valid_from <= :now AND valid_to >= :now", { couponId, now })
      .execute();
    return res.affected === 1;
  },

  async redeemAtTill(_ctx, tx, { couponId, customerId, orderId, storeId, staffId, discountFen, now, events }) {
    // One conditional update decides among tills (and the clerk's scan): whoever moves it from `issued` first.
    const res = await tx
      .createQueryBuilder()
      .update(Coupon)
      .set({ status: 'redeemed', lockedOrderId: orderId, redeemedAt: now, redeemedStoreId: storeId, redeemedClerkId: staffId })
      .where("id = :couponId AND customer_id = :customerId AND status = 'issued' AND valid_from <= :now AND valid_to >= :now", { couponId, customerId, now })
      .execute();
    const c = await tx.getRepository(Coupon).findOne({ where: { id: couponId }, select: { id: true, status: true, templateId: true } });
    if (res.affected !== 1 || !c) throw new AppError(c?.status === 'redeemed' ? 'COUPON_ALREADY_REDEEMED' : 'COUPON_NOT_USABLE');
    events.push({ type: 'coupon.redeemed', payload: { couponId, customerId, templateId: c.templateId, storeId, clerkId: staffId, orderId, redemptionId: null, discountFen, at: now.toISOString() } });
  },
};

// Installed when the module is loaded (app.ts and the event handlers import it).
setOrderCouponHook(couponOrderHook);
