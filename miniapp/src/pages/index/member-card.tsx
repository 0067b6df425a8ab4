import { Text, View } from '@tarojs/components';
import type { CustomerView } from '@o2o/shared';
import { memberBadge } from '../../utils/member-level';

/**
 * Status (粉丝 / 会员 + level), the masked phone for members, the points balance with the way to the ledger, and the
 * member code (会员码) one tap away: it is what the customer shows at the till.
 */
export function MemberCard({ customer, onOpenPoints, onOpenCode }: { customer: CustomerView; onOpenPoints: () => void; onOpenCode: () => void }) {
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
      <View className='member-card__code' onClick={onOpenCode}>
        <Text className='member-card__code-icon'>码</Text>
        <View className='member-card__code-text'>
          <Text className='member-card__code-title'>会员码</Text>
          <Text className='member-card__code-sub'>{customer.isMember ? '到店结账出示，享会员价、积分抵现' : '到店结账出示，消费记录到账户'}</Text>
        </View>
        <Text className='member-card__code-go'>出示 ›</Text>
      </View>
    </View>
  );
}
