import { useCallback, useEffect, useState } from 'react';
import { Button, Input, Text, View } from '@tarojs/components';
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import type { PickupView } from '@o2o/shared';
import { EmptyState, ErrorState, LoadingState } from '../../../components/state-view';
import { dateTime, yuan } from '../../../utils/format';
import { PAGES, pullToRefresh } from '../../../utils/nav';
import { completePickup, listPickups } from '../../api/sales';
import { filterPickups, isCompleteCode, itemsText, pickupQuery, replacePickup } from '../../pickup/pickups';
import { describeSaleError } from '../../cashier/sale-errors';
import { useStaffGuard } from '../../hooks/use-staff-guard';
import './index.scss';

type Tab = 'paid' | 'picked_up';
type ListState = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; items: PickupView[] };

const REASONS: Record<string, string> = {
  NOT_FOUND: '本店没有这个取餐码的预订单，请核对取餐码',
  PICKUP_NOT_READY: '这笔订单未支付或已退款，不能取货',
};

function describe(err: unknown): string {
  const e = describeSaleError(err, '操作失败，请重试');
  return REASONS[e.code] ?? e.message;
}

/**
 * 预订取货: the store's pre-orders paid today. The customer reads out the pickup code; the clerk finds it (typed
 * digits narrow the list), checks the items and confirms the hand-over. The row then reads 已取货 (and so does the
 * customer's order). A code not in today's list (an older pre-order) can still be completed by code.
 */
export default function PickupsPage() {
  const session = useStaffGuard(PAGES.clerkPickups);
  if (!session) return <View className='page'><LoadingState text='正在验证导购身份…' /></View>;
  return <Pickups />;
}

function Pickups() {
  const [tab, setTab] = useState<Tab>('paid');
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [query, setQuery] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setList({ status: 'ready', items: await listPickups(tab) });
      return true;
    } catch (err) {
      setList((l) => (l.status === 'ready' ? l : { status: 'error', message: describe(err) }));
      return false;
    }
  }, [tab]);
  useEffect(() => {
    setList({ status: 'loading' });
    void load();
  }, [load]);
  usePullDownRefresh(() => pullToRefresh(load));

  const complete = async (code: string, items: string) => {
    if (busy) return;
    const { confirm } = await Taro.showModal({
      title: `确认取货 · ${code}`,
      content: items ? `${items}\n请核对商品后交给顾客` : '请核对取餐码与商品后交给顾客',
      confirmText: '确认取货',
      confirmColor: '#b3262d',
      cancelText: '取消',
    });
    if (!confirm) return;
    setBusy(code);
    setError(null);
    try {
      const done = await completePickup(code);
      setList((l) => (l.status === 'ready' ? { status: 'ready', items: replacePickup(l.items, done) } : l));
      void Taro.showToast({ title: '已取货', icon: 'success' });
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(null);
    }
  };

  const items = list.status === 'ready' ? filterPickups(list.items, query) : [];
  const code = pickupQuery(query);
  return (
    <View className='page pickups-page'>
      <View className='pickups-page__tabs'>
        {(
          [
            ['paid', '待取货'],
            ['picked_up', '今日已取货'],
          ] as const
        ).map(([key, label]) => (
          <Text key={key} className={`chip ${tab === key ? '' : 'chip--muted'} pickups-page__tab`} onClick={() => setTab(key)}>
            {label}
          </Text>
        ))}
      </View>
      <Input className='phone-bind__input pickups-page__search' type='number' placeholder='输入顾客的取餐码' maxlength={8} value={query} onInput={(e) => setQuery(e.detail.value)} />
      {error && <Text className='pickups-page__error'>{error}</Text>}

      {list.status === 'loading' && <LoadingState />}
      {list.status === 'error' && <ErrorState message={list.message} onRetry={() => void load()} />}
      {list.status === 'ready' && items.length === 0 && (
        <View className='card'>
          {code && isCompleteCode(code) && tab === 'paid' ? (
            <>
              <EmptyState title={`今日待取货中没有 ${code}`} text='可能是更早的预订单，可直接按取餐码取货' />
              <Button className='btn btn--ghost btn--block' disabled={busy !== null} onClick={() => void complete(code, '')}>
                <Text>按取餐码 {code} 取货</Text>
              </Button>
            </>
          ) : (
            <EmptyState title={tab === 'paid' ? '暂无待取货的预订单' : '今天还没有取货记录'} text={tab === 'paid' ? '顾客在小程序下单并支付后会出现在这里' : undefined} />
          )}
        </View>
      )}
      {items.map((p) => {
        const picked = !!p.pickedUpAt;
        return (
          <View key={p.orderId} className={`card pickup-row ${picked ? 'pickup-row--done' : ''}`}>
            <View className='pickup-row__head'>
              <Text className='pickup-row__code'>{p.pickupCode}</Text>
              <Text className={`chip ${picked ? 'chip--muted' : ''} pickup-row__state`}>{picked ? '已取货' : '待取货'}</Text>
            </View>
            <Text className='pickup-row__items'>{itemsText(p)}</Text>
            <View className='pickup-row__meta'>
              <Text>
                {p.phoneMasked ?? '顾客'} · {dateTime(p.paidAt)} 支付 · {yuan(p.payableFen)}
              </Text>
            </View>
            {picked ? (
              <Text className='pickup-row__done'>{dateTime(p.pickedUpAt)} 已取货</Text>
            ) : (
              <Button
                className={`btn btn--primary btn--small pickup-row__action ${busy === p.pickupCode ? 'btn--disabled' : ''}`}
                disabled={busy !== null}
                loading={busy === p.pickupCode}
                onClick={() => void complete(p.pickupCode, itemsText(p))}
              >
                <Text>确认取货</Text>
              </Button>
            )}
          </View>
        );
      })}
    </View>
  );
}
