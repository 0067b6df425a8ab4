import { useCallback, useState } from 'react';
import { Text, View } from '@tarojs/components';
import { usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import type { StaffCustomerView } from '@o2o/shared';
import { ListFooter } from '../../../components/list-footer';
import { EmptyState, ErrorState, LoadingState } from '../../../components/state-view';
import { usePagedList } from '../../../hooks/use-paged-list';
import { openPage, PAGES, pullToRefresh } from '../../../utils/nav';
import { listCustomers, type CustomerFilter } from '../../api/clerk';
import { CustomerRow } from '../../components/customer-row';
import { useStaffGuard } from '../../hooks/use-staff-guard';
import type { StaffSession } from '../../stores/staff-session';
import { roleName } from '../../utils/clerk-error';
import './index.scss';

const FILTERS: { key: string; label: string; filter: CustomerFilter }[] = [
  { key: 'all', label: '全部', filter: {} },
  { key: 'member', label: '会员', filter: { isMember: true } },
  { key: 'fan', label: '粉丝', filter: { isMember: false } },
];

const customerKey = (c: StaffCustomerView) => c.id;

/** 导购工作台: the clerk's own customers (a store manager's: the store's), filterable, newest first. */
export default function ClerkHomePage() {
  const session = useStaffGuard(PAGES.clerkHome);
  if (!session) {
    return (
      <View className='page'>
        <LoadingState text='正在验证导购身份…' />
      </View>
    );
  }
  return <Workbench session={session} />;
}

function Workbench({ session }: { session: StaffSession }) {
  const [filterKey, setFilterKey] = useState('all');
  const fetchPage = useCallback(
    (cursor: string | undefined) => listCustomers(FILTERS.find((f) => f.key === filterKey)?.filter ?? {}, cursor),
    [filterKey],
  );
  const list = usePagedList(fetchPage, customerKey, [filterKey]);
  const now = Date.now();

  usePullDownRefresh(() => pullToRefresh(list.refresh));
  useReachBottom(() => void list.loadMore());

  const { staff } = session;
  const manager = staff.role === 'store_manager';
  return (
    <View className='page clerk-home'>
      <View className='clerk-home__hero'>
        <Text className='clerk-home__hello'>{staff.name}，您好</Text>
        <Text className='clerk-home__role'>{roleName(staff.role)} · 小食光导购工作台</Text>
      </View>

      <View className='clerk-home__bar'>
        <Text className='clerk-home__title'>{manager ? '门店顾客' : '我的顾客'}</Text>
        <View className='clerk-home__filters'>
          {FILTERS.map((f) => (
            <Text
              key={f.key}
              className={`chip ${f.key === filterKey ? '' : 'chip--muted'} clerk-home__filter`}
              onClick={() => setFilterKey(f.key)}
            >
              {f.label}
            </Text>
          ))}
        </View>
      </View>

      {list.status === 'loading' && <LoadingState />}
      {list.status === 'error' && <ErrorState message={list.error ?? '加载失败'} onRetry={() => void list.refresh()} />}
      {list.status === 'ready' &&
        (list.items.length === 0 ? (
          <View className='card'>
            <EmptyState title='暂无顾客' text='顾客扫描您的导购码后会出现在这里' />
          </View>
        ) : (
          <View className='card clerk-home__list'>
            {list.items.map((c) => (
              <CustomerRow key={c.id} customer={c} now={now} onOpen={() => openPage(PAGES.clerkCustomer, { id: c.id })} />
            ))}
            <ListFooter hasMore={list.hasMore} loading={list.loadingMore} error={list.moreError} onRetry={() => void list.loadMore()} />
          </View>
        ))}
    </View>
  );
}
