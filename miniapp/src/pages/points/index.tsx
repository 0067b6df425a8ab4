import { useCallback } from 'react';
import { Text, View } from '@tarojs/components';
import { usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import type { PointsLedgerItem } from '@o2o/shared';
import { getLedger } from '../../api/points';
import { ListFooter } from '../../components/list-footer';
import { EmptyState, ErrorState, LoadingState } from '../../components/state-view';
import { useCustomer } from '../../hooks/use-customer';
import { usePagedList } from '../../hooks/use-paged-list';
import { ensureConsumer } from '../../services/consumer-session';
import { dateTime, signed } from '../../utils/format';
import { pullToRefresh } from '../../utils/nav';
import { pointsReasonLabel } from '../../utils/points-reason';
import './index.scss';

const ledgerKey = (item: PointsLedgerItem) => item.id;

/** 积分明细: the balance, then every movement newest first; infinite scroll and pull-to-refresh. */
export default function PointsPage() {
  const { state: me, reload: reloadMe } = useCustomer();
  const fetchPage = useCallback(async (cursor: string | undefined) => {
    await ensureConsumer();
    return getLedger(cursor);
  }, []);
  const list = usePagedList(fetchPage, ledgerKey);

  usePullDownRefresh(() => pullToRefresh(async () => (await Promise.all([list.refresh(), reloadMe()])).every(Boolean)));
  useReachBottom(() => void list.loadMore());

  if (list.status === 'loading') {
    return (
      <View className='page'>
        <LoadingState />
      </View>
    );
  }
  if (list.status === 'error') {
    return (
      <View className='page'>
        <ErrorState message={list.error ?? '加载失败'} onRetry={() => void list.refresh()} />
      </View>
    );
  }

  // The newest entry's balance is the balance as of this list; /me is fresher when it has answered.
  const balance = me.status === 'ready' ? me.customer.pointsBalance : (list.items[0]?.balanceAfter ?? 0);
  return (
    <View className='page points-page'>
      <View className='points-page__summary'>
        <Text className='points-page__summary-label'>当前积分</Text>
        <Text className='points-page__summary-value'>{balance}</Text>
        <Text className='points-page__summary-note'>积分可在门店消费抵现，也可用于会员价换购</Text>
      </View>

      {list.items.length === 0 ? (
        <View className='card'>
          <EmptyState title='暂无积分记录' text='成为会员、到店消费都会获得积分' />
        </View>
      ) : (
        <View className='card points-page__list'>
          {list.items.map((item) => (
            <View key={item.id} className='points-row'>
              <View className='points-row__main'>
                <Text className='points-row__reason'>{pointsReasonLabel(item.reason)}</Text>
                <Text className='points-row__time'>{dateTime(item.createdAt)}</Text>
              </View>
              <View className='points-row__side'>
                <Text className={`points-row__delta ${item.delta > 0 ? 'points-row__delta--gain' : 'points-row__delta--spend'}`}>
                  {signed(item.delta)}
                </Text>
                <Text className='points-row__balance'>余额 {item.balanceAfter}</Text>
              </View>
            </View>
          ))}
          <ListFooter hasMore={list.hasMore} loading={list.loadingMore} error={list.moreError} onRetry={() => void list.loadMore()} />
        </View>
      )}
    </View>
  );
}
