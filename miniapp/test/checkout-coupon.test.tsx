import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { CheckoutOptionsView, CouponCandidateView, CouponView, PricedOrderView } from '@o2o/shared';
import '../src/app';
import CheckoutPage from '../src/pages/checkout/index';
import { sessionStore } from '../src/stores/session';
import { login, redirectTo, setStorageSync } from './__mocks__/taro';
import { couponOf, member, MENU, orderOf, PARAMS } from './fixtures';
import { errorBody, fakeApi, inOneHour, resetAll, type FakeCall } from './helpers';

jest.mock('../src/platform/login', () => jest.requireActual('../src/platform/login.weapp'));
jest.mock('../src/platform/pay', () => jest.requireActual('../src/platform/pay.weapp'));

const base: CouponView = couponOf(0, { templateId: 1, title: '', thresholdFen: 0 });
const big: CouponView = { ...base, id: 11, title: '满50减10', thresholdFen: 5_000, amountOffFen: 1_000 };
const small: CouponView = { ...base, id: 12, title: '无门槛3元', kind: 'voucher', amountOffFen: 300 };
const far: CouponView = { ...base, id: 13, title: '满200减40', thresholdFen: 20_000, amountOffFen: 4_000 };
const scoped: CouponView = { ...base, id: 14, title: '肉脯专享券', amountOffFen: 500, thresholdFen: 1_000 };

function priced(couponId: number | null, couponDiscountFen: number): PricedOrderView {
  const payable = 5_980 - couponDiscountFen;
  return {
    lines: [{ sku: 'NUT-002', quantity: 2, unitPriceFen: 2_990, unitCashFen: 2_990, unitPoints: 0, lineCashFen: 5_980 }],
    listFen: 5_980,
    totalFen: 5_980,
    memberSavingFen: 0,
    couponDiscountFen,
    pointsDeductionFen: 0,
    discountFen: couponDiscountFen,
    pointsUsed: 0,
    payableFen: payable,
    couponId,
  };
}
const candidates: CouponCandidateView[] = [
  { coupon: big, usable: true, discountFen: 1_000, payableFen: 4_980 },
  { coupon: small, usable: true, discountFen: 300, payableFen: 5_680 },
  { coupon: far, usable: false, discountFen: 0, payableFen: null, reason: 'threshold_not_met', shortByFen: 14_020 },
  { coupon: scoped, usable: false, discountFen: 0, payableFen: null, reason: 'category_scope' },
];
const DISCOUNT: Record<number, number> = { 11: 1_000, 12: 300 };

function serve(extra: Record<string, (c: FakeCall) => { statusCode: number; data?: unknown }> = {}) {
  return fakeApi(
    {
      'GET /api/app/me': () => ({ statusCode: 200, data: { customer: member } }),
      'GET /api/app/products': () => ({ statusCode: 200, data: { items: MENU } }),
      'POST /api/app/orders/preview': (c) => {
        const id = (c.data as { couponId?: number }).couponId ?? null;
        const options: CheckoutOptionsView = { order: priced(id, id ? DISCOUNT[id] : 0), coupons: candidates, suggestedCouponId: 11 };
        return { statusCode: 200, data: options };
      },
      'POST /api/app/orders': () => ({ statusCode: 201, data: { order: orderOf('created'), payment: PARAMS } }),
      'GET /api/app/orders/42': () => ({ statusCode: 200, data: { order: orderOf('paid') } }),
      ...extra,
    },
    { maxCalls: 60 },
  );
}

const previews = (calls: FakeCall[]) => calls.filter((c) => c.path === '/api/app/orders/preview').map((c) => c.data as { couponId?: number; usePoints?: boolean });
const submitButton = () => screen.getByText(/^提交订单并支付/).closest('button') as HTMLButtonElement;

beforeEach(() => {
  resetAll();
  login.mockResolvedValue({ code: 'wx-code-1', errMsg: 'login:ok' });
  sessionStore.set({ token: 'tok-1', expiresAt: inOneHour() });
  setStorageSync('o2o.cart.v1.1', [{ sku: 'NUT-002', quantity: 2 }]);
});

