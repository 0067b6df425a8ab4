import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { StaffCustomerView, StaffView } from '@o2o/shared';
import '../src/app';
import ClerkCustomerPage from '../src/clerk/pages/customer/index';
import ClerkHomePage from '../src/clerk/pages/home/index';
import ClerkLoginPage from '../src/clerk/pages/login/index';
import { staffSession } from '../src/clerk/stores/staff-session';
import { sessionStore } from '../src/stores/session';
import { fireReachBottom, login, redirectTo, scanCode, useRouter } from './__mocks__/taro';
import { errorBody, fakeApi, inOneHour, resetAll, type FakeCall } from './helpers';

jest.mock('../src/platform/login', () => jest.requireActual('../src/platform/login.weapp'));
jest.mock('../src/clerk/platform/scan', () => jest.requireActual('../src/clerk/platform/scan.weapp'));

const clerk: StaffView = { id: 3, name: '王芳', role: 'clerk', status: 'active', storeId: 1, username: null, wechatBound: true };
const now = Date.now();
const customer = (id: number, over: Partial<StaffCustomerView> = {}): StaffCustomerView => ({
  id,
  isMember: true,
  phoneMasked: `138****${String(id).padStart(4, '0')}`,
  level: 0,
  pointsBalance: 1000,
  storeId: 1,
  clerkId: 3,
  firstScanAt: new Date(now - 10 * 86_400_000).toISOString(),
  lastVisitAt: new Date(now - 2 * 86_400_000).toISOString(),
  memberSince: new Date(now - 9 * 86_400_000).toISOString(),
  tags: [
    { id: 1, name: '坚果', group: 'category', source: 'qr', at: new Date(now).toISOString() },
    { id: 5, name: '导购码', group: 'channel', source: 'qr', at: new Date(now).toISOString() },
  ],
  ...over,
});

/** The workbench also loads today's figures; these tests are about the customer list. */
const noFigures = (calls: FakeCall[]) => calls.filter((c) => c.path !== '/api/clerk/performance');

function signInClerk(token = 'staff-tok') {
  staffSession.set({ token, expiresAt: inOneHour(), staff: clerk });
}

beforeEach(() => {
  resetAll();
  staffSession.resetForTests();
  login.mockResolvedValue({ code: 'wx-code-1', errMsg: 'login:ok' });
});

describe('clerk guard', () => {
  it('sends a visitor without a staff session to the clerk login, calling no API', () => {
    const calls = fakeApi({});
    render(<ClerkHomePage />);

    expect(redirectTo).toHaveBeenCalledWith({ url: `/clerk/pages/login/index?redirect=${encodeURIComponent('/clerk/pages/home/index')}` });
    expect(screen.queryByText('我的顾客')).toBeNull();
    expect(calls).toHaveLength(0);
  });

  it('does not accept a consumer token as a clerk token', () => {
    sessionStore.set({ token: 'consumer-tok', expiresAt: inOneHour() });
    const calls = fakeApi({});
    render(<ClerkHomePage />);

    expect(redirectTo).toHaveBeenCalledTimes(1);
    expect(calls).toHaveLength(0);
  });

  it('treats an expired staff session as none', () => {
    staffSession.set({ token: 'old', expiresAt: new Date(Date.now() - 1000).toISOString(), staff: clerk });
    render(<ClerkCustomerPage />);
    expect(redirectTo).toHaveBeenCalledTimes(1);
  });

  it('sends the clerk to login when the staff token is rejected and cannot be renewed', async () => {
    signInClerk();
    fakeApi({
      'GET /api/clerk/customers': () => ({ statusCode: 401, data: errorBody('TOKEN_EXPIRED') }),
      'POST /api/clerk/session': () => ({ statusCode: 401, data: errorBody('STAFF_NOT_BOUND') }),
    });
    render(<ClerkHomePage />);

    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: expect.stringContaining('/clerk/pages/login/index') }));
    expect(staffSession.get()).toBeNull();
  });
});

