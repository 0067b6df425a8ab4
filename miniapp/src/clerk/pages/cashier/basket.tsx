import { useCallback, useEffect, useMemo, useState } from 'react';
import { Button, Input, Text, View } from '@tarojs/components';
import type { MenuProduct } from '../../../api/catalogue';
import { ErrorState, LoadingState } from '../../../components/state-view';
import { couponRule } from '../../../coupon/coupon-text';
import { Stepper } from '../../../pages/menu/stepper';
import { memberPriceText, yuan } from '../../../utils/format';
import { listStoreProducts } from '../../api/sales';
import type { CashierFlow, CashierState } from '../../cashier/cashier-flow';
import { describeClerkError } from '../../utils/clerk-error';
import { Amounts, SaleLine } from './amounts';

type Products = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; items: MenuProduct[] };

/** The price a clerk reads off the list: the member price for members (cash + points spent, or points given). */
function priceText(p: MenuProduct, isMember: boolean): string {
  return (isMember && memberPriceText(p)) || yuan(p.priceFen);
}

/** Step 2: the member, the items, coupon and points, the server's quote, and 确认收款. */
export function Basket({ flow, state }: { flow: CashierFlow; state: CashierState }) {
  const member = state.member!;
  const [products, setProducts] = useState<Products>({ status: 'loading' });
  const [filter, setFilter] = useState('');

  const load = useCallback(async () => {
    setProducts({ status: 'loading' });
    try {
      setProducts({ status: 'ready', items: await listStoreProducts() });
    } catch (err) {
      setProducts({ status: 'error', message: describeClerkError(err, '商品加载失败') });
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const shown = useMemo(() => {
    if (products.status !== 'ready') return [];
    const f = filter.trim().toLowerCase();
    return f ? products.items.filter((p) => p.name.toLowerCase().includes(f) || p.sku.toLowerCase().includes(f)) : products.items;
  }, [products, filter]);
  const qty = (sku: string) => state.lines.find((l) => l.sku === sku)?.quantity ?? 0;

  const q = state.quote;
  const quote = q.status === 'ready' ? q.quote : q.status === 'loading' || q.status === 'error' ? q.last : null;
  const ready = flow.canCommit();
  const canPoints = member.isMember && member.pointsBalance > 0;

  let action = '请选择商品';
  if (state.committing) action = '正在记录…';
  else if (q.status === 'loading') action = '计算中…';
  else if (q.status === 'error') action = '无法结账';
  else if (q.status === 'ready') action = state.commitError?.unknownOutcome ? `重试确认 ${yuan(q.quote.payableFen)}` : `确认收款 ${yuan(q.quote.payableFen)}`;

  return (
    <View className='cashier-basket'>
      <View className='card cashier-member'>
        <View className='cashier-member__main'>
          <View className='cashier-member__head'>
            <Text className='cashier-member__phone'>{member.phoneMasked ?? '未绑定手机号'}</Text>
            <Text className={`chip ${member.isMember ? 'chip--gold' : 'chip--muted'} cashier-member__status`}>
              {member.isMember ? (member.level > 0 ? `会员 V${member.level}` : '会员') : '粉丝（原价）'}
            </Text>
          </View>
          <Text className='cashier-member__sub'>
            {state.via === 'phone' ? '手机号识别' : '会员码识别'} · 积分 {member.pointsBalance} · 可用券 {member.coupons.length} 张
          </Text>
        </View>
        <Text className='cashier-member__change' onClick={() => flow.changeCustomer()}>
          更换
        </Text>
      </View>

      <Text className='section-title cashier-section'>选择商品</Text>
      <View className='card cashier-products'>
        <Input className='phone-bind__input cashier-products__search' placeholder='搜索商品名称或货号' value={filter} onInput={(e) => setFilter(e.detail.value)} />
        {products.status === 'loading' && <LoadingState text='正在加载商品…' />}
        {products.status === 'error' && <ErrorState message={products.message} onRetry={() => void load()} />}
        {products.status === 'ready' && shown.length === 0 && <Text className='cashier-muted'>没有匹配的商品</Text>}
        {shown.map((p) => (
          <View key={p.sku} className='cashier-product'>
            <View className='cashier-product__info'>
              <Text className='cashier-product__name'>{p.name}</Text>
              <Text className='cashier-product__price'>
                {priceText(p, member.isMember)}
                {member.isMember && p.memberPriceFen !== undefined && <Text className='price--struck cashier-product__list'> {yuan(p.priceFen)}</Text>}
              </Text>
            </View>
            <Stepper quantity={qty(p.sku)} onChange={(n) => flow.setQuantity(p.sku, n)} />
          </View>
        ))}
      </View>

      {member.coupons.length > 0 && (
        <>
          <Text className='section-title cashier-section'>优惠券</Text>
          <View className='card cashier-choices'>
            <View className={`cashier-choice ${state.couponId === null ? 'cashier-choice--on' : ''}`} onClick={() => flow.chooseCoupon(null)}>
              <Text className='cashier-choice__title'>不使用优惠券</Text>
            </View>
            {member.coupons.map((c) => (
              <View key={c.id} className={`cashier-choice ${state.couponId === c.id ? 'cashier-choice--on' : ''}`} onClick={() => flow.chooseCoupon(c.id)}>
                <Text className='cashier-choice__title'>{c.title}</Text>
                <Text className='cashier-choice__rule'>{couponRule(c)}</Text>
              </View>
            ))}
          </View>
        </>
      )}

      {canPoints && (
        <View className={`card cashier-toggle ${state.usePoints ? 'cashier-toggle--on' : ''}`} onClick={() => flow.setUsePoints(!state.usePoints)}>
          <Text className='cashier-toggle__label'>积分抵现（可用 {member.pointsBalance}）</Text>
          <Text className='cashier-toggle__box'>{state.usePoints ? '✓' : ''}</Text>
        </View>
      )}

      {state.lines.length > 0 && (
        <>
          <Text className='section-title cashier-section'>本单明细</Text>
          <View className={`card cashier-quote ${q.status === 'loading' ? 'cashier-quote--stale' : ''}`}>
            {quote ? (
              <>
                {quote.lines.map((l) => (
                  <SaleLine key={l.sku} line={l} />
                ))}
                <Amounts amounts={quote} />
              </>
            ) : (
              <Text className='cashier-muted'>{q.status === 'error' ? '' : '正在计算…'}</Text>
            )}
            {q.status === 'error' && (
              <View className='cashier-quote__error'>
                <Text className='cashier-error'>{q.error.message}</Text>
                {q.error.scanAgain ? (
                  <Text className='cashier-link' onClick={() => flow.changeCustomer()}>
                    重新识别顾客 ›
                  </Text>
                ) : (
                  <Text className='cashier-link' onClick={() => flow.retryQuote()}>
                    重新计算 ›
                  </Text>
                )}
              </View>
            )}
          </View>
        </>
      )}

      <View className='cashier-bar'>
        {state.commitError && (
          <View className='cashier-bar__error'>
            <Text className='cashier-error'>
              {state.commitError.unknownOutcome ? `${state.commitError.message}。结果未知，请点重试确认（同一小票不会重复记录），不要重复收款` : state.commitError.message}
            </Text>
            {state.commitError.scanAgain && (
              <Text className='cashier-link' onClick={() => flow.changeCustomer()}>
                重新识别顾客 ›
              </Text>
            )}
          </View>
        )}
        {q.status === 'ready' && (
          <Text className='cashier-bar__points'>
            {q.quote.pointsUsed > 0 ? `扣 ${q.quote.pointsUsed} 积分 · ` : ''}
            {q.quote.pointsEarned > 0 ? `得 ${q.quote.pointsEarned} 积分` : '本单无积分'}
            {q.quote.couponDiscountFen > 0 ? ` · 券 -${yuan(q.quote.couponDiscountFen)}` : ''}
          </Text>
        )}
        <Text className='cashier-bar__note'>{ready ? '请先按实付金额收款（现金或扫码），收款后再确认' : '确认前请核对商品与金额'}</Text>
        <Button
          className={`btn btn--primary btn--block ${ready ? '' : 'btn--disabled'}`}
          disabled={!ready}
          loading={state.committing}
          onClick={() => void flow.commit()}
        >
          <Text>{action}</Text>
        </Button>
      </View>
    </View>
  );
}
