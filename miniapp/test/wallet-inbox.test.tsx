import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { ClaimableTemplateView, CouponView, InboxMessageView } from '@o2o/shared';
import '../src/app';
import CouponCenterPage from '../src/pages/coupon-center/index';
import CouponsPage from '../src/pages/coupons/index';
import InboxPage from '../src/pages/inbox/index';
import IndexPage from '../src/pages/index/index';
import OrderPage from '../src/pages/order/index';
import { sessionStore } from '../src/stores/session';
import { firePullDownRefresh, login, navigateTo, request, requestSubscribeMessage, showToast, useRouter } from './__mocks__/taro';
import { couponOf, member, orderOf } from './fixtures';
import { errorBody, fakeApi, inOneHour, resetAll, type FakeCall } from './helpers';

jest.mock('../src/platform/login', () => jest.requireActual('../src/platform/login.weapp'));
jest.mock('../src/platform/subscribe', () => jest.requireActual('../src/platform/subscribe.weapp'));

const coupon = (id: number, over: Partial<CouponView> = {}): CouponView => couponOf(id, { title: `券${id}`, ...over });
const claimable: ClaimableTemplateView = {
  template: { id: 2, title: '满100减20', description: '', kind: 'amount_off', thresholdFen: 10_000, amountOffFen: 2_000, percentOff: null, maxDiscountFen: null, giftSku: null, validFrom: null, validTo: null, validDays: 7, storeIds: [], categoryIds: [], perCustomerLimit: 1 },
  remainingStock: 88,
  remainingForMe: 1,
  canClaim: true,
};
const message = (id: number, over: Partial<InboxMessageView> = {}): InboxMessageView => ({ id, title: `消息${id}`, body: '您的专属导购送您一张券', couponId: null, read: false, at: new Date().toISOString(), ...over });

beforeEach(() => {
  resetAll();
  login.mockResolvedValue({ code: 'wx-code-1', errMsg: 'login:ok' });
  sessionStore.set({ token: 'tok-1', expiresAt: inOneHour() });
});

describe('coupon wallet', () => {
  it('lists by tab, shows empty states, and a network failure shows a retry state instead of a blank page', async () => {
    const calls = fakeApi({
      'GET /api/app/coupons': (c) => {
        return { statusCode: 200, data: { items: c.query === 'status=issued' ? [coupon(1)] : c.query === 'status=redeemed' ? [coupon(2, { status: 'redeemed' })] : [] } };
      },
    });
    render(<CouponsPage />);
    expect(await screen.findByText('券1')).toBeTruthy();
    fireEvent.click(screen.getByText('已使用'));
    expect(await screen.findByText('券2')).toBeTruthy();
    expect(screen.getAllByText('已使用').length).toBe(2); // the tab and the stamp
    fireEvent.click(screen.getByText('已过期'));
    expect(await screen.findByText('没有过期的优惠券')).toBeTruthy();
    expect(calls.map((c) => c.query)).toEqual(['status=issued', 'status=redeemed', 'status=expired']);

    // offline: the first load of a tab becomes the retry state
    request.mockImplementationOnce(() => Promise.reject({ errMsg: 'request:fail timeout' }));
    fireEvent.click(screen.getByText('可使用'));
    expect(await screen.findByText('网络不给力，请检查网络后重试')).toBeTruthy();
    fireEvent.click(screen.getByText('重试'));
    expect(await screen.findByText('券1')).toBeTruthy();
  });

  it('opens a coupon from the wallet', async () => {
    fakeApi({ 'GET /api/app/coupons': () => ({ statusCode: 200, data: { items: [coupon(1)] } }) });
    render(<CouponsPage />);
    fireEvent.click(await screen.findByText('券1'));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/coupon/index?id=1' });
  });
});

describe('claim centre', () => {
  it('claims with an Idempotency-Key; a lost answer is retried with the same key, then a success switches to 去使用', async () => {
    let n = 0;
    let claimed = false;
    const calls = fakeApi({
      'GET /api/app/me': () => ({ statusCode: 200, data: { customer: member } }),
      'GET /api/app/coupons/claimable': () => ({ statusCode: 200, data: { items: [claimed ? { ...claimable, remainingForMe: 0, canClaim: false } : claimable] } }),
      'POST /api/app/coupons/claim': () => {
        if (++n === 1) return { statusCode: 503, data: errorBody('DEPENDENCY_UNAVAILABLE') };
        claimed = true;
        return { statusCode: 201, data: { coupon: coupon(9) } };
      },
    });
    render(<CouponCenterPage />);
    expect(await screen.findByText('仅剩 88 张')).toBeTruthy();
    expect(screen.getByText('领取后7天内有效')).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByText('立即领取')));
    expect(showToast).toHaveBeenLastCalledWith({ title: '服务暂不可用，请稍后重试', icon: 'none' });
    await act(async () => fireEvent.click(screen.getByText('立即领取')));
    expect(await screen.findByText('去使用')).toBeTruthy();
    const keys = calls.filter((c) => c.path === '/api/app/coupons/claim').map((c) => c.header['Idempotency-Key']);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(calls.find((c) => c.path === '/api/app/coupons/claimable')?.query).toBe('storeId=1');
  });

  it('out of stock is said plainly', async () => {
    fakeApi({
      'GET /api/app/me': () => ({ statusCode: 200, data: { customer: member } }),
      'GET /api/app/coupons/claimable': () => ({ statusCode: 200, data: { items: [claimable] } }),
      'POST /api/app/coupons/claim': () => ({ statusCode: 409, data: errorBody('COUPON_OUT_OF_STOCK') }),
    });
    render(<CouponCenterPage />);
    const claimButton = await screen.findByText('立即领取');
    await act(async () => fireEvent.click(claimButton));
    expect(showToast).toHaveBeenLastCalledWith({ title: '来晚了，券已被抢光', icon: 'none' });
  });
});

