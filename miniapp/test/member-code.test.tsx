import { act, fireEvent, render, screen } from '@testing-library/react';
import type { MemberCodeView } from '@o2o/shared';
import '../src/app';
import MemberCodePage from '../src/pages/member-code/index';
import { sessionStore } from '../src/stores/session';
import { code128Svg } from '../src/utils/code128';
import { fireDidHide, fireDidShow, fireNetworkStatus, getScreenBrightness, login, setKeepScreenOn, setScreenBrightness } from './__mocks__/taro';
import { member } from './fixtures';
import { errorBody, fakeApi, resetAll, type FakeCall } from './helpers';

jest.mock('../src/platform/login', () => jest.requireActual('../src/platform/login.weapp'));
jest.mock('../src/platform/screen', () => jest.requireActual('../src/platform/screen.weapp'));

const T0 = new Date('2026-05-20T02:00:00.000Z').getTime();
/** The n-th code: 88 + n repeated, alive 60 s from the request. */
const digitsOf = (n: number) => `88${String(n % 10).repeat(16)}`;

function codeServer(opts: { fail?: (n: number) => { statusCode: number; data?: unknown } | 'network' | null; balance?: () => number } = {}) {
  let n = 0;
  const calls = fakeApi(
    {
      'GET /api/app/me': () => ({ statusCode: 200, data: { customer: { ...member, pointsBalance: opts.balance ? opts.balance() : 1000 } } }),
      'GET /api/app/member-code': () => {
        n++;
        const failure = opts.fail?.(n);
        if (failure === 'network') throw { errMsg: 'request:fail timeout' };
        if (failure) return failure;
        const code: MemberCodeView = { digits: digitsOf(n), qrToken: digitsOf(n), expiresAt: new Date(Date.now() + 60_000).toISOString(), windowSeconds: 60 };
        return { statusCode: 200, data: code };
      },
    },
    { maxCalls: 500 },
  );
  return { calls, codeCalls: () => calls.filter((c: FakeCall) => c.path === '/api/app/member-code').length, meCalls: () => calls.filter((c: FakeCall) => c.path === '/api/app/me').length };
}

const advance = (ms: number) => act(() => jest.advanceTimersByTimeAsync(ms));
const grouped = (n: number) => digitsOf(n).replace(/(\d{4})(?=\d)/g, '$1 ');

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
  resetAll();
  login.mockResolvedValue({ code: 'wx-code-1', errMsg: 'login:ok' });
  sessionStore.set({ token: 'tok-1', expiresAt: new Date(T0 + 3_600_000).toISOString() });
});
afterEach(() => jest.useRealTimers());

