import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { CustomerView } from '@o2o/shared';
import '../src/app';
import CheckoutPage from '../src/pages/checkout/index';
import OrderPage from '../src/pages/order/index';
import OrdersPage from '../src/pages/orders/index';
import { sessionStore } from '../src/stores/session';
import { getStorageSync, login, redirectTo, requestPayment, setStorageSync, useRouter } from './__mocks__/taro';
import { member, MENU, orderOf, PARAMS } from './fixtures';
import { errorBody, fakeApi, inOneHour, resetAll, type FakeCall } from './helpers';

jest.mock('../src/platform/login', () => jest.requireActual('../src/platform/login.weapp'));
jest.mock('../src/platform/pay', () => jest.requireActual('../src/platform/pay.weapp'));

function serve(routes: Parameters<typeof fakeApi>[0], customer: CustomerView = member): FakeCall[] {
  return fakeApi({
    'GET /api/app/me': () => ({ statusCode: 200, data: { customer } }),
    'GET /api/app/products': () => ({ statusCode: 200, data: { items: MENU } }),
    ...routes,
  });
}

beforeEach(() => {
  resetAll();
  login.mockResolvedValue({ code: 'wx-code-1', errMsg: 'login:ok' });
  sessionStore.set({ token: 'tok-1', expiresAt: inOneHour() });
  setStorageSync('o2o.cart.v1.1', [{ sku: 'NUT-001', quantity: 2 }]);
});

const submitButton = () => screen.getByText(/^(提交订单并支付|继续支付)/).closest('button') as HTMLButtonElement;

