import { useCallback, useState } from 'react';
import { Text, View } from '@tarojs/components';
import { usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import type { InboxMessageView } from '@o2o/shared';
import { listInbox, markAllInboxRead, markInboxRead } from '../../api/inbox';
import { ListFooter } from '../../components/list-footer';
import { EmptyState, ErrorState, LoadingState } from '../../components/state-view';
import { usePagedList } from '../../hooks/use-paged-list';
import { ensureConsumer } from '../../services/consumer-session';
import { timeAgo } from '../../utils/format';
import { openPage, PAGES, pullToRefresh } from '../../utils/nav';
import './index.scss';

const keyOf = (m: InboxMessageView) => m.id;

/** 消息: offers from the brand and the customer's clerk, newest first; reading one marks it read. */
export default function InboxPage() {
  const fetchPage = useCallback(async (cursor: string | undefined) => {
    await ensureConsumer();
    return listInbox(cursor);
  }, []);
  const list = usePagedList(fetchPage, keyOf);
  const [read, setRead] = useState<Record<number, true>>({});
  usePullDownRefresh(() =>
    pullToRefresh(async () => {
      const ok = await list.refresh();
      setRead({});
      return ok;
    }),
  );
  useReachBottom(() => void list.loadMore());

  if (list.status === 'loading') return <View className='page'><LoadingState /></View>;
  if (list.status === 'error') return <View className='page'><ErrorState message={list.error ?? '加载失败'} onRetry={() => void list.refresh()} /></View>;

  const isRead = (m: InboxMessageView) => m.read || read[m.id];
  const unread = list.items.filter((m) => !isRead(m));
  const open = (m: InboxMessageView) => {
    if (!isRead(m)) {
      setRead((r) => ({ ...r, [m.id]: true }));
      void markInboxRead(m.id).catch(() => undefined); // shown as read; the next load corrects a lost mark
    }
    if (m.couponId) openPage(PAGES.coupon, { id: m.couponId });
  };
  const readAll = () => {
    setRead(Object.fromEntries(list.items.map((m) => [m.id, true])));
    void markAllInboxRead().catch(() => undefined);
  };

  return (
    <View className='page inbox-page'>
      {unread.length > 0 && (
        <View className='inbox-page__bar'>
          <Text className='inbox-page__count'>{unread.length} 条未读</Text>
          <Text className='inbox-page__read-all' onClick={readAll}>全部已读</Text>
        </View>
      )}
      {list.items.length === 0 ? (
        <View className='card'>
          <EmptyState title='暂无消息' text='专属优惠和门店通知会出现在这里' />
        </View>
      ) : (
        <>
          {list.items.map((m) => (
            <View key={m.id} className={`card inbox-page__item ${isRead(m) ? 'inbox-page__item--read' : ''}`} onClick={() => open(m)}>
              <View className='inbox-page__head'>
                {!isRead(m) && <Text className='inbox-page__dot' />}
                <Text className='inbox-page__title'>{m.title}</Text>
                <Text className='inbox-page__time'>{timeAgo(m.at)}</Text>
              </View>
              <Text className='inbox-page__body'>{m.body}</Text>
              {m.couponId && <Text className='inbox-page__coupon'>优惠券已放入卡包，点击查看 ›</Text>}
            </View>
          ))}
          <ListFooter hasMore={list.hasMore} loading={list.loadingMore} error={list.moreError} onRetry={() => void list.loadMore()} />
        </>
      )}
    </View>
  );
}
