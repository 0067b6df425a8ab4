import { useCallback, useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import type { StoreChoiceView } from '@o2o/shared';
import { listStores, setOrderingStore } from '../../api/stores';
import { EmptyState, ErrorState, LoadingState } from '../../components/state-view';
import { useCustomer } from '../../hooks/use-customer';
import { getPosition } from '../../platform/location';
import { describeError } from '../../utils/error-message';
import { distanceText } from '../../utils/format';
import { PAGES, replacePage } from '../../utils/nav';
import { orderingStoreOf } from '../../utils/ordering-store';
import './index.scss';

type State = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; stores: StoreChoiceView[]; located: boolean };

/**
 * 选择门店: where the customer's pre-orders go. Nearest first when the customer lets the app read the position,
 * else the plain list. Choosing a store sets it on the server (`PUT /api/app/me/store`): the menu and checkout use
 * it from then on, until another store's code is scanned. The home store and the clerk stay as they are.
 */
export default function StoresPage() {
  const { state: me } = useCustomer();
  const current = orderingStoreOf(me.status === 'ready' ? me.customer : null);
  const [state, setState] = useState<State>({ status: 'loading' });
  const [choosing, setChoosing] = useState<number | null>(null);

  const load = useCallback(async () => {
    setState({ status: 'loading' });
    try {
      const near = await getPosition();
      setState({ status: 'ready', stores: await listStores(near), located: near !== null });
    } catch (err) {
      setState({ status: 'error', message: describeError(err, '门店加载失败') });
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const choose = async (store: StoreChoiceView) => {
    if (choosing !== null) return;
    if (store.id === current?.id) return leave();
    setChoosing(store.id);
    try {
      await setOrderingStore(store.id);
      void Taro.showToast({ title: `已切换到${store.name}`, icon: 'none' });
      leave();
    } catch (err) {
      void Taro.showToast({ title: describeError(err, '切换失败，请重试'), icon: 'none' });
    } finally {
      setChoosing(null);
    }
  };

  if (state.status === 'loading') return <View className='page'><LoadingState text='正在查找门店…' /></View>;
  if (state.status === 'error') return <View className='page'><ErrorState message={state.message} onRetry={() => void load()} /></View>;

  return (
    <View className='page stores-page'>
      <Text className='stores-page__note'>{state.located ? '按距离由近到远排列' : '未获取到您的位置，按门店列表排列'}</Text>
      {state.stores.length === 0 ? (
        <View className='card'>
          <EmptyState title='暂无可选门店' />
        </View>
      ) : (
        <View className='card stores-page__list'>
          {state.stores.map((s) => {
            const isCurrent = s.id === current?.id;
            const where = [s.city, s.address].filter(Boolean).join(' · ');
            return (
              <View key={s.id} className={`stores-page__row ${isCurrent ? 'stores-page__row--current' : ''}`} onClick={() => void choose(s)}>
                <View className='stores-page__main'>
                  <View className='stores-page__name-row'>
                    <Text className='stores-page__name'>{s.name}</Text>
                    {isCurrent && <Text className='chip stores-page__current'>当前门店</Text>}
                  </View>
                  {where && <Text className='stores-page__address'>{where}</Text>}
                </View>
                <Text className='stores-page__side'>{choosing === s.id ? '切换中…' : distanceText(s.distanceM)}</Text>
                {!isCurrent && <Text className='link-row__chevron'>›</Text>}
              </View>
            );
          })}
        </View>
      )}
    </View>
  );
}

/** Back to where the switcher was opened from (the menu), or to the menu when opened directly. */
function leave(): void {
  if (Taro.getCurrentPages().length > 1) void Taro.navigateBack();
  else replacePage(PAGES.menu);
}
