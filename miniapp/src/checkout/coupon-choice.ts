import type { CouponCandidateView } from '@o2o/shared';
import { shortYuan } from '../coupon/coupon-text';

/** The customer's coupon choice at checkout: the server's suggestion (default), none, or a given coupon. */
export type CouponChoice = 'auto' | 'none' | number;

/** Why a wallet coupon cannot be used on this cart, from the server's reason (and how much is missing). */
export function unusableText(c: Pick<CouponCandidateView, 'reason' | 'shortByFen'>): string {
  switch (c.reason) {
    case 'threshold_not_met':
      return c.shortByFen ? `还差 ¥${shortYuan(c.shortByFen)} 可用` : '未达到使用门槛';
    case 'category_scope':
      return '仅限指定品类商品使用';
    case 'gift_not_in_cart':
      return '需先将赠品加入购物车';
    case 'wrong_store':
      return '不适用于当前门店';
    case 'not_yet_valid':
      return '尚未到使用时间';
    case 'in_use':
      return '已被一笔待支付订单占用';
    default:
      return '当前订单不可用';
  }
}

/** The coupon id a choice resolves to, given the server's suggestion. */
export function chosenCouponId(choice: CouponChoice, suggested: number | null): number | undefined {
  if (choice === 'none') return undefined;
  if (choice === 'auto') return suggested ?? undefined;
  return choice;
}
