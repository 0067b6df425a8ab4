import { act, fireEvent, render, screen } from '@testing-library/react';
import type { CustomerView } from '@o2o/shared';
import '../src/app'; // the app shell installs the consumer re-login on the request wrapper
import IndexPage from '../src/pages/index/index';
import { sessionStore } from '../src/stores/session';
import { firePullDownRefresh, login, navigateTo, stopPullDownRefresh, useRouter } from './__mocks__/taro';
import { errorBody, fakeApi, inOneHour, resetAll, type FakeCall } from './helpers';

/** The member centre's side loads (coupon count, inbox badge): not part of the login/binding flow under test. */
const notSideLoad = (c: FakeCall) => !/^\/api\/app\/(coupons|inbox)/.test(c.path);
const core = (calls: FakeCall[]) => calls.filter(notSideLoad);

// Run the page with the WeChat platform files (Taro would pick *.weapp.* for a weapp build).
jest.mock('../src/platform/login', () => jest.requireActual('../src/platform/login.weapp'));
jest.mock('../src/platform/phone', () => jest.requireActual('../src/platform/phone.weapp'));

const fan: CustomerView = {
  id: 7,
  isMember: false,
  level: 0,
  pointsBalance: 0,
  store: { id: 1, name: '静安旗舰店' },
  orderingStore: { id: 1, name: '静安旗舰店' },
  clerk: { id: 3, name: '小王' },
};
const member: CustomerView = { ...fan, isMember: true, phoneMasked: '138****5678', pointsBalance: 1000 };

function session(customer: CustomerView, token = 'tok-1') {
  return { statusCode: 200, data: { token, expiresAt: inOneHour(), customer } };
}

function tapPhoneButton(detail: Record<string, unknown>) {
  act(() => {
    fireEvent(screen.getByText('微信手机号一键绑定'), new CustomEvent('getphonenumber', { detail }));
  });
}

beforeEach(() => {
  resetAll();
  login.mockResolvedValue({ code: 'wx-code-1', errMsg: 'login:ok' });
});

