import { useCallback, useEffect, useMemo, useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { listProducts, type MenuProduct } from '../../api/catalogue';
import { toOrderDraft } from '../../cart/cart';
import { chosenCouponId, type CouponChoice } from '../../checkout/coupon-choice';
import { useCheckoutPreview } from '../../checkout/use-checkout-preview';
import { quoteCart } from '../../cart/quote';
import { useCart } from '../../cart/use-cart';
import { isBusy } from '../../checkout/checkout';
import { useCheckout } from '../../checkout/use-checkout';
import { OrderSummary } from '../../components/order-summary';
import { EmptyState, ErrorState, LoadingState } from '../../components/state-view';
import { useCustomer } from '../../hooks/use-customer';
import { describeError } from '../../utils/error-message';
import { cashAndPoints, yuan } from '../../utils/format';
import { openPage, PAGES, replacePage } from '../../utils/nav';
import { orderingStoreOf } from '../../utils/ordering-store';
import { CouponPicker } from './coupon-picker';
import './index.scss';

type ProductsState = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; products: MenuProduct[] };

/**
 * 确认订单: the cart of the store the customer orders from (estimate from the shared pricing), the "use points" choice, then
 * one tap creates the order (Idempotency-Key per attempt) and pays it. Once the order exists, the amounts
 * shown are the server's. After the client's "ok" the order is confirmed with the server before the result
 * page opens.
 */
