import { useCallback, useEffect, useRef, useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import type { ClaimableTemplateView } from '@o2o/shared';
import { claimCoupon, listClaimable } from '../../api/coupons';
import { isApiError } from '../../api/api-error';
import { CouponCard } from '../../components/coupon-card';
import { EmptyState, ErrorState, LoadingState } from '../../components/state-view';
import { newIdempotencyKey } from '../../checkout/checkout';
import { getMe } from '../../api/member';
import { ensureConsumer } from '../../services/consumer-session';
import { describeError } from '../../utils/error-message';
import { openPage, PAGES, pullToRefresh } from '../../utils/nav';
import './index.scss';

type ListState = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; items: ClaimableTemplateView[] };

const CLAIM_ERRORS: Record<string, string> = {
  COUPON_OUT_OF_STOCK: '来晚了，券已被抢光',
  COUPON_LIMIT_REACHED: '您已领过这张券',
  COUPON_TEMPLATE_NOT_ACTIVE: '活动已结束',
};

function validityOf(t: ClaimableTemplateView['template']): { from: string; to: string } | string {
  if (t.validFrom && t.validTo) return { from: t.validFrom, to: t.validTo };
  return t.validDays ? `领取后${t.validDays}天内有效` : '';
}

/**
 * 领券中心: the templates the customer may claim at their store. One Idempotency-Key per claim of a template,
 * kept across retries of that claim (a lost answer then returns the same coupon instead of a second one).
 */
export default function CouponCenterPage() {
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [claiming, setClaiming] = useState<number | null>(null);
  const [claimed, setClaimed] = useState<Record<number, number>>({});
  const keys = useRef(new Map<number, string>());

  const load = useCallback(async (): Promise<boolean> => {
    try {
      await ensureConsumer();
      const me = await getMe();
      setList({ status: 'ready', items: await listClaimable(me.store?.id) });
      return true;
    } catch (err) {
      setList((s) => (s.status === 'ready' ? s : { status: 'error', message: describeError(err, '加载失败，请重试') }));
      return false;
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  usePullDownRefresh(() => pullToRefresh(load));

  const claim = async (templateId: number) => {
    if (claiming !== null) return;
    const key = keys.current.get(templateId) ?? newIdempotencyKey();
    keys.current.set(templateId, key);
    setClaiming(templateId);
    try {
      const coupon = await claimCoupon(templateId, key);
      keys.current.delete(templateId);
      setClaimed((m) => ({ ...m, [templateId]: coupon.id }));
      void Taro.showToast({ title: '领取成功', icon: 'success' });
      void load();
    } catch (err) {
      // A definite answer ends this claim; a lost one keeps the key so the retry cannot claim twice.
      if (isApiError(err) && err.status >= 400 && err.status < 500) keys.current.delete(templateId);
      const code = isApiError(err) ? String(err.code) : '';
      void Taro.showToast({ title: CLAIM_ERRORS[code] ?? describeError(err, '领取失败，请重试'), icon: 'none' });
    } finally {
      setClaiming(null);
    }
  };

  if (list.status === 'loading') return <View className='page'><LoadingState /></View>;
  if (list.status === 'error') return <View className='page'><ErrorState message={list.message} onRetry={() => void load()} /></View>;

  return (
    <View className='page coupon-center'>
      <View className='coupon-center__hero'>
        <Text className='coupon-center__hero-title'>会员专享好券</Text>
        <Text className='coupon-center__hero-text'>领取后放入「我的优惠券」，到店出示或下单时使用</Text>
      </View>
      {list.items.length === 0 ? (
        <View className='card'>
          <EmptyState title='暂时没有可领的券' text='新活动上线后会第一时间出现在这里' />
        </View>
      ) : (
        list.items.map((item) => {
          const t = item.template;
          const mine = claimed[t.id];
          let note = item.remainingStock !== null ? `仅剩 ${item.remainingStock} 张` : undefined;
          if (!item.canClaim && item.remainingForMe === 0) note = '已领取';
          else if (!item.canClaim && item.remainingStock === 0) note = '已抢光';
          return (
            <CouponCard
              key={t.id}
              coupon={t}
              validity={validityOf(t)}
              note={note}
              muted={!item.canClaim && !mine}
              action={
                item.canClaim ? (
                  <Button className='btn btn--primary btn--small' loading={claiming === t.id} disabled={claiming !== null} onClick={() => void claim(t.id)}>
                    <Text>立即领取</Text>
                  </Button>
                ) : mine ? (
                  <Button className='btn btn--ghost btn--small' onClick={() => openPage(PAGES.coupon, { id: mine })}>
                    <Text>去使用</Text>
                  </Button>
                ) : undefined
              }
            />
          );
        })
      )}
      <View className='coupon-center__footer' onClick={() => openPage(PAGES.coupons)}>
        <Text className='coupon-center__footer-link'>查看我的优惠券 ›</Text>
      </View>
    </View>
  );
}
