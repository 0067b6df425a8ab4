import type { EntityManager } from 'typeorm';
import type { CouponTerms } from '@o2o/shared';
import type { Ctx } from '../../context';
import type { PendingEvent } from '../../events/outbox';
import { AppError } from '../../lib/app-error';

/**
 * The coupon hook of pre-orders. The coupon module plugs in here (issue: coupons):
 *   terms   — the coupon's pricing terms, checked usable by this customer in this store now;
 *   lock    — issued → locked to the order, in the order's creation transaction;
 *   redeem  — locked → redeemed when the payment is settled;
 *   release — locked → issued when the order closes, or redeemed → issued on a full refund (if still valid);
 *   relock  — for a payment that lands after close: take the coupon again if it is still free;
 *   redeemAtTill — issued → redeemed(order) in one step, in the transaction of an in-store sale (modules/sale), which
 *             is paid at the till when it is recorded: nothing to lock first. When the coupon is no longer issued
 *             (redeemed at another till since the quote) it throws, and the sale's transaction rolls back.
 * Each is a conditional update with its affected rows checked, so each happens exactly once per order.
 * Until coupons exist, any couponId is refused and the other steps have nothing to do.
 */
export interface OrderCouponHook {
  terms(ctx: Ctx, tx: EntityManager, args: { customerId: number; couponId: number; storeId: number; now: Date }): Promise<CouponTerms>;
  lock(ctx: Ctx, tx: EntityManager, args: { couponId: number; customerId: number; orderId: number; now: Date }): Promise<void>;
  redeem(ctx: Ctx, tx: EntityManager, args: { couponId: number; orderId: number; storeId: number; now: Date }): Promise<void>;
  /** The status the coupon went back to, or null when this order no longer held it (released before). */
  release(ctx: Ctx, tx: EntityManager, args: { couponId: number; orderId: number; now: Date }): Promise<'issued' | 'expired' | null>;
  relock(ctx: Ctx, tx: EntityManager, args: { couponId: number; orderId: number; now: Date }): Promise<boolean>;
  /** `coupon.redeemed` is pushed on `events` (the sale emits all its events in one insert). */
  redeemAtTill(
    ctx: Ctx,
    tx: EntityManager,
    args: { couponId: number; customerId: number; orderId: number; storeId: number; staffId: number | null; discountFen: number; now: Date; events: PendingEvent[] },
  ): Promise<void>;
}

export const noCoupons: OrderCouponHook = {
  async terms() {
    throw new AppError('COUPON_NOT_USABLE', 'Coupons are not available yet');
  },
  async lock() {},
  async redeem() {},
  async release() {
    return null;
  },
  async relock() {
    return false;
  },
  async redeemAtTill() {
    throw new AppError('COUPON_NOT_USABLE', 'Coupons are not available yet');
  },
};

let hook: OrderCouponHook = noCoupons;

/** Called once at module load by the coupon module. */
export function setOrderCouponHook(h: OrderCouponHook): void {
  hook = h;
}
export const orderCoupons = (): OrderCouponHook => hook;
