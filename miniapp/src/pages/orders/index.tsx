import { useCallback } from 'react';
import { Text, View } from '@tarojs/components';
import { usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import type { OrderView } from '@o2o/shared';
import { listOrders } from '../../api/orders';
import { ListFooter } from '../../components/list-footer';
import { EmptyState, ErrorState, LoadingState } from '../../components/state-view';
import { usePagedList } from '../../hooks/use-paged-list';
import { ensureConsumer } from '../../services/consumer-session';
import { dateTime, yuan } from '../../utils/format';
import { openPage, PAGES, pullToRefresh } from '../../utils/nav';
import { awaitingPickup, isInStore, orderStateText } from '../../utils/order-status';
import './index.scss';

const orderKey = (o: OrderView) => o.id;

/** 我的订单: pre-orders and purchases at the counter (门店消费), newest first, infinite scroll, pull-to-refresh; a row opens the order. */
export default function OrdersPage() {
  const fetchPage = useCallback(async (cursor: string | undefined) => {
    await ensureConsumer();
    return listOrders(cursor);
  }, []);
  const list = usePagedList(fetchPage, orderKey);
  usePullDownRefresh(() => pullToRefresh(list.refresh));
  useReachBottom(() => void list.loadMore());

  if (list.status === 'loading') return <View className='page'><LoadingState /></View>;
  if (list.status === 'error') return <View className='page'><ErrorState message={list.error ?? '加载失败'} onRetry={() => void list.refresh()} /></View>;

  return (
    <View className='page orders-page'>
      {list.items.length === 0 ? (
        <View className='card'>
          <EmptyState title='还没有订单' text='去菜单点一单吧' />
        </View>
      ) : (
        <>
          {list.items.map((o) => (
            <View key={o.id} className='card orders-page__row' onClick={() => openPage(PAGES.order, { id: o.id })}>
              <View className='orders-page__row-head'>
                <View className='orders-page__head-left'>
                  {isInStore(o.channel) && <Text className='chip chip--gold orders-page__channel'>门店消费</Text>}
                  <Text className='orders-page__date'>{dateTime(o.paidAt ?? o.createdAt)}</Text>
                </View>
                <Text className={`chip orders-page__status ${awaitingPickup(o) ? '' : 'chip--muted'}`}>{orderStateText(o)}</Text>
              </View>
              <Text className='orders-page__items'>
                {o.items.map((l) => `${l.name}×${l.quantity}`).join('、')}
              </Text>
              <View className='orders-page__row-foot'>
                {awaitingPickup(o) ? (
                  <Text className='orders-page__pickup'>取餐码 {o.pickupCode}</Text>
                ) : (
                  <Text className='orders-page__points'>{o.pointsEarned > 0 ? `+${o.pointsEarned} 积分` : ''}</Text>
                )}
                <Text className='price'>{yuan(o.payableFen)}</Text>
              </View>
            </View>
          ))}
          <ListFooter hasMore={list.hasMore} loading={list.loadingMore} error={list.moreError} onRetry={() => void list.loadMore()} />
        </>
      )}
    </View>
  );
}
