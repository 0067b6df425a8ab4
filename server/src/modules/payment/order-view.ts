import type { OrderView } from '@o2o/shared';
import type { Ctx } from '../../context';
import { AppError } from '../../lib/app-error';
import { OrderItem } from './order-item.entity';
import { Order } from './order.entity';

export function orderView(o: Order, items: OrderItem[]): OrderView {
  return {
    id: o.id,
    outTradeNo: o.outTradeNo,
    status: o.status,
    channel: o.channel,
    storeId: o.storeId,
    totalFen: o.totalFen,
    discountFen: o.couponDiscountFen + o.pointsDeductionFen,
    couponDiscountFen: o.couponDiscountFen,
    pointsDeductionFen: o.pointsDeductionFen,
    memberSavingFen: o.listFen - o.totalFen,
    pointsUsed: o.pointsUsed,
    payableFen: o.payableFen,
    refundedFen: o.refundedFen,
    pointsEarned: o.pointsEarned,
    couponId: o.couponId,
    // Shown only once there is something to pick up: a paid pre-order not wholly refunded (in-store sales have none).
    pickupCode: o.channel === 'preorder' && (o.status === 'paid' || o.status === 'partially_refunded') ? o.pickupCode : null,
    pickedUpAt: o.pickedUpAt ? o.pickedUpAt.toISOString() : null,
    items: items.map((i) => ({ sku: i.sku, name: i.name, quantity: i.quantity, unitPriceFen: i.unitPriceFen, unitCashFen: i.unitCashFen, unitPoints: i.unitPoints })),
    createdAt: o.createdAt.toISOString(),
    expiresAt: o.expiresAt.toISOString(),
    paidAt: o.paidAt ? o.paidAt.toISOString() : null,
  };
}

/**
 * How an order's `pointsUsed` splits (priceOrder: pointsUsed = memberPoints + offsetPoints): the points its member
 * prices required (会员价积分, Σ unitPoints × quantity of the lines) and the points used as cash (积分抵现, worth
 * pointsDeductionFen). Read back from the stored lines, so it holds whatever the point value is today.
 */
export function pointsSplitOf(o: Pick<Order, 'pointsUsed'>, items: Pick<OrderItem, 'unitPoints' | 'quantity'>[]): { memberPoints: number; offsetPoints: number } {
  const memberPoints = items.reduce((sum, i) => sum + i.unitPoints * i.quantity, 0);
  return { memberPoints, offsetPoints: Math.max(0, o.pointsUsed - memberPoints) };
}

/** One order with its lines; `customerId` restricts it to its owner (404 otherwise, never 403). */
export async function loadOrderView(ctx: Ctx, orderId: number, customerId?: number): Promise<OrderView> {
  return ctx.db.read(async (em) => {
    const order = await em.getRepository(Order).findOneBy(customerId === undefined ? { id: orderId } : { id: orderId, customerId });
    if (!order) throw new AppError('NOT_FOUND', 'Order not found');
    const items = await em.getRepository(OrderItem).find({ where: { orderId }, order: { id: 'ASC' } });
    return orderView(order, items);
  });
}
