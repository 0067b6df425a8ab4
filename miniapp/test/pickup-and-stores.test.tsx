import { act, fireEvent, render, screen } from '@testing-library/react';
import type { PickupView, StaffView, StoreChoiceView } from '@o2o/shared';
import '../src/app';
import PickupsPage from '../src/clerk/pages/pickups/index';
import { filterPickups } from '../src/clerk/pickup/pickups';
import { staffSession } from '../src/clerk/stores/staff-session';
import MenuPage from '../src/pages/menu/index';
import OrderPage from '../src/pages/order/index';
import OrdersPage from '../src/pages/orders/index';
import StoresPage from '../src/pages/stores/index';
import { sessionStore } from '../src/stores/session';
import { distanceText } from '../src/utils/format';
import { fireDidShow, getCurrentPages, getLocation, login, navigateBack, redirectTo, showModal, useRouter } from './__mocks__/taro';
import { fan, member, MENU, orderOf } from './fixtures';
import { errorBody, fakeApi, inOneHour, resetAll, type FakeCall } from './helpers';

jest.mock('../src/platform/login', () => jest.requireActual('../src/platform/login.weapp'));
jest.mock('../src/platform/location', () => jest.requireActual('../src/platform/location.weapp'));

const clerk: StaffView = { id: 3, name: '王芳', role: 'clerk', status: 'active', storeId: 1, username: null, wechatBound: true };
const pickup = (orderId: number, code: string, over: Partial<PickupView> = {}): PickupView => ({
  orderId,
  pickupCode: code,
  status: 'paid',
  payableFen: 380,
  items: [{ name: '每日坚果 25g', quantity: 2 }],
  phoneMasked: '138****5678',
  paidAt: '2026-05-20T02:00:00.000Z',
  pickedUpAt: null,
  pickedUpBy: null,
  ...over,
});
const posts = (calls: FakeCall[], path: string) => calls.filter((c) => c.method === 'POST' && c.path === path);

beforeEach(() => {
  resetAll();
  staffSession.resetForTests();
  login.mockResolvedValue({ code: 'wx-code-1', errMsg: 'login:ok' });
});

describe('pickup at the counter', () => {
  beforeEach(() => staffSession.set({ token: 'staff-tok', expiresAt: inOneHour(), staff: clerk }));

  it('lists the paid pre-orders, narrows by the typed code, and marks one picked up after the confirmation', async () => {
    const calls = fakeApi({
      'GET /api/clerk/pickups': () => ({ statusCode: 200, data: { items: [pickup(1, '0427'), pickup(2, '1311', { items: [{ name: '芒果干 108g', quantity: 1 }] })] } }),
      'POST /api/clerk/pickups/0427/complete': () => ({ statusCode: 200, data: { pickup: pickup(1, '0427', { pickedUpAt: '2026-05-20T02:10:00.000Z', pickedUpBy: 3 }) } }),
    });
    showModal.mockResolvedValue({ confirm: true, cancel: false });
    render(<PickupsPage />);
    expect(await screen.findByText('0427')).toBeTruthy();
    expect(calls[0].query).toBe('status=paid');
    expect(screen.getByText('1311')).toBeTruthy();

    fireEvent.change(screen.getByPlaceholderText('输入顾客的取餐码'), { target: { value: '04' } });
    expect(screen.queryByText('1311')).toBeNull();
    await act(async () => fireEvent.click(screen.getByText('确认取货')));
    expect(showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '确认取货 · 0427', confirmText: '确认取货' }));
    expect(posts(calls, '/api/clerk/pickups/0427/complete')).toHaveLength(1);
    expect(posts(calls, '/api/clerk/pickups/0427/complete')[0].header.Authorization).toBe('Bearer staff-tok');
    expect(document.querySelector('.pickup-row__state')?.textContent).toBe('已取货');
    expect(screen.queryByText('确认取货')).toBeNull();
  });

  it('cancelling the confirmation changes nothing', async () => {
    const calls = fakeApi({ 'GET /api/clerk/pickups': () => ({ statusCode: 200, data: { items: [pickup(1, '0427')] } }) });
    showModal.mockResolvedValue({ confirm: false, cancel: true });
    render(<PickupsPage />);
    await screen.findByText('0427');
    await act(async () => fireEvent.click(screen.getByText('确认取货')));
    expect(posts(calls, '/api/clerk/pickups/0427/complete')).toHaveLength(0);
    expect(document.querySelector('.pickup-row__state')?.textContent).toBe('待取货');
  });

  it('a full code not in today’s list can be completed by code; the server’s refusal is said plainly', async () => {
    const calls = fakeApi({
      'GET /api/clerk/pickups': () => ({ statusCode: 200, data: { items: [] } }),
      'POST /api/clerk/pickups/5555/complete': () => ({ statusCode: 409, data: errorBody('PICKUP_NOT_READY') }),
    });
    showModal.mockResolvedValue({ confirm: true, cancel: false });
    render(<PickupsPage />);
    expect(await screen.findByText('暂无待取货的预订单')).toBeTruthy();
    fireEvent.change(screen.getByPlaceholderText('输入顾客的取餐码'), { target: { value: '5555' } });
    await act(async () => fireEvent.click(screen.getByText('按取餐码 5555 取货')));
    expect(posts(calls, '/api/clerk/pickups/5555/complete')).toHaveLength(1);
    expect(screen.getByText('这笔订单未支付或已退款，不能取货')).toBeTruthy();
  });

  it('filters by code prefix, ignoring spaces', () => {
    const items = [pickup(1, '0427'), pickup(2, '0431'), pickup(3, '1311')];
    expect(filterPickups(items, '04').map((p) => p.orderId)).toEqual([1, 2]);
    expect(filterPickups(items, '04 27').map((p) => p.orderId)).toEqual([1]);
    expect(filterPickups(items, '')).toHaveLength(3);
  });
});

