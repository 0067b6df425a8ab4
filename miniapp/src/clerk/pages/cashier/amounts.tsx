import { Text, View } from '@tarojs/components';
import type { SaleAmountsView, SaleLineView } from '@o2o/shared';
import { cashAndPoints, yuan } from '../../../utils/format';

function Row({ label, value, strong }: { label: string; value: string; strong?: boolean }) {
  return (
    <View className={`cashier-amount ${strong ? 'cashier-amount--strong' : ''}`}>
      <Text className='cashier-amount__label'>{label}</Text>
      <Text className='cashier-amount__value'>{value}</Text>
    </View>
  );
}

/** One line of a quote or a sale: cash + points spent, and the points a member price gives. */
export function SaleLine({ line: l }: { line: SaleLineView }) {
  return (
    <View className='cashier-line'>
      <Text className='cashier-line__name'>{l.name}</Text>
      <Text className='cashier-line__qty'>×{l.quantity}</Text>
      <Text className='cashier-line__amount'>
        {cashAndPoints(l.lineCashFen, l.unitPoints * l.quantity)}
        {l.unitPointsGiven > 0 ? ` 送${l.unitPointsGiven * l.quantity}积分` : ''}
      </Text>
    </View>
  );
}

/**
 * The server's amounts of a quote or a sale, in the checkout's words (no arithmetic here). `earned`: also the points
 * the sale will credit (the receipt shows them on their own).
 */
export function Amounts({ amounts: a, earned = true }: { amounts: SaleAmountsView; earned?: boolean }) {
  return (
    <View className='cashier-amounts'>
      <Row label='商品原价' value={yuan(a.listFen)} />
      {a.memberSavingFen > 0 && <Row label='会员价优惠' value={`-${yuan(a.memberSavingFen)}`} />}
      {a.couponDiscountFen > 0 && <Row label='优惠券' value={`-${yuan(a.couponDiscountFen)}`} />}
      {a.pointsDeductionFen > 0 && <Row label='积分抵现' value={`-${yuan(a.pointsDeductionFen)}`} />}
      {a.pointsUsed > 0 && <Row label='使用积分' value={`${a.pointsUsed} 积分`} />}
      <Row label='实付' value={yuan(a.payableFen)} strong />
      {earned && a.pointsEarned > 0 && <Row label='可得积分' value={a.pointsGiven > 0 ? `${a.pointsEarned}（含会员价送 ${a.pointsGiven}）` : String(a.pointsEarned)} />}
    </View>
  );
}