describe('member code page', () => {
  it('shows the barcode, the QR and the grouped digits of one code, the points, and a 60-second countdown', async () => {
    codeServer();
    render(<MemberCodePage />);
    await advance(0);
    expect(await screen.findByText(grouped(1))).toBeTruthy();
    expect(grouped(1)).toBe('8811 1111 1111 1111 11');
    const barcode = document.querySelector('img.member-code__barcode')?.getAttribute('src') ?? '';
    expect(decodeURIComponent(barcode.replace(/^data:image\/svg\+xml;charset=utf-8,/, ''))).toBe(code128Svg(digitsOf(1)));
    expect(document.querySelector('img.member-code__qr')?.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    expect(screen.getByText('60 秒后自动刷新')).toBeTruthy();
    expect(screen.getByText('1000')).toBeTruthy();
    await advance(20_000);
    expect(screen.getByText('40 秒后自动刷新')).toBeTruthy();
  });

  it('fetches the next code when this one expires, and reloads the points with it (a sale uses the code up)', async () => {
    let balance = 1000;
    const api = codeServer({ balance: () => balance });
    render(<MemberCodePage />);
    await advance(0);
    await screen.findByText(grouped(1));
    expect(api.codeCalls()).toBe(1);
    expect(api.meCalls()).toBe(1); // the first code does not reload the customer the page just loaded

    balance = 1036; // a sale at the till credited points
    await advance(58_000);
    expect(api.codeCalls()).toBe(1);
    await advance(1_000); // a second before expiry
    expect(api.codeCalls()).toBe(2);
    expect(screen.getByText(grouped(2))).toBeTruthy();
    expect(screen.queryByText(grouped(1))).toBeNull();
    expect(screen.getByText('1036')).toBeTruthy();
    expect(api.meCalls()).toBe(2);
  });

  it('刷新 fetches a new code at once', async () => {
    const api = codeServer();
    render(<MemberCodePage />);
    await advance(0);
    await screen.findByText(grouped(1));
    await act(async () => fireEvent.click(screen.getByText('刷新')));
    await advance(0);
    expect(api.codeCalls()).toBe(2);
    expect(screen.getByText(grouped(2))).toBeTruthy();
    expect(screen.getByText('60 秒后自动刷新')).toBeTruthy();
  });

  it('keeps the screen awake and bright while the code shows, and gives the user their brightness back on leave', async () => {
    codeServer();
    getScreenBrightness.mockResolvedValue({ value: 0.3, errMsg: 'ok' });
    const page = render(<MemberCodePage />);
    await advance(0);
    await screen.findByText(grouped(1));
    expect(setKeepScreenOn).toHaveBeenLastCalledWith({ keepScreenOn: true });
    expect(setScreenBrightness).toHaveBeenLastCalledWith({ value: 0.9 });

    act(() => fireDidHide());
    await advance(0);
    expect(setKeepScreenOn).toHaveBeenLastCalledWith({ keepScreenOn: false });
    expect(setScreenBrightness).toHaveBeenLastCalledWith({ value: 0.3 });

    act(() => fireDidShow());
    await advance(0);
    expect(setScreenBrightness).toHaveBeenLastCalledWith({ value: 0.9 });
    page.unmount();
    await advance(0);
    expect(setScreenBrightness).toHaveBeenLastCalledWith({ value: 0.3 });
    expect(setKeepScreenOn).toHaveBeenLastCalledWith({ keepScreenOn: false });
  });

  it('does not touch a brightness that is already high', async () => {
    codeServer();
    getScreenBrightness.mockResolvedValue({ value: 1, errMsg: 'ok' });
    const page = render(<MemberCodePage />);
    await advance(0);
    await screen.findByText(grouped(1));
    page.unmount();
    await advance(0);
    expect(setScreenBrightness).not.toHaveBeenCalled();
  });

  it('a code that died in the background is replaced as soon as the page shows again', async () => {
    const api = codeServer();
    render(<MemberCodePage />);
    await advance(0);
    await screen.findByText(grouped(1));
    act(() => fireDidHide());
    await advance(300_000);
    expect(api.codeCalls()).toBe(1);
    act(() => fireDidShow());
    await advance(0);
    expect(api.codeCalls()).toBe(2);
    expect(screen.getByText(grouped(2))).toBeTruthy();
  });

  it('offline at refresh: the code stays while the till still takes it, then the offline state; back online fetches at once', async () => {
    let offline = false;
    const api = codeServer({ fail: () => (offline ? 'network' : null) });
    render(<MemberCodePage />);
    await advance(0);
    await screen.findByText(grouped(1));

    offline = true;
    await advance(59_000); // the refresh fails
    expect(screen.getByText(grouped(1))).toBeTruthy();
    expect(screen.getByText('网络不可用，会员码暂未刷新，仍可使用')).toBeTruthy();
    await advance(61_000); // past the till's grace window (one more minute): never a dead code on screen
    expect(screen.queryByText(grouped(1))).toBeNull();
    expect(screen.getByText('网络已断开')).toBeTruthy();
    expect(screen.getByText('会员码已失效，请刷新')).toBeTruthy();
    const before = api.codeCalls();
    await advance(30_000);
    expect(api.codeCalls()).toBe(before); // no spinning while offline

    offline = false;
    await act(async () => fireNetworkStatus(true));
    await advance(0);
    expect(screen.getByText(grouped(before + 1))).toBeTruthy();
  });

  it('a failed first fetch is an error with a retry', async () => {
    let fail = true;
    codeServer({ fail: () => (fail ? { statusCode: 500, data: errorBody('INTERNAL') } : null) });
    render(<MemberCodePage />);
    await advance(0);
    expect(await screen.findByText('服务开小差了，请稍后重试')).toBeTruthy();
    fail = false;
    await act(async () => fireEvent.click(screen.getByText('重新获取会员码')));
    await advance(0);
    expect(screen.getByText(grouped(2))).toBeTruthy();
  });

  it('a fan can show the code too (sale prices, the visit recorded) and is invited to join', async () => {
    fakeApi({
      'GET /api/app/me': () => ({ statusCode: 200, data: { customer: { ...member, isMember: false, phoneMasked: undefined, pointsBalance: 0 } } }),
      'GET /api/app/member-code': () => ({ statusCode: 200, data: { digits: digitsOf(3), qrToken: digitsOf(3), expiresAt: new Date(Date.now() + 60_000).toISOString(), windowSeconds: 60 } }),
    });
    render(<MemberCodePage />);
    await advance(0);
    expect(await screen.findByText(grouped(3))).toBeTruthy();
    expect(screen.getByText('粉丝')).toBeTruthy();
    expect(screen.getByText('还不是会员？')).toBeTruthy();
  });
});
