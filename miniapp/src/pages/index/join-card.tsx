import type { PropsWithChildren } from 'react';
import { Text, View } from '@tarojs/components';

/** The fan's invitation to become a member; the platform's phone button goes inside. */
export function JoinCard({ error, children }: PropsWithChildren<{ error: string | null }>) {
  return (
    <View className='card join-card'>
      <Text className='card__title'>成为会员</Text>
      <Text className='card__text join-card__text'>绑定手机号即可入会，立享入会积分与专属优惠</Text>
      {children}
      {error && <Text className='join-card__error'>{error}</Text>}
    </View>
  );
}
