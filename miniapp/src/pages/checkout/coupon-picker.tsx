import { Text, View } from '@tarojs/components';
import type { CouponCandidateView } from '@o2o/shared';
import { CouponCard } from '../../components/coupon-card';
import { unusableText } from '../../checkout/coupon-choice';
import { yuan } from '../../utils/format';

/**
 * The coupon list of the checkout: usable coupons (the server's best first, with what each saves), "不使用优惠券",
 * then the unusable ones greyed out with the server's reason.
 */
export function CouponPicker({
  candidates,
  selectedId,
  suggestedId,
  onPick,
}: {
  candidates: CouponCandidateView[];
  selectedId: number | undefined;
  suggestedId: number | null;
  onPick: (id: number | 'none') => void;
}) {
  const usable = candidates.filter((c) => c.usable);
  const unusable = candidates.filter((c) => !c.usable);
  return (
    <View className='coupon-picker'>
      <Text className='coupon-picker__heading'>可用优惠券（{usable.length}）</Text>
      {usable.map((c) => (
        <CouponCard
          key={c.coupon.id}
          coupon={c.coupon}
          validity={{ from: c.coupon.validFrom, to: c.coupon.validTo }}
          note={`本单可省 ${yuan(c.discountFen)}${c.coupon.id === suggestedId ? ' · 推荐' : ''}`}
          selected={c.coupon.id === selectedId}
          onClick={() => onPick(c.coupon.id)}
          action={<Text className={`coupon-picker__radio ${c.coupon.id === selectedId ? 'coupon-picker__radio--on' : ''}`} />}
        />
      ))}
      <View className={`coupon-picker__none ${selectedId === undefined ? 'coupon-picker__none--on' : ''}`} onClick={() => onPick('none')}>
        <Text>不使用优惠券</Text>
        <Text className={`coupon-picker__radio ${selectedId === undefined ? 'coupon-picker__radio--on' : ''}`} />
      </View>
      {unusable.length > 0 && <Text className='coupon-picker__heading'>不可用优惠券（{unusable.length}）</Text>}
      {unusable.map((c) => (
        <CouponCard key={c.coupon.id} coupon={c.coupon} validity={{ from: c.coupon.validFrom, to: c.coupon.validTo }} note={unusableText(c)} muted />
      ))}
    </View>
  );
}
