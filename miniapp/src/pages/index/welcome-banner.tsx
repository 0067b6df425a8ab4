import { Text, View } from '@tarojs/components';
import type { CustomerView } from '@o2o/shared';

/** "欢迎光临 XX店，您的专属导购 XX", or a general welcome when the visit is not attributed to a store. */
export function WelcomeBanner({ store, clerk }: Pick<CustomerView, 'store' | 'clerk'>) {
  return (
    <View className='welcome-banner'>
      <Text className='welcome-banner__brand'>小食光 · 会员中心</Text>
      {store ? (
        <Text className='welcome-banner__title'>欢迎光临 {store.name}</Text>
      ) : (
        <Text className='welcome-banner__title'>欢迎来到会员中心</Text>
      )}
      {clerk ? (
        <Text className='welcome-banner__text'>您的专属导购 {clerk.name}</Text>
      ) : (
        !store && <Text className='welcome-banner__text'>扫描门店或导购的二维码，享受专属服务</Text>
      )}
    </View>
  );
}
