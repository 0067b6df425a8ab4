import { useMemo } from 'react';
import { Text, View } from '@tarojs/components';
import { usePullDownRefresh, useRouter } from '@tarojs/taro';
import { ErrorState, LoadingState } from '../../components/state-view';
import { useCouponCount } from '../../hooks/use-coupon-count';
import { useSession } from '../../hooks/use-session';
import { useUnreadCount } from '../../hooks/use-unread';
import { PhoneBindButton } from '../../platform/phone';
import { openPage, PAGES, pullToRefresh } from '../../utils/nav';
import { entryScene } from '../../utils/scene';
import { JoinCard } from './join-card';
import { MemberCard } from './member-card';
import { ServiceCard } from './service-card';
import { WelcomeBanner } from './welcome-banner';
import './index.scss';

/**
 * Entry page and member centre. Store and clerk codes open it with `scene`: silent login with the scene
 * (attribution), the store and clerk greeting, the invitation to join for fans, the member card after.
 */
export default function IndexPage() {
  const { params } = useRouter();
  const scene = useMemo(() => entryScene(params), [params.scene, params.q]);
  const { state, retry, refresh, bindPhone, binding, bindError, welcomePoints } = useSession(scene);

  const ready = state.status === 'ready';
  const { count: couponCount, reload: reloadCoupons } = useCouponCount(ready, welcomePoints);
  const { unread, reload: reloadUnread } = useUnreadCount(ready);

  usePullDownRefresh(() => pullToRefresh(async () => (await Promise.all([refresh(), reloadCoupons(), reloadUnread()]))[0]));

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
      <WelcomeBanner store={customer.store} clerk={customer.clerk} />

      {welcomePoints !== null && (
        <View className='index-page__gift'>
          <Text className='index-page__gift-title'>入会礼已到账</Text>
          <Text className='index-page__gift-text'>获得 {welcomePoints} 积分</Text>
          <Text className='index-page__gift-note'>积分可在门店消费时抵现，会员价商品还可用积分换购</Text>
        </View>
      )}

      {!customer.isMember && (
        <JoinCard error={bindError}>
          <PhoneBindButton onCode={bindPhone} busy={binding} />
        </JoinCard>
      )}

      <MemberCard customer={customer} onOpenPoints={() => openPage(PAGES.points)} onOpenCode={() => openPage(PAGES.memberCode)} />

      <View className='index-page__actions'>
        <View className='index-page__action' onClick={() => openPage(PAGES.menu)}>
          <Text className='index-page__action-icon'>购</Text>
          <Text className='index-page__action-title'>门店菜单</Text>
          <Text className='index-page__action-text'>{customer.isMember ? '会员价已为您生效' : '会员价 现金+积分'}</Text>
        </View>
        <View className='index-page__action' onClick={() => openPage(PAGES.points)}>
          <Text className='index-page__action-icon index-page__action-icon--gold'>积</Text>
          <Text className='index-page__action-title'>积分明细</Text>
          <Text className='index-page__action-text'>每一笔积分都有记录</Text>
        </View>
      </View>

      <View className='card index-page__links'>
        <View className='link-row' onClick={() => openPage(PAGES.inbox)}>
          <Text className='link-row__label'>消息</Text>
          {unread > 0 && <Text className='badge index-page__badge'>{unread > 99 ? '99+' : unread}</Text>}
          <Text className='link-row__chevron'>›</Text>
        </View>
        <View className='link-row' onClick={() => openPage(PAGES.coupons)}>
          <Text className='link-row__label'>我的优惠券</Text>
          {couponCount !== null && couponCount > 0 && <Text className='link-row__value index-page__count'>{couponCount} 张可用</Text>}
          <Text className='link-row__chevron'>›</Text>
        </View>
        <View className='link-row' onClick={() => openPage(PAGES.couponCenter)}>
          <Text className='link-row__label'>领券中心</Text>
          <Text className='link-row__chevron'>›</Text>
        </View>
        <View className='link-row' onClick={() => openPage(PAGES.orders)}>
          <Text className='link-row__label'>我的订单</Text>
          <Text className='link-row__chevron'>›</Text>
        </View>
      </View>

      <ServiceCard store={customer.store} clerk={customer.clerk} memberSince={customer.memberSince} />

      <View className='index-page__footer' onClick={() => openPage(PAGES.clerkHome)}>
        <Text className='index-page__footer-link'>导购入口</Text>
      </View>
    </View>
  );
}
