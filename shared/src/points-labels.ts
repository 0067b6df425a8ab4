import type { PointsReason } from './enums';

/**
 * How each points-ledger reason reads, the same to a member (mini-program) and to an operator (console), so a
 * ledger line, an order's points and a refund's effects use one set of words.
 */
export const POINTS_REASON_ZH: Record<PointsReason, string> = {
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

/** Reasons a newer server adds read neutrally until the client knows them. */
export function pointsReasonLabel(reason: string): string {
  return (POINTS_REASON_ZH as Record<string, string>)[reason] ?? '积分变动';
}
