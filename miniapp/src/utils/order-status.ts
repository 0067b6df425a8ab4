import type { OrderChannel, OrderStatus, OrderView } from '@o2o/shared';

const TEXT: Record<OrderStatus, string> = {
  created: '待支付',
  paid: '已支付',
  closed: '已关闭',
  partially_refunded: '部分退款',
  refunded: '已退款',
};

export function orderStatusText(status: OrderStatus | string): string {
  return TEXT[status as OrderStatus] ?? status;
}

/** Bought at the counter (a till or the clerk app), not pre-ordered in the app: no pickup code, nothing to collect. */
export function isInStore(channel: OrderChannel | undefined): boolean {
  return channel === 'pos' || channel === 'clerk';
}

/**
 * What a customer reads for an order: the payment status, except that a pre-order handed over at the counter is
 * 已取货 (pickup is fulfilment, orthogonal to the payment status; a fully refunded one still reads 已退款).
 */
export function orderStateText(order: Pick<OrderView, 'status' | 'pickedUpAt'>): string {
  if (order.pickedUpAt && (order.status === 'paid' || order.status === 'partially_refunded')) return '已取货';
  return orderStatusText(order.status);
}

/** A paid pre-order still waiting at the counter: its pickup code is what the customer shows. */
export function awaitingPickup(order: Pick<OrderView, 'status' | 'pickupCode' | 'pickedUpAt' | 'channel'>): boolean {
  return !isInStore(order.channel) && !!order.pickupCode && !order.pickedUpAt && (order.status === 'paid' || order.status === 'partially_refunded');
}
