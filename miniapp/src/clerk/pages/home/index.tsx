import { useCallback, useMemo, useState } from 'react';
import { Text, View } from '@tarojs/components';
import { usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import type { StaffCustomerView } from '@o2o/shared';
import { ListFooter } from '../../../components/list-footer';
import { EmptyState, ErrorState, LoadingState } from '../../../components/state-view';
import { usePagedList } from '../../../hooks/use-paged-list';
import { openPage, PAGES, pullToRefresh } from '../../../utils/nav';
import { listCustomers } from '../../api/clerk';
import { CustomerRow } from '../../components/customer-row';
import { FigureTiles } from '../../components/figures';
import { OfferComposer } from '../../components/offer-composer';
import { describeFilter, tagLabel, toFilter, useSeenTags, type TagChip } from '../../utils/customer-filter';
import { usePerformance } from '../../hooks/use-performance';
import { useStaffGuard } from '../../hooks/use-staff-guard';
import type { StaffSession } from '../../stores/staff-session';
import { roleName } from '../../utils/clerk-error';
import './index.scss';

const STATUS: { key: string; label: string; isMember?: boolean }[] = [
  { key: 'all', label: '全部' },
  { key: 'member', label: '会员', isMember: true },
  { key: 'fan', label: '粉丝', isMember: false },
];
const DORMANT = [0, 30, 60, 90];

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
  const [statusKey, setStatusKey] = useState('all');
  const [dormantDays, setDormantDays] = useState(0);
  const [tag, setTag] = useState<TagChip | null>(null);
  const [composing, setComposing] = useState(false);
  const filter = useMemo(() => toFilter(STATUS.find((f) => f.key === statusKey)?.isMember, dormantDays, tag), [statusKey, dormantDays, tag]);
  const filterKey = JSON.stringify(filter);
  const fetchPage = useCallback((cursor: string | undefined) => listCustomers(filter, cursor), [filter]);
  const list = usePagedList(fetchPage, customerKey, [filterKey]);
  const tags = useSeenTags(list.items);
  const now = Date.now();

  const today = usePerformance(1);
  usePullDownRefresh(() => pullToRefresh(async () => (await Promise.all([list.refresh(), today.reload()]))[0]));
  useReachBottom(() => void list.loadMore());

  const { staff } = session;
  const manager = staff.role === 'store_manager';
  return (
    <View className='page clerk-home'>
      <View className='clerk-home__hero'>
        <Text className='clerk-home__hello'>{staff.name}，您好</Text>
        <Text className='clerk-home__role'>{roleName(staff.role)} · 小食光导购工作台</Text>
      </View>

      <View className='card clerk-home__today'>
        <View className='clerk-home__today-head'>
          <Text className='card__title'>{manager ? '门店今日' : '我的今日'}</Text>
          <Text className='clerk-home__today-more' onClick={() => openPage(PAGES.clerkPerformance)}>
            业绩明细 ›
          </Text>
        </View>
        {today.state.status === 'ready' ? (
          <FigureTiles totals={today.state.performance.totals} />
        ) : today.state.status === 'error' ? (
          <Text className='clerk-home__today-error' onClick={() => void today.reload()}>
            今日数据加载失败，点击重试
          </Text>
        ) : (
          <Text className='clerk-home__today-error'>加载中…</Text>
        )}
      </View>

      <View className='clerk-home__counter'>
        <View className='clerk-home__counter-item' onClick={() => openPage(PAGES.clerkCashier)}>
          <Text className='clerk-home__counter-title'>收银</Text>
          <Text className='clerk-home__counter-text'>扫会员码，会员价与积分结账</Text>
        </View>
        <View className='clerk-home__counter-item clerk-home__counter-item--gold' onClick={() => openPage(PAGES.clerkPickups)}>
          <Text className='clerk-home__counter-title'>预订取货</Text>
          <Text className='clerk-home__counter-text'>按取餐码交付线上预订</Text>
        </View>
      </View>

      <View className='clerk-home__tools'>
        <View className='clerk-home__tool' onClick={() => openPage(PAGES.clerkRedeem)}>
          <Text className='clerk-home__tool-icon'>核</Text>
          <Text className='clerk-home__tool-title'>扫码核销</Text>
        </View>
        <View className='clerk-home__tool' onClick={() => openPage(PAGES.clerkPerformance)}>
          <Text className='clerk-home__tool-icon clerk-home__tool-icon--gold'>绩</Text>
          <Text className='clerk-home__tool-title'>{manager ? '门店业绩' : '我的业绩'}</Text>
        </View>
        <View className='clerk-home__tool' onClick={() => openPage(PAGES.clerkQrCode)}>
          <Text className='clerk-home__tool-icon clerk-home__tool-icon--ink'>码</Text>
          <Text className='clerk-home__tool-title'>我的二维码</Text>
        </View>
      </View>

      <View className='clerk-home__bar'>
        <Text className='clerk-home__title'>{manager ? '门店顾客' : '我的顾客'}</Text>
        <View className='clerk-home__filters'>
          {STATUS.map((f) => (
            <Text key={f.key} className={`chip ${f.key === statusKey ? '' : 'chip--muted'} clerk-home__filter`} onClick={() => setStatusKey(f.key)}>
              {f.label}
            </Text>
          ))}
        </View>
      </View>
      <View className='clerk-home__more-filters'>
        {DORMANT.map((d) => (
          <Text key={d} className={`chip ${d === dormantDays ? 'chip--gold' : 'chip--muted'} clerk-home__filter`} onClick={() => setDormantDays(d)}>
            {d ? `${d}天未消费` : '不限'}
          </Text>
        ))}
        {tags.map((t) => (
          <Text
            key={`${t.group}-${t.id}`}
            className={`chip ${tag?.id === t.id ? 'chip--gold' : 'chip--muted'} clerk-home__filter`}
            onClick={() => setTag(tag?.id === t.id ? null : t)}
          >
            {tagLabel(t)}
          </Text>
        ))}
      </View>
      {!manager && list.status === 'ready' && list.items.length > 0 && !composing && (
        <Text className='clerk-home__offer' onClick={() => setComposing(true)}>
          给筛选出的顾客发专属优惠 ›
        </Text>
      )}
      {composing && <OfferComposer target={{ filter }} audience={describeFilter(filter, tag)} onClose={() => setComposing(false)} />}

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
