import { Text, View } from '@tarojs/components';
import { EmptyState } from '../../../components/state-view';

/** Placeholder of the clerk subpackage: the clerk tools (bind, my QR code, redeem) come later. */
export default function ClerkHomePage() {
  return (
    <View className='page'>
      <View className='card'>
        <Text className='card__title'>导购工作台</Text>
        <EmptyState title='敬请期待' text='核销、我的二维码与顾客管理即将上线' />
      </View>
    </View>
  );
}