describe('the consumer sees the pickup', () => {
  beforeEach(() => sessionStore.set({ token: 'tok-1', expiresAt: inOneHour() }));

  it('the order page says 已取货 (and no longer shows the code as something to collect)', async () => {
    useRouter.mockReturnValue({ params: { id: '42' }, path: '/pages/order/index' });
    fakeApi({ 'GET /api/app/orders/42': () => ({ statusCode: 200, data: { order: orderOf('paid', { pickedUpAt: '2026-05-20T02:10:00.000Z' }) } }) });
    render(<OrderPage />);
    expect(await screen.findByText('已取货')).toBeTruthy();
    expect(screen.queryByText('请凭取餐码到店取餐')).toBeNull();
    expect(screen.getByText(/已在门店取货/)).toBeTruthy();
  });

  it('the orders list tells a purchase at the counter from a pre-order', async () => {
    fakeApi({
      'GET /api/app/orders': () => ({
        statusCode: 200,
        data: { items: [orderOf('paid', { id: 2, channel: 'clerk', pickupCode: null, pointsEarned: 18 }), orderOf('paid', { id: 1, pickedUpAt: '2026-05-20T02:10:00.000Z' }), orderOf('paid', { id: 3 })], nextCursor: null },
      }),
    });
    render(<OrdersPage />);
    expect(await screen.findByText('门店消费')).toBeTruthy();
    expect(screen.getByText('+18 积分')).toBeTruthy();
    expect(screen.getByText('已取货')).toBeTruthy();
    expect(screen.getAllByText('取餐码 0427')).toHaveLength(1); // only the one still waiting
  });
});

describe('the ordering store', () => {
  beforeEach(() => sessionStore.set({ token: 'tok-1', expiresAt: inOneHour() }));
  const stores: StoreChoiceView[] = [
    { id: 2, name: '小食光·街道口店', city: '武汉', address: '珞喻路 1 号', distanceM: 420 },
    { id: 1, name: '小食光·光谷店', city: '武汉', address: '光谷步行街', distanceM: 3_560 },
  ];

  it('the menu shows the store the customer orders from, not the home store, and re-reads it when shown again', async () => {
    let ordering = { id: 2, name: '小食光·街道口店' };
    fakeApi({
      'GET /api/app/me': () => ({ statusCode: 200, data: { customer: { ...member, orderingStore: ordering } } }),
      'GET /api/app/products': () => ({ statusCode: 200, data: { items: MENU } }),
    });
    render(<MenuPage />);
    expect(await screen.findByText('小食光·街道口店')).toBeTruthy();
    expect(screen.queryByText('小食光·光谷店')).toBeNull(); // the home store
    ordering = { id: 1, name: '小食光·光谷店' };
    act(() => fireDidShow()); // first show
    act(() => fireDidShow()); // back from the switcher
    expect(await screen.findByText('小食光·光谷店')).toBeTruthy();
  });

  it('lists stores nearest first with the position when allowed, and sets the chosen one', async () => {
    getLocation.mockResolvedValue({ latitude: 30.5281, longitude: 114.3565, errMsg: 'getLocation:ok' });
    const calls = fakeApi({
      'GET /api/app/me': () => ({ statusCode: 200, data: { customer: fan } }),
      'GET /api/app/stores': () => ({ statusCode: 200, data: { items: stores } }),
      'PUT /api/app/me/store': () => ({ statusCode: 200, data: { customer: { ...fan, orderingStore: { id: 2, name: '小食光·街道口店' } } } }),
    });
    render(<StoresPage />);
    expect(await screen.findByText('按距离由近到远排列')).toBeTruthy();
    expect(calls.find((c) => c.path === '/api/app/stores')!.query).toBe(`near=${encodeURIComponent('30.528100,114.356500')}`);
    expect(screen.getByText('420 m')).toBeTruthy();
    expect(screen.getByText('3.6 km')).toBeTruthy();
    expect(await screen.findByText('当前门店')).toBeTruthy();

    await act(async () => fireEvent.click(screen.getByText('小食光·街道口店')));
    expect(calls.find((c) => c.method === 'PUT')!.data).toEqual({ storeId: 2 });
    expect(navigateBack).toHaveBeenCalled();
  });

  it('without a position: the plain list; opened directly it returns to the menu', async () => {
    getCurrentPages.mockReturnValue([{ route: 'pages/stores/index' }]);
    const calls = fakeApi({
      'GET /api/app/me': () => ({ statusCode: 200, data: { customer: fan } }),
      'GET /api/app/stores': () => ({ statusCode: 200, data: { items: stores.map((s) => ({ ...s, distanceM: null })) } }),
      'PUT /api/app/me/store': () => ({ statusCode: 200, data: { customer: fan } }),
    });
    render(<StoresPage />);
    expect(await screen.findByText('未获取到您的位置，按门店列表排列')).toBeTruthy();
    expect(calls.find((c) => c.path === '/api/app/stores')!.query).toBe('');
    await act(async () => fireEvent.click(screen.getByText('小食光·街道口店')));
    expect(redirectTo).toHaveBeenCalledWith({ url: '/pages/menu/index' });
  });

  it('formats distances', () => {
    expect([distanceText(4), distanceText(420), distanceText(1_049), distanceText(12_400), distanceText(null)]).toEqual(['10 m', '420 m', '1.0 km', '12 km', '']);
  });
});
