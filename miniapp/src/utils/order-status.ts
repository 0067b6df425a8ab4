import type { OrderStatus } from '@o2o/shared';

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
