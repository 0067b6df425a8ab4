import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ScrollView, Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { listProducts, type MenuProduct } from '../../api/catalogue';
import { quantityOf } from '../../cart/cart';
import { quoteCart } from '../../cart/quote';
import { useCart } from '../../cart/use-cart';
import { EmptyState, ErrorState, LoadingState } from '../../components/state-view';
import { useCustomer } from '../../hooks/use-customer';
import { describeError } from '../../utils/error-message';
import { openPage, PAGES, pullToRefresh } from '../../utils/nav';
import { orderingStoreOf } from '../../utils/ordering-store';
import { CartBar } from './cart-bar';
import { groupByCategory } from './group';
import { ProductRow } from './product-row';
import './index.scss';

type MenuState = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; products: MenuProduct[] };

/**
 * 门店菜单: the products of the store the customer orders from (the last store scanned or chosen, else the home
 * store; 切换门店 opens the switcher) by category with sale and member prices, and a cart per store priced by the
 * shared pricing function. `CartBar.onCheckout` opens 确认订单.
 */
export default function MenuPage() {
  const { state: me, reload: reloadMe } = useCustomer();
  const customer = me.status === 'ready' ? me.customer : null;
  const store = orderingStoreOf(customer);
  const storeId = store?.id;
  const [menu, setMenu] = useState<MenuState>({ status: 'loading' });
  const { cart, set, clear, keepOnly } = useCart(storeId);

  const loadMenu = useCallback(async () => {
    try {
      const products = await listProducts(storeId);
      setMenu({ status: 'ready', products });
      keepOnly(new Set(products.map((p) => p.sku)));
      return true;
    } catch (err) {
      setMenu((m) => (m.status === 'ready' ? m : { status: 'error', message: describeError(err, '菜单加载失败') }));
      return false;
    }
  }, [storeId, keepOnly]);

  // The menu waits for the customer: the store comes from there, and prices depend on membership.
  const customerReady = customer !== null;
  useEffect(() => {
    if (customerReady) void loadMenu();
  }, [customerReady, loadMenu]);

  // Back from the store switcher (or from anywhere): the ordering store may have changed.
  const shown = useRef(false);
  useDidShow(() => {
    if (shown.current) void reloadMe();
    shown.current = true;
  });

  usePullDownRefresh(() => pullToRefresh(async () => (await Promise.all([reloadMe(), loadMenu()])).every(Boolean)));

  const products = menu.status === 'ready' ? menu.products : [];
  const sections = useMemo(() => groupByCategory(products), [products]);
  const quote = useMemo(
    () => quoteCart(cart, products, { isMember: customer?.isMember ?? false, pointsBalance: customer?.pointsBalance ?? 0 }),
    [cart, products, customer?.isMember, customer?.pointsBalance],
  );

  if (me.status === 'error') {
    return (
      <View className='page'>
        <ErrorState message={me.message} onRetry={() => void reloadMe()} />
      </View>
    );
  }
  if (menu.status === 'error') {
    return (
      <View className='page'>
        <ErrorState message={menu.message} onRetry={() => void loadMenu()} />
      </View>
    );
  }
  if (!customer || menu.status === 'loading') {
    return (
      <View className='page'>
        <LoadingState />
      </View>
    );
  }

  const scrollTo = (categoryId: number) => {
    void Taro.pageScrollTo({ selector: `#menu-cat-${categoryId}`, duration: 200 });
  };

  return (
    <View className='page menu-page'>
      <View className='menu-page__head'>
        <View className='menu-page__store-row'>
          <Text className='menu-page__store'>{store?.name ?? '请选择门店'}</Text>
          <Text className='menu-page__switch' onClick={() => openPage(PAGES.stores)}>
            切换门店 ›
          </Text>
        </View>
        <Text className='menu-page__note'>
          {customer.isMember ? `会员价已生效 · 可用积分 ${customer.pointsBalance}` : '会员享现金 + 积分专属价'}
        </Text>
      </View>

      {sections.length === 0 ? (
        <View className='card'>
          <EmptyState title='门店暂未上架商品' text='请稍后再来看看' />
        </View>
      ) : (
        <>
          {sections.length > 1 && (
            <ScrollView className='menu-page__tabs' scrollX enhanced showScrollbar={false}>
              {sections.map((s) => (
                <Text key={s.categoryId} className='chip chip--muted menu-page__tab' onClick={() => scrollTo(s.categoryId)}>
                  {s.name}
                </Text>
              ))}
            </ScrollView>
          )}
          {sections.map((s) => (
            <View key={s.categoryId} id={`menu-cat-${s.categoryId}`} className='menu-section'>
              <Text className='section-title'>{s.name}</Text>
              <View className='card menu-section__card'>
                {s.items.map((p) => (
                  <ProductRow
                    key={p.sku}
                    product={p}
                    isMember={customer.isMember}
                    quantity={quantityOf(cart, p.sku)}
                    onQuantity={(q) => set(p.sku, q)}
                  />
                ))}
              </View>
            </View>
          ))}
        </>
      )}

      <CartBar
        cart={cart}
        products={products}
        quote={quote}
        isMember={customer.isMember}
        onQuantity={set}
        onClear={clear}
        onJoin={() => openPage(PAGES.index)}
        onCheckout={() => openPage(PAGES.checkout)}
      />
    </View>
  );
}
