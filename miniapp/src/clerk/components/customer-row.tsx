import { Text, View } from '@tarojs/components';
import type { StaffCustomerView } from '@o2o/shared';
import { timeAgo } from '../../utils/format';

/** One customer in the clerk's list: who (masked phone), status, points, a few tags, last visit. */
export function CustomerRow({ customer, now, onOpen }: { customer: StaffCustomerView; now: number; onOpen: () => void }) {
  const tags = customer.tags.slice(0, 3);
  return (
    <View className='customer-row' onClick={onOpen}>
      <View className='customer-row__main'>
        <View className='customer-row__head'>
          <Text className='customer-row__name'>{customer.phoneMasked ?? '未绑定手机号'}</Text>
          <Text className={`chip ${customer.isMember ? 'chip--gold' : 'chip--muted'} customer-row__status`}>
            {customer.isMember ? '会员' : '粉丝'}
          </Text>
        </View>
        <View className='customer-row__tags'>
          {tags.map((t) => (
            <Text key={t.id} className='chip customer-row__tag'>
              {t.name}
            </Text>
          ))}
          {customer.tags.length > tags.length && <Text className='chip chip--muted customer-row__tag'>+{customer.tags.length - tags.length}</Text>}
        </View>
      </View>
      <View className='customer-row__side'>
        <Text className='customer-row__points'>{customer.pointsBalance} 积分</Text>
        <Text className='customer-row__visit'>{customer.lastVisitAt ? `${timeAgo(customer.lastVisitAt, now)}到店` : '暂无到店记录'}</Text>
      </View>
    </View>
  );
}
