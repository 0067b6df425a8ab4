import './figures.scss';
import { Text, View } from '@tarojs/components';
import type { PerformanceView } from '@o2o/shared';
import { yuan } from '../../utils/format';

/** "37.5%" from basis points. */
export function percent(bp: number): string {
  return `${(bp / 100).toFixed(bp % 100 === 0 ? 0 : 1)}%`;
}

/** The headline figures of a window as a grid of tiles (workbench: today; performance page: 7 / 30 days). */
export function FigureTiles({ totals }: { totals: PerformanceView['totals'] }) {
  const tiles = [
    { label: '新增粉丝', value: String(totals.newFans) },
    { label: '新增会员', value: String(totals.newMembers) },
    { label: '粉丝转化率', value: percent(totals.conversionBp) },
    { label: '业绩', value: yuan(totals.salesFen) },
    { label: '支付订单', value: String(totals.paidOrders) },
    { label: '核销', value: String(totals.redemptions) },
  ];
  return (
    <View className='figure-tiles'>
      {tiles.map((t) => (
        <View key={t.label} className='figure-tiles__tile'>
          <Text className='figure-tiles__value'>{t.value}</Text>
          <Text className='figure-tiles__label'>{t.label}</Text>
        </View>
      ))}
    </View>
  );
}
