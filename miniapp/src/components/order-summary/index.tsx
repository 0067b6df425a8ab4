import { Text, View } from '@tarojs/components';
import type { OrderView } from '@o2o/shared';
import { cashAndPoints, yuan } from '../../utils/format';
import './index.scss';

function Row({ label, value, strong }: { label: string; value: string; strong?: boolean }) {
  return (
    <View className={`order-summary__row ${strong ? 'order-summary__row--strong' : ''}`}>
      <Text className='order-summary__label'>{label}</Text>
      <Text className='order-summary__value'>{value}</Text>
    </View>
  );
}

/** The server's lines and amounts of an order, exactly as `OrderView` states them (no arithmetic here). */
export function OrderSummary({ order }: { order: OrderView }) {
  return (
    <View className='card order-summary'>
      {order.items.map((l) => (
        <View key={l.sku} className='order-summary__line'>
          <Text className='order-summary__line-name'>{l.name}</Text>
          <Text className='order-summary__line-qty'>×{l.quantity}</Text>
          <Text className='price order-summary__line-price'>{cashAndPoints(l.unitCashFen, l.unitPoints)}</Text>
        </View>
      ))}
      <View className='order-summary__amounts'>
        <Row label='商品金额' value={yuan(order.totalFen)} />
        {order.memberSavingFen > 0 && <Row label='会员价已省' value={`${yuan(order.memberSavingFen)}（已计入）`} />}
        {order.couponDiscountFen > 0 && <Row label='优惠券' value={`-${yuan(order.couponDiscountFen)}`} />}
        {order.pointsDeductionFen > 0 && <Row label='积分抵现' value={`-${yuan(order.pointsDeductionFen)}`} />}
        {order.pointsUsed > 0 && <Row label='使用积分' value={`${order.pointsUsed} 积分`} />}
        <Row label='实付' value={yuan(order.payableFen)} strong />
        {order.refundedFen > 0 && <Row label='已退款' value={yuan(order.refundedFen)} />}
      </View>
    </View>
  );
}
