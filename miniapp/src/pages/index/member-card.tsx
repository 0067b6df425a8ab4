import { Text, View } from '@tarojs/components';
import type { CustomerView } from '@o2o/shared';
import { memberBadge } from '../../utils/member-level';

/** Status (粉丝 / 会员 + level), the masked phone for members, the points balance with the way to the ledger. */
export function MemberCard({ customer, onOpenPoints }: { customer: CustomerView; onOpenPoints: () => void }) {
  return (
    <View className={`member-card ${customer.isMember ? 'member-card--member' : 'member-card--fan'}`}>
      <View className='member-card__head'>
        <Text className='member-card__status'>{memberBadge(customer)}</Text>
        {customer.isMember && customer.phoneMasked && <Text className='member-card__phone'>{customer.phoneMasked}</Text>}
      </View>
      <View className='member-card__body' onClick={onOpenPoints}>
        <View>
          <Text className='member-card__label'>我的积分</Text>
          <Text className='member-card__points'>{customer.pointsBalance}</Text>
        </View>
        <Text className='member-card__more'>积分明细 ›</Text>
      </View>
    </View>
  );
}
