import { Text, View } from '@tarojs/components';
import type { PhoneBindButtonProps } from './types';

/**
 * Typed fallback for targets without a `phone.<platform>.tsx`. The real implementations are
 * `phone.weapp.tsx` (the getPhoneNumber button) and `phone.h5.tsx` (phone input + the emulator).
 */
export function PhoneBindButton(_props: PhoneBindButtonProps) {
  return (
    <View className='phone-bind'>
      <Text className='phone-bind__hint'>当前环境暂不支持绑定手机号</Text>
    </View>
  );
}
