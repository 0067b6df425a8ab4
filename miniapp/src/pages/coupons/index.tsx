import { useCallback, useEffect, useRef, useState } from 'react';
import { Text, View } from '@tarojs/components';
import { usePullDownRefresh } from '@tarojs/taro';
import type { CouponStatus, CouponView } from '@o2o/shared';
import { listCoupons } from '../../api/coupons';
import { CouponCard } from '../../components/coupon-card';
import { EmptyState, ErrorState, LoadingState } from '../../components/state-view';
import { STATUS_TEXT } from '../../coupon/coupon-text';
import { ensureConsumer } from '../../services/consumer-session';
import { describeError } from '../../utils/error-message';
import { openPage, PAGES, pullToRefresh } from '../../utils/nav';
import './index.scss';

const TABS: { status: CouponStatus; label: string; empty: string }[] = [
  { status: 'issued', label: '可使用', empty: '暂无可用的优惠券' },
  { status: 'redeemed', label: '已使用', empty: '还没有用过优惠券' },
  { status: 'expired', label: '已过期', empty: '没有过期的优惠券' },
];

type ListState = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; items: CouponView[] };

/** 我的优惠券: available / used / expired tabs, pull-to-refresh; an available coupon opens its code. */
export default function CouponsPage() {
  const [tab, setTab] = useState<CouponStatus>('issued');
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const latest = useRef(0);

  const load = useCallback(async (): Promise<boolean> => {
    const run = ++latest.current;
    try {
      await ensureConsumer();
      const items = await listCoupons(tab);
      if (run === latest.current) setList({ status: 'ready', items });
      return true;
    } catch (err) {
      // A refresh that fails keeps the list on screen; only a first load becomes the error page.
      if (run === latest.current) setList((s) => (s.status === 'ready' ? s : { status: 'error', message: describeError(err, '优惠券加载失败') }));
      return false;
    }
  }, [tab]);

  useEffect(() => {
    setList({ status: 'loading' });
    void load();
  }, [load]);
  usePullDownRefresh(() => pullToRefresh(load));

  const current = TABS.find((t) => t.status === tab) ?? TABS[0];
  return (
    <View className='page coupons-page'>
      <View className='coupons-page__tabs'>
        {TABS.map((t) => (
          <Text key={t.status} className={`coupons-page__tab ${t.status === tab ? 'coupons-page__tab--active' : ''}`} onClick={() => setTab(t.status)}>
            {t.label}
          </Text>
        ))}
      </View>

      <View className='coupons-page__center' onClick={() => openPage(PAGES.couponCenter)}>
        <Text className='coupons-page__center-title'>领券中心</Text>
        <Text className='coupons-page__center-text'>门店好券限时领取 ›</Text>
      </View>

      {list.status === 'loading' && <LoadingState />}
      {list.status === 'error' && <ErrorState message={list.message} onRetry={() => void load()} />}
      {list.status === 'ready' &&
        (list.items.length === 0 ? (
          <View className='card'>
            <EmptyState title={current.empty} text={tab === 'issued' ? '去领券中心看看有没有新券' : undefined} />
          </View>
        ) : (
          list.items.map((c) => (
            <CouponCard
              key={c.id}
              coupon={c}
              validity={{ from: c.validFrom, to: c.validTo }}
              muted={c.status !== 'issued'}
              onClick={() => openPage(PAGES.coupon, { id: c.id })}
              action={
                c.status === 'issued' ? (
                  <Text className='btn btn--primary btn--small coupons-page__use'>去使用</Text>
                ) : (
                  <Text className='coupons-page__stamp'>{STATUS_TEXT[c.status] ?? c.status}</Text>
                )
              }
            />
          ))
        ))}
    </View>
  );
}
