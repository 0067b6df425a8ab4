import { Text, View } from '@tarojs/components';
import type { CustomerView } from '@o2o/shared';

/** Status (粉丝 / 会员), points balance and, for members, the masked phone. */
export function MemberCard({ customer }: { customer: CustomerView }) {
  return (
    <View className={`member-card ${customer.isMember ? 'member-card--member' : 'member-card--fan'}`}>
      <View className='member-card__head'>
        <Text className='member-card__status'>{customer.isMember ? '会员' : '粉丝'}</Text>
        {customer.isMember && customer.phoneMasked && (
          <Text className='member-card__phone'>{customer.phoneMasked}</Text>
        )}
      </View>
      <Text className='member-card__label'>积分</Text>
      <Text className='member-card__points'>{customer.pointsBalance}</Text>
    </View>
  );
}