describe('inbox', () => {
  it('shows the unread badge in the member centre', async () => {
    fakeApi({
      'POST /api/app/session': () => ({ statusCode: 200, data: { token: 'tok-1', expiresAt: inOneHour(), customer: member } }),
      'GET /api/app/coupons': () => ({ statusCode: 200, data: { items: [coupon(1), coupon(2)] } }),
      'GET /api/app/inbox': () => ({ statusCode: 200, data: { items: [message(1)], nextCursor: 'x', unreadCount: 3 } }),
    });
    useRouter.mockReturnValue({ params: { scene: 'c%3DK7f3Qa' } });
    render(<IndexPage />);
    expect(await screen.findByText('3')).toBeTruthy();
    expect(screen.getByText('2 张可用')).toBeTruthy();
  });

  it('lists messages, marks one read when opened (and opens its coupon), and all read', async () => {
    const calls = fakeApi({
      'GET /api/app/inbox': () => ({ statusCode: 200, data: { items: [message(2, { couponId: 9 }), message(1), message(0, { read: true })], nextCursor: null, unreadCount: 2 } }),
      'POST /api/app/inbox/2/read': () => ({ statusCode: 200, data: { message: message(2, { read: true }) } }),
      'POST /api/app/inbox/read-all': () => ({ statusCode: 200, data: {} }),
    });
    render(<InboxPage />);
    expect(await screen.findByText('2 条未读')).toBeTruthy();
    fireEvent.click(screen.getByText('消息2'));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/coupon/index?id=9' });
    expect(await screen.findByText('1 条未读')).toBeTruthy();
    fireEvent.click(screen.getByText('全部已读'));
    expect(screen.queryByText(/条未读/)).toBeNull();
    await waitFor(() => expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /api/app/inbox', 'POST /api/app/inbox/2/read', 'POST /api/app/inbox/read-all']));
    await act(async () => firePullDownRefresh());
  });
});

describe('subscribe-message request after ordering', () => {
  afterEach(() => {
    delete process.env.TARO_APP_SUBSCRIBE_PICKUP_TMPL;
    delete process.env.TARO_APP_SUBSCRIBE_OFFER_TMPL;
  });

  it('asks for the pickup and offers templates on the result page and records the answer', async () => {
    process.env.TARO_APP_SUBSCRIBE_PICKUP_TMPL = 'tmplPickup';
    process.env.TARO_APP_SUBSCRIBE_OFFER_TMPL = 'tmplOffer';
    requestSubscribeMessage.mockResolvedValue({ errMsg: 'requestSubscribeMessage:ok', tmplPickup: 'accept', tmplOffer: 'reject' });
    const calls = fakeApi({
      'GET /api/app/orders/42': () => ({ statusCode: 200, data: { order: orderOf('paid') } }),
      'POST /api/app/subscriptions': () => ({ statusCode: 200, data: {} }),
    });
    useRouter.mockReturnValue({ params: { id: '42', paid: '1' } });
    render(<OrderPage />);
    const on = await screen.findByText('开启');
    await act(async () => fireEvent.click(on));
    expect(requestSubscribeMessage).toHaveBeenCalledWith({ tmplIds: ['tmplPickup', 'tmplOffer'] });
    expect(await screen.findByText('已开启提醒，备好后会第一时间通知您')).toBeTruthy();
    expect(calls.find((c: FakeCall) => c.path === '/api/app/subscriptions')?.data).toEqual({ templateIds: ['tmplPickup', 'tmplOffer'], accepted: ['tmplPickup'] });
  });

  it('is not offered when no templates are configured', async () => {
    fakeApi({ 'GET /api/app/orders/42': () => ({ statusCode: 200, data: { order: orderOf('paid') } }) });
    useRouter.mockReturnValue({ params: { id: '42', paid: '1' } });
    render(<OrderPage />);
    await screen.findByText('支付成功');
    expect(screen.queryByText('开启取餐提醒')).toBeNull();
  });
});