describe('checkout: coupon choice', () => {
  it('applies the suggested coupon with the server amounts, and orders with it', async () => {
    const calls = serve();
    render(<CheckoutPage />);
    expect(await screen.findByText('-¥10.00 满50减10 ›')).toBeTruthy();
    expect(screen.getByText('¥49.80', { selector: '.checkout-page__payable' })).toBeTruthy();
    expect(screen.getByText('-¥10.00')).toBeTruthy(); // the coupon line
    expect(previews(calls)).toEqual([{ storeId: 1, items: [{ sku: 'NUT-002', quantity: 2 }] }, { storeId: 1, items: [{ sku: 'NUT-002', quantity: 2 }], couponId: 11 }]);

    fireEvent.click(submitButton());
    await waitFor(() => expect(redirectTo).toHaveBeenCalled());
    const create = calls.find((c) => c.method === 'POST' && c.path === '/api/app/orders')!;
    expect(create.data).toEqual({ storeId: 1, items: [{ sku: 'NUT-002', quantity: 2 }], couponId: 11 });
  });

  it('lists usable coupons with their saving and unusable ones with the reason; picking one re-prices', async () => {
    const calls = serve();
    render(<CheckoutPage />);
    fireEvent.click(await screen.findByText('-¥10.00 满50减10 ›'));
    expect(screen.getByText('可用优惠券（2）')).toBeTruthy();
    expect(screen.getByText('本单可省 ¥10.00 · 推荐')).toBeTruthy();
    expect(screen.getByText('本单可省 ¥3.00')).toBeTruthy();
    expect(screen.getByText('不可用优惠券（2）')).toBeTruthy();
    expect(screen.getByText('还差 ¥140.2 可用')).toBeTruthy();
    expect(screen.getByText('仅限指定品类商品使用')).toBeTruthy();

    fireEvent.click(screen.getByText('无门槛3元'));
    expect(await screen.findByText('-¥3.00 无门槛3元 ›')).toBeTruthy();
    expect(screen.getByText('¥56.80', { selector: '.checkout-page__payable' })).toBeTruthy();
    expect(previews(calls).at(-1)).toEqual({ storeId: 1, items: [{ sku: 'NUT-002', quantity: 2 }], couponId: 12 });

    // an unusable coupon cannot be picked
    fireEvent.click(screen.getByText('-¥3.00 无门槛3元 ›'));
    fireEvent.click(screen.getByText('满200减40'));
    expect(screen.getByText('-¥3.00 无门槛3元 ›')).toBeTruthy();

    fireEvent.click(screen.getByText('不使用优惠券'));
    expect(await screen.findByText('2 张可用 ›')).toBeTruthy();
    expect(screen.getByText('¥59.80', { selector: '.checkout-page__payable' })).toBeTruthy();
    fireEvent.click(submitButton());
    await waitFor(() => expect(redirectTo).toHaveBeenCalled());
    const create = calls.find((c) => c.method === 'POST' && c.path === '/api/app/orders')!;
    expect(create.data).toEqual({ storeId: 1, items: [{ sku: 'NUT-002', quantity: 2 }] });
  });

  it('points are priced by the server together with the coupon', async () => {
    const calls = serve();
    render(<CheckoutPage />);
    await screen.findByText('-¥10.00 满50减10 ›');
    await act(async () => fireEvent.click(screen.getByText('使用积分抵现（可用 1000）')));
    await waitFor(() => expect(previews(calls).at(-1)).toEqual({ storeId: 1, items: [{ sku: 'NUT-002', quantity: 2 }], usePoints: true, couponId: 11 }));
  });

  it('a failed preview shows a retry line and still lets the customer order', async () => {
    let fail = true;
    serve({
      'POST /api/app/orders/preview': () =>
        fail ? { statusCode: 503, data: errorBody('DEPENDENCY_UNAVAILABLE') } : { statusCode: 200, data: { order: priced(null, 0), coupons: [], suggestedCouponId: null } },
    });
    render(<CheckoutPage />);
    expect(await screen.findByText('服务暂不可用，请稍后重试，点击重新计算')).toBeTruthy();
    expect(screen.getByText('暂不可选 ›')).toBeTruthy();
    expect(submitButton().disabled).toBe(false);
    fail = false;
    fireEvent.click(screen.getByText('服务暂不可用，请稍后重试，点击重新计算'));
    expect(await screen.findByText('暂无可用 ›')).toBeTruthy();
  });
});
