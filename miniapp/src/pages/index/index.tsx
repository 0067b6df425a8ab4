import { useMemo } from 'react';
import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { EmptyState, ErrorState, LoadingState } from '../../components/state-view';
import { useSession } from '../../hooks/use-session';
import { PhoneBindButton } from '../../platform/phone';
import { decodeScene } from '../../utils/scene';
import { JoinCard } from './join-card';
import { MemberCard } from './member-card';
import './index.scss';

/** Entry page (QR codes open it with `scene`): silent login, attribution, fan → member. */
export default function IndexPage() {
  const { params } = useRouter();
  const scene = useMemo(() => decodeScene(params.scene), [params.scene]);
  const { state, retry, bindPhone, binding, bindError, welcomePoints } = useSession(scene);

  if (state.status === 'loading') {
    return (
      <View className='page'>
        <LoadingState text='正在登录…' />
      </View>
    );
  }
  if (state.status === 'error') {
    return (
      <View className='page'>
        <ErrorState message={state.message} onRetry={retry} />
      </View>
    );
  }

  const { customer } = state;
  return (
    <View className='page index-page'>
      {customer.store || customer.clerk ? (
        <View className='card index-page__welcome'>
          {customer.store && <Text className='card__title'>欢迎光临 {customer.store.name}</Text>}
          {customer.clerk && <Text className='card__text'>您的专属导购 {customer.clerk.name}</Text>}
        </View>
      ) : (
        <View className='card'>
          <EmptyState title='欢迎来到会员中心' text='扫描门店或导购的二维码，享受专属服务' />
        </View>
      )}

      {welcomePoints !== null && (
        <View className='index-page__gift'>
          <Text className='index-page__gift-title'>入会礼已到账</Text>
          <Text className='index-page__gift-text'>获得 {welcomePoints} 积分</Text>
        </View>
      )}

      <MemberCard customer={customer} />

      {!customer.isMember && (
        <JoinCard error={bindError}>
          <PhoneBindButton onCode={bindPhone} busy={binding} />
        </JoinCard>
      )}
    </View>
  );
}