describe('index page', () => {
  it('logs in with the decoded scene, shows the fan view, binds the phone and shows the member with the gift', async () => {
    useRouter.mockReturnValue({ params: { scene: 'c%3DK7f3Qa' } });
    const calls = fakeApi({
      'POST /api/app/session': () => session(fan),
      'POST /api/app/member': () => ({ statusCode: 200, data: { customer: member } }),
    });

    render(<IndexPage />);
    expect(screen.getByText('正在登录…')).toBeTruthy();

    expect(await screen.findByText('欢迎光临 静安旗舰店')).toBeTruthy();
    expect(screen.getByText('您的专属导购 小王')).toBeTruthy();
    expect(screen.getByText('粉丝')).toBeTruthy();
    expect(screen.getByText('成为会员')).toBeTruthy();
    expect(core(calls)[0]).toMatchObject({ method: 'POST', path: '/api/app/session', data: { code: 'wx-code-1', scene: 'c=K7f3Qa' } });
    expect(core(calls)[0].header.Authorization).toBeUndefined();

    tapPhoneButton({ code: 'phone-code-1', errMsg: 'getPhoneNumber:ok' });

    expect(await screen.findByText('获得 1000 积分')).toBeTruthy();
    expect(screen.getByText('会员')).toBeTruthy();
    expect(screen.getByText('138****5678')).toBeTruthy();
    expect(screen.getByText('1000')).toBeTruthy();
    expect(screen.queryByText('成为会员')).toBeNull();
    expect(core(calls)[1]).toMatchObject({ method: 'POST', path: '/api/app/member', data: { phoneCode: 'phone-code-1' } });
    expect(core(calls)[1].header.Authorization).toBe('Bearer tok-1');
    expect(core(calls)).toHaveLength(2);
  });

  it('sends no scene when it is malformed, and still logs in', async () => {
    useRouter.mockReturnValue({ params: { scene: '%E0%A4%A' } });
    const calls = fakeApi({ 'POST /api/app/session': () => session(fan) });

    render(<IndexPage />);

    expect(await screen.findByText('粉丝')).toBeTruthy();
    expect(core(calls)).toHaveLength(1);
    expect(core(calls)[0].data).toEqual({ code: 'wx-code-1' });
    expect(core(calls)[0].data).not.toHaveProperty('scene');
  });

  it('shows the empty state when the customer is not attributed to a store or clerk', async () => {
    fakeApi({ 'POST /api/app/session': () => session({ ...fan, store: undefined, clerk: undefined }) });

    render(<IndexPage />);

    expect(await screen.findByText('欢迎来到会员中心')).toBeTruthy();
    expect(screen.queryByText(/欢迎光临/)).toBeNull();
  });

  it('shows an error with a retry that logs in again', async () => {
    let attempts = 0;
    fakeApi({
      'POST /api/app/session': () => {
        attempts += 1;
        return attempts === 1 ? { statusCode: 503, data: errorBody('DEPENDENCY_UNAVAILABLE') } : session(fan);
      },
    });

    render(<IndexPage />);

    expect(await screen.findByText('出错了')).toBeTruthy();
    expect(screen.getByText('服务暂不可用，请稍后重试')).toBeTruthy();
    fireEvent.click(screen.getByText('重试'));
    expect(await screen.findByText('粉丝')).toBeTruthy();
    expect(attempts).toBe(2);
  });

  it('reuses a stored token without a scene, and logs in again once when the server rejects it', async () => {
    sessionStore.set({ token: 'old', expiresAt: inOneHour() });
    const calls = fakeApi({
      'GET /api/app/me': (c) =>
        c.header.Authorization === 'Bearer new'
          ? { statusCode: 200, data: { customer: member } }
          : { statusCode: 401, data: errorBody('TOKEN_EXPIRED') },
      'POST /api/app/session': () => session(fan, 'new'),
    });

    render(<IndexPage />);

    expect(await screen.findByText('138****5678')).toBeTruthy();
    expect(core(calls).map((c) => `${c.method} ${c.path}`)).toEqual(['GET /api/app/me', 'POST /api/app/session', 'GET /api/app/me']);
    expect(core(calls)[1].data).toEqual({ code: 'wx-code-1' });
    expect(login).toHaveBeenCalledTimes(1);
    expect(sessionStore.get()?.token).toBe('new');
  });

  it('keeps the fan view with a message when binding fails', async () => {
    fakeApi({
      'POST /api/app/session': () => session(fan),
      'POST /api/app/member': () => ({ statusCode: 409, data: errorBody('PHONE_ALREADY_BOUND') }),
    });
    render(<IndexPage />);
    await screen.findByText('粉丝');

    tapPhoneButton({ code: 'phone-code-1', errMsg: 'getPhoneNumber:ok' });

    expect(await screen.findByText('该手机号已绑定其他会员')).toBeTruthy();
    expect(screen.getByText('粉丝')).toBeTruthy();
    expect(screen.queryByText(/获得/)).toBeNull();
  });

  it('does not call the API when the user declines the phone sheet', async () => {
    const calls = fakeApi({ 'POST /api/app/session': () => session(fan) });
    render(<IndexPage />);
    await screen.findByText('粉丝');

    tapPhoneButton({ errMsg: 'getPhoneNumber:fail user deny' });

    expect(screen.getByText('您已取消授权，可随时再次点击绑定')).toBeTruthy();
    expect(calls.filter(notSideLoad)).toHaveLength(1);
  });

  it('shows progress while binding and sends one request however often the button fires', async () => {
    let finish: () => void = () => undefined;
    const calls = fakeApi({
      'POST /api/app/session': () => session(fan),
      'POST /api/app/member': () =>
        new Promise((resolve) => {
          finish = () => resolve({ statusCode: 200, data: { customer: member } });
        }),
    });
    render(<IndexPage />);
    await screen.findByText('粉丝');

    tapPhoneButton({ code: 'phone-code-1', errMsg: 'getPhoneNumber:ok' });
    const busy = await screen.findByText('绑定中…');
    expect((busy as HTMLButtonElement).disabled).toBe(true);
    act(() => {
      fireEvent(busy, new CustomEvent('getphonenumber', { detail: { code: 'phone-code-2', errMsg: 'getPhoneNumber:ok' } }));
    });
    await act(async () => finish());

    expect(await screen.findByText('获得 1000 积分')).toBeTruthy();
    expect(calls.filter((c) => c.path === '/api/app/member')).toHaveLength(1);
  });

  it('pull-to-refresh reloads the member centre', async () => {
    let points = 1000;
    const calls = fakeApi({
      'POST /api/app/session': () => session(member),
      'GET /api/app/me': () => ({ statusCode: 200, data: { customer: { ...member, pointsBalance: points } } }),
    });
    useRouter.mockReturnValue({ params: { scene: 'c%3DK7f3Qa' } });
    render(<IndexPage />);
    await screen.findByText('1000');

    points = 1200;
    await act(async () => firePullDownRefresh());

    expect(screen.getByText('1200')).toBeTruthy();
    expect(stopPullDownRefresh).toHaveBeenCalledTimes(1);
    expect(calls.filter(notSideLoad).map((c) => `${c.method} ${c.path}`)).toEqual(['POST /api/app/session', 'GET /api/app/me']);
  });

  it('opens the member code (one tap), the points ledger, the menu and the clerk entry', async () => {
    fakeApi({ 'POST /api/app/session': () => session(member) });
    render(<IndexPage />);
    await screen.findByText('1000');

    fireEvent.click(screen.getByText('会员码'));
    fireEvent.click(screen.getByText('积分明细 ›'));
    fireEvent.click(screen.getByText('门店菜单'));
    fireEvent.click(screen.getByText('导购入口'));

    expect(navigateTo.mock.calls.map((c) => c[0].url)).toEqual(['/pages/member-code/index', '/pages/points/index', '/pages/menu/index', '/clerk/pages/home/index']);
  });

  it('a fan reaches the member code too (sale prices at the till, the purchase recorded)', async () => {
    fakeApi({ 'POST /api/app/session': () => session(fan) });
    render(<IndexPage />);
    await screen.findByText('成为会员');
    fireEvent.click(screen.getByText('会员码'));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/member-code/index' });
  });
});
