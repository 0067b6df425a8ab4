import type { PropsWithChildren } from 'react';
import { Text, View } from '@tarojs/components';

const BENEFITS = [
  { title: '入会礼', text: '绑定即得积分礼包' },
  { title: '会员价', text: '现金 + 积分，更划算' },
  { title: '专属导购', text: '一对一贴心服务' },
];

/** The fan's invitation to become a member; the platform's phone button goes inside. */
export function JoinCard({ error, children }: PropsWithChildren<{ error: string | null }>) {
  return (
    <View className='card join-card'>
      <Text className='card__title'>成为会员</Text>
      <Text className='card__text join-card__text'>绑定手机号即可入会，立享入会积分与会员专属价</Text>
      <View className='join-card__benefits'>
        {BENEFITS.map((b) => (
          <View key={b.title} className='join-card__benefit'>
            <Text className='join-card__benefit-title'>{b.title}</Text>
            <Text className='join-card__benefit-text'>{b.text}</Text>
          </View>
        ))}
      </View>
      {children}
      {error && <Text className='join-card__error'>{error}</Text>}
      <Text className='join-card__privacy'>仅用于会员身份识别，号码将加密保存</Text>
    </View>
  );
}
