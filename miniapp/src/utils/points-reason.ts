import type { PointsReason } from '@o2o/shared';

/** How each ledger reason reads to the member. Reasons the server adds later fall back to a neutral line. */
const LABELS: Partial<Record<PointsReason, string>> & Record<string, string> = {
  welcome: '入会礼',
  purchase: '消费奖励',
  spend: '积分消费',
  refund_reversal: '退款扣回',
  adjustment: '积分调整',
  order_spend: '下单使用',
  order_release: '订单取消返还',
  order_reinstate: '订单恢复扣除',
  refund_return: '退款返还',
};

export function pointsReasonLabel(reason: string): string {
  return LABELS[reason] ?? '积分变动';
}