describe('clerk workbench', () => {
  it("lists the clerk's customers with the staff token, filters by membership and pages on", async () => {
    signInClerk();
    sessionStore.set({ token: 'consumer-tok', expiresAt: inOneHour() });
    const calls = fakeApi({
      'GET /api/clerk/customers': (c) => {
        if (c.query.includes('isMember=false')) return { statusCode: 200, data: { items: [customer(9, { isMember: false, phoneMasked: null, tags: [] })], nextCursor: null } };
        if (c.query.includes('cursor=c2')) return { statusCode: 200, data: { items: [customer(1)], nextCursor: null } };
        return { statusCode: 200, data: { items: [customer(3), customer(2)], nextCursor: 'c2' } };
      },
    });
    render(<ClerkHomePage />);

    expect(await screen.findByText('138****0003')).toBeTruthy();
    expect(screen.getByText('王芳，您好')).toBeTruthy();
    expect(screen.getByText('我的顾客')).toBeTruthy();
    expect(screen.getAllByText('2 天前到店')).toHaveLength(2);
    expect(screen.getAllByText('坚果').length).toBe(3); // two rows + the tag filter chip
    expect(noFigures(calls)[0].header.Authorization).toBe('Bearer staff-tok');

    act(() => fireReachBottom());
    expect(await screen.findByText('138****0001')).toBeTruthy();
    expect(noFigures(calls)[1].query).toBe('cursor=c2');

    fireEvent.click(screen.getByText('粉丝', { selector: '.clerk-home__filter' }));
    expect(await screen.findByText('未绑定手机号')).toBeTruthy();
    expect(screen.queryByText('138****0003')).toBeNull();
    expect(noFigures(calls)[2].query).toBe('isMember=false');
    for (const c of noFigures(calls)) expect(c.header.Authorization).toBe('Bearer staff-tok');
  });

  it('renews a rejected staff token with a silent clerk login (never the consumer login)', async () => {
    signInClerk('staff-old');
    const calls = fakeApi({
      'GET /api/clerk/customers': (c) =>
        c.header.Authorization === 'Bearer staff-new'
          ? { statusCode: 200, data: { items: [customer(4)], nextCursor: null } }
          : { statusCode: 401, data: errorBody('TOKEN_EXPIRED') },
      'POST /api/clerk/session': () => ({ statusCode: 200, data: { token: 'staff-new', expiresAt: inOneHour(), staff: clerk } }),
    });
    render(<ClerkHomePage />);

    expect(await screen.findByText('138****0004')).toBeTruthy();
    expect(noFigures(calls).map((c) => `${c.method} ${c.path}`)).toEqual(['GET /api/clerk/customers', 'POST /api/clerk/session', 'GET /api/clerk/customers']);
    expect(noFigures(calls)[1].data).toEqual({ code: 'wx-code-1' });
    expect(sessionStore.get()).toBeNull(); // the consumer session was not touched
  });

  it('shows a customer card: masked phone, status, points, visits and tags by group', async () => {
    signInClerk();
    useRouter.mockReturnValue({ params: { id: '12' } });
    const calls = fakeApi({ 'GET /api/clerk/customers/12': () => ({ statusCode: 200, data: { customer: customer(12, { level: 2, pointsBalance: 1234 }) } }) });
    render(<ClerkCustomerPage />);

    expect(await screen.findByText('138****0012')).toBeTruthy();
    expect(screen.getByText('会员 · V2')).toBeTruthy();
    expect(screen.getByText('1234')).toBeTruthy();
    expect(screen.getByText(/^2 天前（/)).toBeTruthy();
    expect(screen.getByText('品类偏好')).toBeTruthy();
    expect(screen.getByText('坚果 · 扫码')).toBeTruthy();
    expect(screen.getByText('来源渠道')).toBeTruthy();
    expect(calls[0].header.Authorization).toBe('Bearer staff-tok');
  });

  it('says so when the customer is outside the clerk\'s scope', async () => {
    signInClerk();
    useRouter.mockReturnValue({ params: { id: '99' } });
    fakeApi({ 'GET /api/clerk/customers/99': () => ({ statusCode: 404, data: errorBody('NOT_FOUND') }) });
    render(<ClerkCustomerPage />);
    expect(await screen.findByText('未找到该顾客，或不在您的服务范围内')).toBeTruthy();
  });
});

describe('clerk login', () => {
  it('logs a bound clerk in silently and returns to the page that asked', async () => {
    useRouter.mockReturnValue({ params: { redirect: encodeURIComponent('/clerk/pages/customer/index?id=12') } });
    const calls = fakeApi({ 'POST /api/clerk/session': () => ({ statusCode: 200, data: { token: 'staff-tok', expiresAt: inOneHour(), staff: clerk } }) });
    render(<ClerkLoginPage />);

    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: '/clerk/pages/customer/index?id=12' }));
    expect(calls[0]).toMatchObject({ path: '/api/clerk/session', data: { code: 'wx-code-1' } });
    expect(calls[0].header.Authorization).toBeUndefined();
    expect(staffSession.get()).toMatchObject({ token: 'staff-tok', staff: { name: '王芳' } });
  });

  it('binds a first-time clerk with the invite code (scanned), then opens the workbench', async () => {
    scanCode.mockResolvedValue({ result: 'https://brand.example/clerk?invite=Inv1te2Code', errMsg: 'scanCode:ok' });
    const calls = fakeApi({
      'POST /api/clerk/session': () => ({ statusCode: 401, data: errorBody('STAFF_NOT_BOUND') }),
      'POST /api/clerk/bind': () => ({ statusCode: 200, data: { token: 'staff-tok', expiresAt: inOneHour(), staff: clerk } }),
    });
    render(<ClerkLoginPage />);

    expect(await screen.findByText('绑定并登录')).toBeTruthy();
    fireEvent.click(screen.getByText('绑定并登录'));
    expect(screen.getByText('请输入 6–32 位字母或数字的邀请码')).toBeTruthy();

    fireEvent.click(screen.getByText('扫码'));
    await waitFor(() => expect((screen.getByPlaceholderText('请输入邀请码') as HTMLInputElement).value).toBe('Inv1te2Code'));
    fireEvent.click(screen.getByText('绑定并登录'));

    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: '/clerk/pages/home/index' }));
    expect(calls[1]).toMatchObject({ method: 'POST', path: '/api/clerk/bind', data: { code: 'wx-code-1', inviteCode: 'Inv1te2Code' } });
    expect(staffSession.get()?.token).toBe('staff-tok');
  });

  it('explains a used invite code and keeps the form', async () => {
    useRouter.mockReturnValue({ params: { invite: 'UsedCode99' } });
    fakeApi({
      'POST /api/clerk/session': () => ({ statusCode: 401, data: errorBody('STAFF_NOT_BOUND') }),
      'POST /api/clerk/bind': () => ({ statusCode: 400, data: errorBody('INVITE_CODE_INVALID') }),
    });
    render(<ClerkLoginPage />);

    await screen.findByText('绑定并登录');
    expect((screen.getByPlaceholderText('请输入邀请码') as HTMLInputElement).value).toBe('UsedCode99');
    fireEvent.click(screen.getByText('绑定并登录'));

    expect(await screen.findByText('邀请码无效或已被使用，请向店长确认')).toBeTruthy();
    expect(redirectTo).not.toHaveBeenCalled();
    expect(staffSession.get()).toBeNull();
  });
});
