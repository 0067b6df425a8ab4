import { fireEvent, render, screen, within } from '@testing-library/react';
import type { CustomerView } from '@o2o/shared';
import '../src/app';
import MenuPage from '../src/pages/menu/index';
import { sessionStore } from '../src/stores/session';
import { getStorageSync, login, navigateTo, pageScrollTo } from './__mocks__/taro';
import { fan, member, MENU } from './fixtures';
import { fakeApi, inOneHour, resetAll } from './helpers';

jest.mock('../src/platform/login', () => jest.requireActual('../src/platform/login.weapp'));

function serve(customer: CustomerView, products = MENU) {
  return fakeApi({
    'GET /api/app/me': () => ({ statusCode: 200, data: { customer } }),
    'GET /api/app/products': () => ({ statusCode: 200, data: { items: products } }),
  });
}

/** The product row containing `name`, for its stepper. */
function row(name: string): HTMLElement {
  return screen.getByText(name).closest('.product-row') as HTMLElement;
}

function tapPlus(name: string, times = 1) {
  for (let i = 0; i < times; i++) fireEvent.click(within(row(name)).getByText('+'));
}

beforeEach(() => {
  resetAll();
  login.mockResolvedValue({ code: 'wx-code-1', errMsg: 'login:ok' });
  sessionStore.set({ token: 'tok-1', expiresAt: inOneHour() });
});

describe('menu page', () => {
  it("loads the customer's store menu grouped by category with sale and member prices", async () => {
    const calls = serve(fan);
    render(<MenuPage />);

    expect(await screen.findByText('每日坚果 25g')).toBeTruthy();
    expect(screen.getByText('小食光·光谷店')).toBeTruthy();
    const products = calls.find((c) => c.path === '/api/app/products');
    expect(products?.query).toBe('storeId=1');
    for (const name of ['坚果', '肉脯', '果干', '饮料']) expect(screen.getAllByText(name).length).toBeGreaterThanOrEqual(1);
    // a fan sees the sale price and the member price as an invitation
    expect(within(row('每日坚果 25g')).getByText('¥3.90')).toBeTruthy();
    expect(within(row('每日坚果 25g')).getByText('会员价 ¥1.90 + 6积分')).toBeTruthy();
    expect(within(row('牛肉粒 80g')).queryByText(/会员价/)).toBeNull();

    fireEvent.click(screen.getAllByText('肉脯')[0]);
    expect(pageScrollTo).toHaveBeenCalledWith(expect.objectContaining({ selector: '#menu-cat-2' }));
  });

  it('adds to the cart and totals a fan at sale prices, with the membership saving as a nudge', async () => {
    serve(fan);
    render(<MenuPage />);
    await screen.findByText('每日坚果 25g');
    expect(screen.getByText('未选购商品')).toBeTruthy();

    tapPlus('每日坚果 25g', 3);
    tapPlus('牛肉粒 80g');

    expect(within(row('每日坚果 25g')).getByText('3')).toBeTruthy();
    expect(screen.getByText('4', { selector: '.cart-bar__badge' })).toBeTruthy();
    expect(screen.getByText('¥37.60', { selector: '.cart-bar__total' })).toBeTruthy(); // 3×3.90 + 25.90
    expect(screen.getByText('入会立省 ¥6.00')).toBeTruthy(); // 3 × (3.90 − 1.90)

    fireEvent.click(screen.getByText('入会立省 ¥6.00'));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/index/index' });
  });

  it('totals a member at member prices (cash + points) and shows the saving', async () => {
    serve(member);
    render(<MenuPage />);
    await screen.findByText('每日坚果 25g');
    expect(within(row('每日坚果 25g')).getByText('¥1.90 + 6积分')).toBeTruthy();
    expect(within(row('每日坚果 25g')).getByText('¥3.90')).toBeTruthy(); // struck sale price

    tapPlus('每日坚果 25g', 2);
    tapPlus('芒果干 108g');

    expect(screen.getByText('¥13.70 + 22积分', { selector: '.cart-bar__total' })).toBeTruthy(); // 2×1.90 + 9.90; 12 + 10
    expect(screen.getByText('会员价已省 ¥7.00')).toBeTruthy(); // 2×2.00 + 3.00

    fireEvent.click(within(row('芒果干 108g')).getByText('−'));
    expect(screen.getByText('¥3.80 + 12积分', { selector: '.cart-bar__total' })).toBeTruthy();
  });

  it('tells a member when the balance does not cover the member prices', async () => {
    serve({ ...member, pointsBalance: 5 });
    render(<MenuPage />);
    await screen.findByText('每日坚果 25g');

    tapPlus('每日坚果 25g');

    expect(screen.getByText('积分不足：会员价需 6 积分，当前 5')).toBeTruthy();
  });

  it('opens checkout from the cart bar, lists and clears the cart in its sheet', async () => {
    serve(member);
    render(<MenuPage />);
    await screen.findByText('每日坚果 25g');
    const checkout = screen.getByText('去结算').closest('button') as HTMLButtonElement;
    expect(checkout.disabled).toBe(true); // empty cart
    tapPlus('碧根果 120g');

    expect(checkout.disabled).toBe(false);
    fireEvent.click(checkout);
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/checkout/index' });

    fireEvent.click(screen.getByText('购', { selector: '.cart-bar__icon-text' }));
    const sheet = screen.getByText('已选商品').closest('.cart-sheet') as HTMLElement;
    expect(within(sheet).getByText('碧根果 120g')).toBeTruthy();
    expect(within(sheet).getByText('¥24.90 + 20积分')).toBeTruthy();
    fireEvent.click(within(sheet).getByText('清空'));

    expect(screen.queryByText('已选商品')).toBeNull();
    expect(screen.getByText('未选购商品')).toBeTruthy();
  });

  it("keeps the store's cart across visits and forgets SKUs the menu no longer has", async () => {
    serve(member);
    const first = render(<MenuPage />);
    await screen.findByText('每日坚果 25g');
    tapPlus('每日坚果 25g', 2);
    tapPlus('椰子水 330ml');
    first.unmount();
    expect(getStorageSync('o2o.cart.v1.1')).toEqual([
      { sku: 'NUT-001', quantity: 2 },
      { sku: 'DRINK-001', quantity: 1 },
    ]);

    serve(member, MENU.filter((p) => p.sku !== 'DRINK-001'));
    render(<MenuPage />);
    await screen.findByText('每日坚果 25g');

    expect(within(row('每日坚果 25g')).getByText('2')).toBeTruthy();
    expect(screen.getByText('2', { selector: '.cart-bar__badge' })).toBeTruthy();
    expect(getStorageSync('o2o.cart.v1.1')).toEqual([{ sku: 'NUT-001', quantity: 2 }]);
  });

  it('shows an empty menu and a failed menu with retry', async () => {
    let attempt = 0;
    fakeApi({
      'GET /api/app/me': () => ({ statusCode: 200, data: { customer: fan } }),
      'GET /api/app/products': () => (++attempt === 1 ? { statusCode: 503, data: { code: 'DEPENDENCY_UNAVAILABLE', message: 'x', requestId: 'r' } } : { statusCode: 200, data: { items: [] } }),
    });
    render(<MenuPage />);

    expect(await screen.findByText('服务暂不可用，请稍后重试')).toBeTruthy();
    fireEvent.click(screen.getByText('重试'));
    expect(await screen.findByText('门店暂未上架商品')).toBeTruthy();
  });
});
