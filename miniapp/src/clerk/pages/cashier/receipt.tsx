import { Button, Text, View } from '@tarojs/components';
import type { SaleView } from '@o2o/shared';
import { dateTime, yuan } from '../../../utils/format';
import { Amounts, SaleLine } from './amounts';

/** Step 3: what was recorded: the lines, the amounts, the points earned and the customer's new balance. */
export function Receipt({ sale, onNext }: { sale: SaleView; onNext: () => void }) {
  return (
    <View className='card cashier-receipt'>
      <View className='cashier-receipt__head'>
        <Text className='cashier-receipt__title'>收款成功</Text>
        <Text className='cashier-receipt__paid'>{yuan(sale.payableFen)}</Text>
        <Text className='cashier-receipt__meta'>小票号 {sale.receiptNo ?? sale.outTradeNo}</Text>
        <Text className='cashier-receipt__meta'>
          {dateTime(sale.paidAt)} · {sale.phoneMasked ?? '顾客'}
        </Text>
      </View>
      {sale.lines.map((l) => (
        <SaleLine key={l.sku} line={l} />
      ))}
      <Amounts amounts={sale} earned={false} />
      <View className='cashier-receipt__points'>
        <View className='cashier-receipt__points-row'>
          <Text>{sale.pointsGiven > 0 ? `本单获得积分（含会员价送 ${sale.pointsGiven}）` : '本单获得积分'}</Text>
          <Text className='cashier-receipt__points-value'>+{sale.pointsEarned}</Text>
        </View>
        {sale.pointsBalanceAfter !== null && (
          <View className='cashier-receipt__points-row'>
            <Text>顾客积分余额</Text>
            <Text className='cashier-receipt__points-value'>{sale.pointsBalanceAfter}</Text>
          </View>
        )}
      </View>
      <Button className='btn btn--primary btn--block cashier-receipt__next' onClick={onNext}>
        <Text>下一位顾客</Text>
      </Button>
    </View>
  );
}
