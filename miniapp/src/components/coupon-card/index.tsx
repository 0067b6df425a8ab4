import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import { couponFace, couponRule, validityText, type CouponTerms } from '../../coupon/coupon-text';
import './index.scss';

type CouponFaceFields = CouponTerms & { title: string };

/**
 * The coupon ticket used everywhere a coupon is shown (wallet, claim centre, checkout picker): the figure on a
 * red stub, title, rule and validity on the right, an action or status in the corner. `muted` greys it out.
 */
export function CouponCard({
  coupon,
  validity,
  note,
  action,
  muted = false,
  selected = false,
  onClick,
}: {
  coupon: CouponFaceFields;
  /** "2026.05.20 - 2026.05.26", or free text such as "领取后7天内有效". */
  validity?: { from: string; to: string } | string;
  /** A line under the rule (why a coupon is unusable, a saving). */
  note?: string;
  action?: ReactNode;
  muted?: boolean;
  selected?: boolean;
  onClick?: () => void;
}) {
  const face = couponFace(coupon);
  const validityLine = typeof validity === 'string' ? validity : validity ? validityText(validity.from, validity.to) : '';
  return (
    <View className={`coupon-card ${muted ? 'coupon-card--muted' : ''} ${selected ? 'coupon-card--selected' : ''}`} onClick={onClick}>
      <View className='coupon-card__stub'>
        <View className='coupon-card__face'>
          {face.unit === '元' && <Text className='coupon-card__currency'>¥</Text>}
          <Text className='coupon-card__value'>{face.value}</Text>
          {face.unit !== '元' && <Text className='coupon-card__unit'>{face.unit}</Text>}
        </View>
        <Text className='coupon-card__rule'>{couponRule(coupon)}</Text>
      </View>
      <View className='coupon-card__body'>
        <Text className='coupon-card__title'>{coupon.title}</Text>
        {validityLine && <Text className='coupon-card__validity'>{validityLine}</Text>}
        {note && <Text className='coupon-card__note'>{note}</Text>}
      </View>
      {action && <View className='coupon-card__action'>{action}</View>}
    </View>
  );
}