export default function CheckoutPage() {
  const { state: me, reload: reloadMe } = useCustomer();
  const customer = me.status === 'ready' ? me.customer : null;
  const store = orderingStoreOf(customer);
  const storeId = store?.id;
  const { cart, clear } = useCart(storeId);
  const [menu, setMenu] = useState<ProductsState>({ status: 'loading' });
  const [usePoints, setUsePoints] = useState(false);
  const { checkout, state } = useCheckout();
  const [choice, setChoice] = useState<CouponChoice>('auto');
  const [picking, setPicking] = useState(false);

  const loadMenu = useCallback(async () => {
    try {
      setMenu({ status: 'ready', products: await listProducts(storeId) });
    } catch (err) {
      setMenu({ status: 'error', message: describeError(err, '商品加载失败') });
    }
  }, [storeId]);
  const customerReady = customer !== null;
  useEffect(() => {
    if (customerReady) void loadMenu();
  }, [customerReady, loadMenu]);

  // Paid: the cart is spent, and "back" must not return to a paid checkout.
  const paidId = state.phase === 'paid' ? state.order.id : null;
  useEffect(() => {
    if (paidId === null) return;
    clear();
    replacePage(PAGES.order, { id: paidId, paid: 1 });
  }, [paidId, clear]);

  const products = menu.status === 'ready' ? menu.products : [];
  const quote = useMemo(
    () => quoteCart(cart, products, { isMember: customer?.isMember ?? false, pointsBalance: customer?.pointsBalance ?? 0 }),
    [cart, products, customer?.isMember, customer?.pointsBalance],
  );

  const products0 = menu.status === 'ready' ? menu.products : null;
  const created = 'order' in state;
  // The server prices the checkout (coupon, points) until the order exists; then the order's own amounts rule.
  const draft = useMemo(
    () => (storeId !== undefined && products0 && !created && cart.length ? toOrderDraft(storeId, cart) : null),
    [storeId, products0, created, cart],
  );
  const pointsOn = usePoints && !!customer?.isMember && (customer?.pointsBalance ?? 0) > 0;
  const { state: preview, retry: retryPreview } = useCheckoutPreview(draft, pointsOn, choice);

  if (me.status === 'error') return <View className='page'><ErrorState message={me.message} onRetry={() => void reloadMe()} /></View>;
  if (menu.status === 'error') return <View className='page'><ErrorState message={menu.message} onRetry={() => void loadMenu()} /></View>;
  if (customer && storeId === undefined) {
    return (
      <View className='page'>
        <View className='card'>
          <EmptyState title='还没有选择门店' text='选择取餐的门店后再下单' />
          <Button className='btn btn--primary btn--block' onClick={() => openPage(PAGES.stores)}>
            <Text>选择门店</Text>
          </Button>
        </View>
      </View>
    );
  }
  if (!customer || storeId === undefined || menu.status === 'loading') return <View className='page'><LoadingState /></View>;

  const order = 'order' in state ? state.order : null;
  if (!order && quote.count === 0) {
    return (
      <View className='page'>
        <View className='card'>
          <EmptyState title='购物车是空的' text='先去菜单选购吧' />
        </View>
      </View>
    );
  }

  const busy = isBusy(state);
  const error = 'error' in state ? state.error : undefined;
  const canUsePoints = customer.isMember && customer.pointsBalance > 0;
  // The coupon the customer sees chosen is the one sent; without a preview answer, an explicit pick still counts.
  const couponId = preview.status === 'ready' ? preview.couponId : chosenCouponId(choice, null);
  const submit = () => {
    const body = toOrderDraft(storeId, cart);
    void checkout.submit({ ...body, ...(couponId ? { couponId } : {}), ...(pointsOn ? { usePoints: true } : {}) });
  };
  const options = preview.status === 'ready' ? preview.options : 'last' in preview ? preview.last : null;
  const priced = preview.status === 'ready' ? preview.options.order : null;
  const usableCount = options ? options.coupons.filter((c) => c.usable).length : 0;
  const chosen = options?.coupons.find((c) => c.coupon.id === couponId);
  let couponLabel = '计算中…';
  if (preview.status === 'ready') couponLabel = chosen ? `-${yuan(chosen.discountFen)} ${chosen.coupon.title}` : usableCount ? `${usableCount} 张可用` : '暂无可用';
  else if (preview.status === 'error') couponLabel = '暂不可选';

  let action = '提交订单并支付';
  if (state.phase === 'creating') action = '正在下单…';
  else if (state.phase === 'paying') action = '正在支付…';
  else if (state.phase === 'confirming') action = '正在确认支付结果…';
  else if (state.phase === 'unpaid') action = `继续支付 ${yuan(state.order.payableFen)}`;
  else if (state.phase === 'pending') action = '刷新支付结果';
  else if (state.phase === 'closed') action = '返回菜单';

  return (
    <View className='page checkout-page'>
      <Text className='checkout-page__store'>{store?.name ?? '小食光'} · 到店自取</Text>

      {order ? (
        <OrderSummary order={order} />
      ) : (
        <View className='card checkout-page__cart'>
          {cart.map((line) => {
            const p = products.find((x) => x.sku === line.sku);
            const priced = quote.order?.lines.find((l) => l.sku === line.sku);
            if (!p) return null;
            return (
              <View key={line.sku} className='checkout-page__line'>
                <Text className='checkout-page__line-name'>{p.name}</Text>
                <Text className='checkout-page__line-qty'>×{line.quantity}</Text>
                <Text className='price'>{priced ? cashAndPoints(priced.lineCashFen, priced.linePoints) : yuan(p.priceFen * line.quantity)}</Text>
              </View>
            );
          })}
          {priced ? (
            <View className='checkout-page__amounts'>
              <View className='checkout-page__amount-row'>
                <Text>商品金额</Text>
                <Text>{yuan(priced.totalFen)}</Text>
              </View>
              {priced.memberSavingFen > 0 && (
                <View className='checkout-page__amount-row'>
                  <Text>会员价已省</Text>
                  <Text>{yuan(priced.memberSavingFen)}（已计入）</Text>
                </View>
              )}
              {priced.couponDiscountFen > 0 && (
                <View className='checkout-page__amount-row'>
                  <Text>优惠券</Text>
                  <Text>-{yuan(priced.couponDiscountFen)}</Text>
                </View>
              )}
              {priced.pointsDeductionFen > 0 && (
                <View className='checkout-page__amount-row'>
                  <Text>积分抵现</Text>
                  <Text>-{yuan(priced.pointsDeductionFen)}</Text>
                </View>
              )}
              {priced.pointsUsed > 0 && (
                <View className='checkout-page__amount-row'>
                  <Text>使用积分</Text>
                  <Text>{priced.pointsUsed} 积分</Text>
                </View>
              )}
              <View className='checkout-page__amount-row checkout-page__amount-row--strong'>
                <Text>实付</Text>
                <Text className='price checkout-page__payable'>{yuan(priced.payableFen)}</Text>
              </View>
            </View>
          ) : (
            <>
              <View className='checkout-page__estimate'>
                <Text>预估合计</Text>
                <Text className='price'>{quote.order ? cashAndPoints(quote.order.totalFen, quote.order.memberPoints) : '—'}</Text>
              </View>
              <Text className='checkout-page__note'>实付金额以提交订单后为准</Text>
            </>
          )}
          {preview.status === 'error' && (
            <Text className='checkout-page__preview-error' onClick={retryPreview}>
              {preview.message}，点击重新计算
            </Text>
          )}
        </View>
      )}

      {!order && (
        <View className='card checkout-page__coupon' onClick={() => !busy && options && setPicking(!picking)}>
          <Text className='checkout-page__points-label'>优惠券</Text>
          <Text className={`checkout-page__coupon-value ${chosen ? '' : 'checkout-page__coupon-value--muted'}`}>{couponLabel} ›</Text>
        </View>
      )}
      {!order && picking && options && (
        <CouponPicker
          candidates={options.coupons}
          selectedId={couponId}
          suggestedId={options.suggestedCouponId}
          onPick={(id) => {
            setChoice(id);
            setPicking(false);
          }}
        />
      )}

      {!order && canUsePoints && (
        <View className='card checkout-page__points' onClick={() => !busy && setUsePoints(!usePoints)}>
          <Text className='checkout-page__points-label'>使用积分抵现（可用 {customer.pointsBalance}）</Text>
          <Text className={`chip ${usePoints ? '' : 'chip--muted'} checkout-page__points-toggle`}>{usePoints ? '已使用' : '不使用'}</Text>
        </View>
      )}

      {state.phase === 'confirming' && <Text className='checkout-page__status'>支付结果确认中，请稍候…</Text>}
      {state.phase === 'pending' && (
        <Text className='checkout-page__status'>暂未收到支付结果。若已付款，请稍后刷新；订单会在支付成功后自动更新。</Text>
      )}
      {error && <Text className='checkout-page__error'>{error.message}</Text>}

      <View className='checkout-page__bar'>
        <Button
          className={`btn btn--primary btn--block ${busy ? 'btn--disabled' : ''}`}
          disabled={busy || (!order && quote.order === null)}
          loading={busy}
          onClick={() => {
            if (state.phase === 'closed') void Taro.navigateBack().catch(() => replacePage(PAGES.menu));
            else if (state.phase === 'pending') void checkout.recheck();
            else submit();
          }}
        >
          <Text>{action}</Text>
        </Button>
      </View>
    </View>
  );
}
