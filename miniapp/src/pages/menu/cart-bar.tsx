import { useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import type { MenuProduct } from '../../api/catalogue';
import type { Cart } from '../../cart/cart';
import type { CartQuote } from '../../cart/quote';
import { cashAndPoints, yuan } from '../../utils/format';
import { Stepper } from './stepper';

function problemText(quote: CartQuote): string {
  const p = quote.problem;
  if (!p) return '';
  if (p.code === 'POINTS_INSUFFICIENT') return `积分不足：会员价需 ${p.needed} 积分，当前 ${p.balance}`;
  return '暂时无法计算价格，请调整商品';
}

/**
 * The bottom bar (above the home indicator) and its sheet: count, what the cart costs this customer, what
 * membership saves, and checkout. `onCheckout` is where ordering plugs in (POST /api/app/orders with
 * `toOrderDraft`); without it the button says ordering is coming.
 */
export function CartBar({
  cart,
  products,
  quote,
  isMember,
  onQuantity,
  onClear,
  onJoin,
  onCheckout,
}: {
  cart: Cart;
  products: readonly MenuProduct[];
  quote: CartQuote;
  isMember: boolean;
  onQuantity: (sku: string, q: number) => void;
  onClear: () => void;
  onJoin: () => void;
  onCheckout?: () => void;
}) {
  const [open, setOpen] = useState(false);
  const bySku = new Map(products.map((p) => [p.sku, p]));
  const empty = quote.count === 0;
  const order = quote.order;
  const checkoutDisabled = empty || !onCheckout || order === null;

  let hint: string | null = null;
  if (quote.problem) hint = problemText(quote);
  else if (isMember && order && order.memberSavingFen > 0) hint = `会员价已省 ${yuan(order.memberSavingFen)}`;
  else if (!isMember && quote.asMember) hint = `入会立省 ${yuan(quote.asMember.memberSavingFen)}`;

  return (
    <>
      {open && !empty && (
        <View className='cart-sheet'>
          <View className='cart-sheet__mask' onClick={() => setOpen(false)} />
          <View className='cart-sheet__panel'>
            <View className='cart-sheet__head'>
              <Text className='cart-sheet__title'>已选商品</Text>
              <Text
                className='cart-sheet__clear'
                onClick={() => {
                  onClear();
                  setOpen(false);
                }}
              >
                清空
              </Text>
            </View>
            {cart.map((line) => {
              const p = bySku.get(line.sku);
              if (!p) return null;
              const priced = order?.lines.find((l) => l.sku === line.sku);
              return (
                <View key={line.sku} className='cart-sheet__line'>
                  <View className='cart-sheet__line-info'>
                    <Text className='cart-sheet__line-name'>{p.name}</Text>
                    <Text className='price cart-sheet__line-price'>
                      {priced ? cashAndPoints(priced.lineCashFen, priced.linePoints) : yuan(p.priceFen * line.quantity)}
                    </Text>
                  </View>
                  <Stepper quantity={line.quantity} onChange={(q) => onQuantity(line.sku, q)} />
                </View>
              );
            })}
          </View>
        </View>
      )}

      <View className='cart-bar'>
        <View className='cart-bar__summary' onClick={() => !empty && setOpen(!open)}>
          <View className={`cart-bar__icon ${empty ? 'cart-bar__icon--empty' : ''}`}>
            <Text className='cart-bar__icon-text'>购</Text>
            {!empty && <Text className='cart-bar__badge'>{quote.count}</Text>}
          </View>
          <View className='cart-bar__totals'>
            {empty ? (
              <Text className='cart-bar__empty'>未选购商品</Text>
            ) : (
              <Text className='cart-bar__total'>{order ? cashAndPoints(order.totalFen, order.memberPoints) : '—'}</Text>
            )}
            {hint && (
              <Text
                className={`cart-bar__hint ${quote.problem ? 'cart-bar__hint--warn' : ''}`}
                onClick={!isMember && quote.asMember ? onJoin : undefined}
              >
                {hint}
              </Text>
            )}
          </View>
        </View>
        <Button
          className={`btn btn--primary cart-bar__checkout ${checkoutDisabled ? 'btn--disabled' : ''}`}
          disabled={checkoutDisabled}
          onClick={onCheckout}
        >
          <Text>{onCheckout ? '去结算' : '线上下单即将开放'}</Text>
        </Button>
      </View>
    </>
  );
}
