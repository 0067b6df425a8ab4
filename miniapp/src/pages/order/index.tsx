import { useCallback, useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import type { OrderView } from '@o2o/shared';
import { getOrder } from '../../api/orders';
import { OrderSummary } from '../../components/order-summary';
import { ErrorState, LoadingState } from '../../components/state-view';
import { ensureConsumer } from '../../services/consumer-session';
import { describeError } from '../../utils/error-message';
import { dateTime } from '../../utils/format';
import { openPage, PAGES, pullToRefresh } from '../../utils/nav';
import { awaitingPickup, isInStore, orderStateText } from '../../utils/order-status';
import { SubscribeCard } from '../../components/subscribe-card';
import './index.scss';

type State = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; order: OrderView };

/**
 * 订单详情 (also the result page after paying, `?paid=1`): status, the pickup code while the pre-order waits at the
 * counter, 已取货 once the store handed it over, lines and amounts. A purchase at the counter (门店消费) has no pickup.
 */
export default function OrderPage() {
  const { params } = Taro.useRouter();
  const id = Number(params.id);
  const justPaid = params.paid === '1';
  const [state, setState] = useState<State>({ status: 'loading' });

  const load = useCallback(async () => {
    if (!Number.isInteger(id) || id <= 0) {
      setState({ status: 'error', message: '订单不存在' });
      return false;
    }
    try {
      await ensureConsumer();
      setState({ status: 'ready', order: await getOrder(id) });
      return true;
    } catch (err) {
      setState((s) => (s.status === 'ready' ? s : { status: 'error', message: describeError(err, '订单加载失败') }));
      return false;
    }
  }, [id]);

  useEffect(() => {
    void load();
  }, [load]);
  usePullDownRefresh(() => pullToRefresh(load));

  if (state.status === 'loading') return <View className='page'><LoadingState /></View>;
  if (state.status === 'error') return <View className='page'><ErrorState message={state.message} onRetry={() => void load()} /></View>;

  const { order } = state;
  const paid = order.status !== 'created' && order.status !== 'closed';
  const inStore = isInStore(order.channel);
  return (
    <View className='page order-page'>
      <View className='card order-page__head'>
        {inStore && <Text className='chip chip--gold order-page__channel'>门店消费</Text>}
        <Text className={`order-page__status ${order.pickedUpAt ? 'order-page__status--done' : ''}`}>
          {justPaid && order.status === 'paid' && !order.pickedUpAt ? '支付成功' : orderStateText(order)}
        </Text>
        {awaitingPickup(order) && (
          <>
            <Text className='order-page__pickup-label'>取餐码</Text>
            <Text className='order-page__pickup'>{order.pickupCode}</Text>
            <Text className='order-page__hint'>请凭取餐码到店取餐</Text>
          </>
        )}
        {order.pickedUpAt && (
          <Text className='order-page__hint'>
            {order.pickupCode ? `取餐码 ${order.pickupCode} · ` : ''}
            {dateTime(order.pickedUpAt)} 已在门店取货
          </Text>
        )}
        {order.status === 'created' && <Text className='order-page__hint'>请在 {dateTime(order.expiresAt)} 前完成支付</Text>}
        {paid && order.pointsEarned > 0 && <Text className='order-page__hint'>本单获得 {order.pointsEarned} 积分</Text>}
      </View>

      {justPaid && paid && <SubscribeCard />}

      <OrderSummary order={order} />

      <View className='card order-page__meta'>
        <Text className='order-page__meta-row'>订单号 {order.outTradeNo}</Text>
        <Text className='order-page__meta-row'>{inStore ? '消费时间' : '下单时间'} {dateTime(order.createdAt)}</Text>
        {order.paidAt && <Text className='order-page__meta-row'>支付时间 {dateTime(order.paidAt)}</Text>}
        {order.pickedUpAt && <Text className='order-page__meta-row'>取货时间 {dateTime(order.pickedUpAt)}</Text>}
      </View>

      <View className='order-page__links'>
        <Text className='order-page__link' onClick={() => openPage(PAGES.orders)}>我的订单</Text>
        <Text className='order-page__link' onClick={() => openPage(PAGES.menu)}>继续点单</Text>
      </View>
    </View>
  );
}
