import type { RefundPreviewView, TRefundPreviewBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { CouponTemplate } from '../coupon/coupon-template.entity';
import { Coupon } from '../coupon/coupon.entity';
import { Customer } from '../customer/customer.entity';
import { Order } from './order.entity';
import { refundPointsDue, reversalWithin } from './refund-points';

/**
 * What a refund of `amountFen` would do once WeChat Pay confirms it, for the console's confirmation. Reads only.
 *
 * Same scope and refusals as `requestRefund` (a store manager's own store, else 404; ORDER_NOT_REFUNDABLE;
 * REFUND_EXCEEDS_PAID with the refundable amount), and the same points functions as settlement
 * (`refund-points.ts`): the refunded total becomes refunded + amount, spent points are returned first, the
 * reversal stops at the balance. Other refunds still in progress may settle first and move a rounding point
 * between them (`otherRefundsPending` says so); the balance may change before settlement too.
 */
export async function previewRefund(ctx: Ctx, staff: StaffActor, orderId: number, body: TRefundPreviewBody): Promise<RefundPreviewView> {
  const now = ctx.clock.now();
  return ctx.db.read(async (em) => {
    const order = await em.getRepository(Order).findOneBy({ id: orderId });
    if (!order || (staff.role === 'store_manager' && order.storeId !== staff.storeId)) throw new AppError('NOT_FOUND', 'Order not found');
    if (order.status !== 'paid' && order.status !== 'partially_refunded') throw new AppError('ORDER_NOT_REFUNDABLE');
    // WeChat Pay never saw an in-store sale: its money goes back at the till (POST …/sales/:receiptNo/returns).
    if (order.channel !== 'preorder') throw new AppError('ORDER_NOT_REFUNDABLE', 'In-store sales are returned at the till, by receipt');
    const refundableFen = order.payableFen - order.refundedFen - order.refundPendingFen;
    if (body.amountFen > refundableFen) throw new AppError('REFUND_EXCEEDS_PAID', undefined, { refundableFen });

    const refundedAfter = order.refundedFen + body.amountFen;
    const full = refundedAfter === order.payableFen;
    const { toReturn, toReverse } = refundPointsDue(order, refundedAfter);
    const customer = await em.getRepository(Customer).findOne({ where: { id: order.customerId }, select: { id: true, pointsBalance: true } });
    const balance = customer?.pointsBalance ?? 0;
    const { reversed, unrecovered } = reversalWithin(toReverse, balance + toReturn);

    let coupon: RefundPreviewView['coupon'] = null;
    if (order.couponId) {
      const c = await em.getRepository(Coupon).findOne({ where: { id: order.couponId }, select: { id: true, templateId: true, status: true, lockedOrderId: true, validTo: true } });
      const t = c ? await em.getRepository(CouponTemplate).findOne({ where: { id: c.templateId }, select: { id: true, title: true } }) : null;
      if (c) {
        // The coupon hook's release: only a full refund, only while this order still holds it.
        const released = full && c.lockedOrderId === order.id && (c.status === 'locked' || c.status === 'redeemed');
        coupon = { id: c.id, title: t?.title ?? '', released, returnsAs: released ? (c.validTo.getTime() >= now.getTime() ? 'issued' : 'expired') : null };
      }
    }
    return {
      orderId: order.id,
      amountFen: body.amountFen,
      payableFen: order.payableFen,
      refundedFen: order.refundedFen,
      refundPendingFen: order.refundPendingFen,
      refundableFen,
      full,
      pointsReturned: toReturn,
      pointsToReverse: toReverse,
      pointsReversed: reversed,
      pointsUnrecovered: unrecovered,
      balance,
      balanceAfter: balance + toReturn - reversed,
      coupon,
      otherRefundsPending: order.refundPendingFen > 0,
    };
  });
}
