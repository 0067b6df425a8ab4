import type { ProductView } from '@o2o/shared';
import { yuan } from '../orders/format';

/** The kind of member price a SKU has: 无会员价, 仅现金 (member price, no points), 现金+积分 (spent), 现金送积分 (given). */
export type MemberPriceKind = 'none' | 'cash' | 'spend' | 'give';

export const MEMBER_PRICE_KIND: Record<MemberPriceKind, string> = { none: '无会员价', cash: '会员价（仅现金）', spend: '现金+积分', give: '现金送积分' };

export function memberPriceKind(p: Pick<ProductView, 'memberPriceFen' | 'memberPoints' | 'memberPointsGiven'>): MemberPriceKind {
  if (p.memberPriceFen === undefined || p.memberPriceFen === null) return 'none';
  if ((p.memberPointsGiven ?? 0) > 0) return 'give';
  return (p.memberPoints ?? 0) > 0 ? 'spend' : 'cash';
}

/**
 * A member price as the price tag reads it (the source's words): "¥1.90 + 6 积分" (points spent), "¥29.90 送 30 积分"
 * (points given), "¥15.90" (cash only), "—" (none).
 */
export function memberPriceText(p: Pick<ProductView, 'memberPriceFen' | 'memberPoints' | 'memberPointsGiven'>): string {
  const kind = memberPriceKind(p);
  if (kind === 'none') return '—';
  const cash = yuan(p.memberPriceFen!);
  if (kind === 'give') return `${cash} 送 ${p.memberPointsGiven} 积分`;
  if (kind === 'spend') return `${cash} + ${p.memberPoints} 积分`;
  return cash;
}

export const PRODUCT_STATUS: Record<'active' | 'inactive', { text: string; color: string }> = {
  active: { text: '在售', color: 'green' },
  inactive: { text: '已下架', color: 'default' },
};
