import { Text, View } from '@tarojs/components';
import type { CustomerView } from '@o2o/shared';
import { date } from '../../utils/format';

/** My store, my clerk and member-since: shown once there is something to show. */
export function ServiceCard({ store, clerk, memberSince }: Pick<CustomerView, 'store' | 'clerk' | 'memberSince'>) {
  if (!store && !clerk && !memberSince) return null;
  return (
    <View className='card service-card'>
      <Text className='card__title'>我的专属服务</Text>
      {store && (
        <View className='link-row'>
          <Text className='link-row__label'>我的门店</Text>
          <Text className='link-row__value'>{store.name}</Text>
        </View>
      )}
      {clerk && (
        <View className='link-row'>
          <Text className='link-row__label'>专属导购</Text>
          <Text className='link-row__value'>{clerk.name}</Text>
        </View>
      )}
      {memberSince && (
        <View className='link-row'>
          <Text className='link-row__label'>入会时间</Text>
          <Text className='link-row__value'>{date(memberSince)}</Text>
        </View>
      )}
    </View>
  );
}
