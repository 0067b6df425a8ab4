import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { usePullDownRefresh } from '@tarojs/taro';
import { ErrorState, LoadingState } from '../../../components/state-view';
import { yuan } from '../../../utils/format';
import { PAGES, pullToRefresh } from '../../../utils/nav';
import { FigureTiles } from '../../components/figures';
import { usePerformance } from '../../hooks/use-performance';
import { useStaffGuard } from '../../hooks/use-staff-guard';
import './index.scss';

/** 我的业绩 (店长: 门店业绩): fans, members, conversion, attributed sales and redemptions, by Shanghai day. */
export default function PerformancePage() {
  const session = useStaffGuard(PAGES.clerkPerformance);
  if (!session) return <View className='page'><LoadingState text='正在验证导购身份…' /></View>;
  return <Performance manager={session.staff.role === 'store_manager'} />;
}

function Performance({ manager }: { manager: boolean }) {
  const [days, setDays] = useState<7 | 30>(7);
  const { state, reload } = usePerformance(days);
  usePullDownRefresh(() => pullToRefresh(reload));

  return (
    <View className='page perf-page'>
      <View className='perf-page__tabs'>
        {([7, 30] as const).map((d) => (
          <Text key={d} className={`chip ${d === days ? '' : 'chip--muted'}`} onClick={() => setDays(d)}>
            近{d}天
          </Text>
        ))}
        <Text className='perf-page__scope'>{manager ? '门店整体（含全部导购）' : '我的顾客与业绩'}</Text>
      </View>
      {state.status === 'loading' && <LoadingState />}
      {state.status === 'error' && <ErrorState message={state.message} onRetry={() => void reload()} />}
      {state.status === 'ready' && (
        <>
          <View className='card'>
            <FigureTiles totals={state.performance.totals} />
            <Text className='perf-page__note'>转化率：期间新增粉丝中已成为会员的比例；业绩：归属导购的已支付订单（扣除退款）</Text>
          </View>
          <View className='card perf-page__days'>
            <Text className='card__title'>每日明细</Text>
            <View className='perf-page__row perf-page__row--head'>
              <Text className='perf-page__cell perf-page__cell--date'>日期</Text>
              <Text className='perf-page__cell'>粉丝</Text>
              <Text className='perf-page__cell'>会员</Text>
              <Text className='perf-page__cell perf-page__cell--money'>业绩</Text>
              <Text className='perf-page__cell'>核销</Text>
            </View>
            {state.performance.byDay
              .slice()
              .reverse()
              .map((d) => (
                <View key={d.date} className='perf-page__row'>
                  <Text className='perf-page__cell perf-page__cell--date'>{d.date.slice(5)}</Text>
                  <Text className='perf-page__cell'>{d.newFans}</Text>
                  <Text className='perf-page__cell'>{d.newMembers}</Text>
                  <Text className='perf-page__cell perf-page__cell--money'>{yuan(d.salesFen)}</Text>
                  <Text className='perf-page__cell'>{d.redemptions}</Text>
                </View>
              ))}
          </View>
        </>
      )}
    </View>
  );
}