describe('checkout page', () => {
  it('creates the order with an Idempotency-Key and the points choice, pays with the five fields, confirms, opens the result', async () => {
    const paidOrder = orderOf('paid', { pointsDeductionFen: 100, payableFen: 280 });
    const calls = serve({
      'POST /api/app/orders': () => ({ statusCode: 201, data: { order: orderOf('created', { pointsDeductionFen: 100, payableFen: 280 }), payment: PARAMS } }),
      'GET /api/app/orders/42': () => ({ statusCode: 200, data: { order: paidOrder } }),
    });
    render(<CheckoutPage />);
    await screen.findByText('每日坚果 25g');
    expect(screen.getAllByText('¥3.80 + 12积分')).toHaveLength(2); // line and estimate: 2 × (1.90 + 6)

    fireEvent.click(screen.getByText('使用积分抵现（可用 1000）'));
    fireEvent.click(submitButton());

    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: '/pages/order/index?id=42&paid=1' }));
    const create = calls.find((c) => c.method === 'POST' && c.path === '/api/app/orders')!;
    expect(create.data).toEqual({ storeId: 1, items: [{ sku: 'NUT-001', quantity: 2 }], usePoints: true });
    expect(create.header['Idempotency-Key']).toMatch(/^[A-Za-z0-9_.:-]{8,64}$/);
    expect(requestPayment).toHaveBeenCalledWith({ timeStamp: '1714543200', nonceStr: 'n0nce', package: 'prepay_id=wx123', signType: 'RSA', paySign: 'c2ln' });
    expect(calls.filter((c) => c.path === '/api/app/orders/42')).toHaveLength(1);
    expect(getStorageSync('o2o.cart.v1.1')).toEqual([]); // the cart is spent
  });

  it('orders at the store the customer orders from (the last scanned or chosen), with that store’s cart', async () => {
    setStorageSync('o2o.cart.v1.2', [{ sku: 'MEAT-001', quantity: 1 }]);
    const calls = serve(
      {
        'POST /api/app/orders': () => ({ statusCode: 201, data: { order: orderOf('created', { storeId: 2 }), payment: PARAMS } }),
        'GET /api/app/orders/42': () => ({ statusCode: 200, data: { order: orderOf('paid', { storeId: 2 }) } }),
      },
      { ...member, orderingStore: { id: 2, name: '小食光·街道口店' } },
    );
    render(<CheckoutPage />);
    expect(await screen.findByText('小食光·街道口店 · 到店自取')).toBeTruthy();
    fireEvent.click(submitButton());
    await waitFor(() => expect(redirectTo).toHaveBeenCalled());
    const create = calls.find((c) => c.method === 'POST' && c.path === '/api/app/orders')!;
    expect(create.data).toMatchObject({ storeId: 2, items: [{ sku: 'MEAT-001', quantity: 1 }] });
  });

  it('shows a create error in Chinese and retries with the same Idempotency-Key', async () => {
    let n = 0;
    const calls = serve({
      'POST /api/app/orders': () =>
        ++n === 1 ? { statusCode: 409, data: errorBody('PRODUCT_UNAVAILABLE') } : { statusCode: 201, data: { order: orderOf('created'), payment: PARAMS } },
      'GET /api/app/orders/42': () => ({ statusCode: 200, data: { order: orderOf('paid') } }),
    });
    render(<CheckoutPage />);
    await screen.findByText('每日坚果 25g');
    fireEvent.click(submitButton());
    expect(await screen.findByText('部分商品已下架或售罄，请返回菜单调整')).toBeTruthy();
    fireEvent.click(submitButton());
    await waitFor(() => expect(redirectTo).toHaveBeenCalled());
    const keys = calls.filter((c) => c.method === 'POST' && c.path === '/api/app/orders').map((c) => c.header['Idempotency-Key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it('keeps the order after a cancelled payment and shows the server amounts; paying again uses /payment', async () => {
    requestPayment.mockRejectedValueOnce({ errMsg: 'requestPayment:fail cancel' });
    const calls = serve({
      'POST /api/app/orders': () => ({ statusCode: 201, data: { order: orderOf('created'), payment: PARAMS } }),
      'POST /api/app/orders/42/payment': () => ({ statusCode: 200, data: { payment: { ...PARAMS, nonceStr: 'n2' } } }),
      'GET /api/app/orders/42': () => ({ statusCode: 200, data: { order: orderOf('paid') } }),
    });
    render(<CheckoutPage />);
    await screen.findByText('每日坚果 25g');
    fireEvent.click(submitButton());
    expect(await screen.findByText('支付已取消，订单已保留，可继续支付')).toBeTruthy();
    expect(screen.getByText('实付')).toBeTruthy();
    expect(screen.getByText('继续支付 ¥3.80')).toBeTruthy();
    fireEvent.click(submitButton());
    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: '/pages/order/index?id=42&paid=1' }));
    expect(calls.filter((c) => c.method === 'POST' && c.path === '/api/app/orders')).toHaveLength(1);
    expect(requestPayment).toHaveBeenLastCalledWith(expect.objectContaining({ nonceStr: 'n2' }));
  });
});

describe('order pages', () => {
  it('shows the pickup code, status and amounts of a paid order', async () => {
    useRouter.mockReturnValue({ params: { id: '42', paid: '1' }, path: '/pages/order/index' });
    serve({ 'GET /api/app/orders/42': () => ({ statusCode: 200, data: { order: orderOf('paid', { pointsEarned: 3 }) } }) });
    render(<OrderPage />);
    expect(await screen.findByText('支付成功')).toBeTruthy();
    expect(screen.getByText('0427')).toBeTruthy();
    expect(screen.getByText('本单获得 3 积分')).toBeTruthy();
    expect(screen.getByText('会员价已省')).toBeTruthy();
  });

  it('lists orders with status and pickup code', async () => {
    serve({
      'GET /api/app/orders': () => ({ statusCode: 200, data: { items: [orderOf('paid'), orderOf('closed', { id: 41 })], nextCursor: null } }),
    });
    render(<OrdersPage />);
    expect(await screen.findByText('取餐码 0427')).toBeTruthy();
    expect(screen.getByText('已关闭')).toBeTruthy();
    expect(screen.getAllByText('每日坚果 25g×2')).toHaveLength(2);
  });
});
