import { act, fireEvent, render, screen } from '@testing-library/react';
import type { CouponCodeView, CouponView } from '@o2o/shared';
import '../src/app';
import CouponPage from '../src/pages/coupon/index';
import { qrMatrix } from '../src/coupon/qr-matrix';
import { sessionStore } from '../src/stores/session';
import { fireDidHide, fireDidShow, login, request, setKeepScreenOn, useRouter } from './__mocks__/taro';
import { couponOf } from './fixtures';
import { errorBody, fakeApi, resetAll, type FakeCall } from './helpers';

jest.mock('../src/platform/login', () => jest.requireActual('../src/platform/login.weapp'));

const T0 = new Date('2026-05-20T02:00:00.000Z').getTime();
const coupon: CouponView = couponOf(5);

/** Codes numbered by request: digits n repeated, alive 40 s from the request (the server's window + grace). */
function codeServer(opts: { fail?: (n: number) => { statusCode: number; data: unknown } | null } = {}) {
  let n = 0;
  let status: CouponView['status'] = 'issued';
  const calls = fakeApi(
    {
      'GET /api/app/coupons/5': () => ({ statusCode: 200, data: { coupon: { ...coupon, status } } }),
      'GET /api/app/coupons/5/code': () => {
        n++;
        const failure = opts.fail?.(n);
        if (failure) return failure;
        const code: CouponCodeView = { token: `tok_${n}_abcdefghijklmnop`, digits: String(n % 10).repeat(12), expiresAt: new Date(Date.now() + 40_000).toISOString() };
        return { statusCode: 200, data: code };
      },
    },
    { maxCalls: 500 },
  );
  return { calls, codeCalls: () => calls.filter((c: FakeCall) => c.path.endsWith('/code')).length, redeem: () => (status = 'redeemed') };
}

const advance = (ms: number) => act(() => jest.advanceTimersByTimeAsync(ms));

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
  resetAll();
  login.mockResolvedValue({ code: 'wx-code-1', errMsg: 'login:ok' });
  sessionStore.set({ token: 'tok-1', expiresAt: new Date(T0 + 3_600_000).toISOString() });
  useRouter.mockReturnValue({ params: { id: '5' }, path: '/pages/coupon/index' });
});
afterEach(() => jest.useRealTimers());

describe('coupon detail: the rotating code', () => {
  it('shows the QR and the digits with a countdown, and fetches a new code a few seconds before expiry', async () => {
    const api = codeServer();
    render(<CouponPage />);
    await advance(0);
    expect(await screen.findByText('1111 1111 1111')).toBeTruthy();
    expect(screen.getByText('40 秒后自动刷新')).toBeTruthy();
    expect(document.querySelector('img.code-panel__qr')?.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    expect(setKeepScreenOn).toHaveBeenLastCalledWith({ keepScreenOn: true });

    await advance(30_000);
    expect(screen.getByText('10 秒后自动刷新')).toBeTruthy();
    expect(api.codeCalls()).toBe(1);
    await advance(5_000); // 5 s before expiry
    expect(api.codeCalls()).toBe(2);
    expect(screen.getByText('2222 2222 2222')).toBeTruthy();
    expect(screen.queryByText('1111 1111 1111')).toBeNull();
    // never the dead code: by its expiry the second one has long replaced it
    await advance(40_000);
    expect(api.codeCalls()).toBe(3);
  });

  it('a code that expired while the app was in the background is replaced as soon as it shows again', async () => {
    const api = codeServer();
    render(<CouponPage />);
    await advance(0);
    expect(await screen.findByText('1111 1111 1111')).toBeTruthy();

    act(() => fireDidHide());
    await advance(300_000); // five minutes away: no timers run in the background
    expect(api.codeCalls()).toBe(1);

    act(() => fireDidShow());
    await advance(0);
    expect(api.codeCalls()).toBe(2);
    expect(screen.getByText('2222 2222 2222')).toBeTruthy();
    expect(screen.getByText('40 秒后自动刷新')).toBeTruthy();
  });

  it('shows the dead code as stale (never scannable-looking) until the replacement arrives', async () => {
    let hold: ((v: { statusCode: number; data: unknown }) => void) | null = null;
    const api = codeServer();
    render(<CouponPage />);
    await advance(0);
    expect(await screen.findByText('1111 1111 1111')).toBeTruthy();
    act(() => fireDidHide());
    await advance(60_000);
    // the next code request hangs (slow network)
    const normal = request.getMockImplementation()!;
    request.mockImplementation((opts: { url: string }) =>
      opts.url.endsWith('/code') ? new Promise((resolve) => (hold = resolve)).then((r) => ({ header: {}, ...(r as object) })) : normal(opts),
    );
    act(() => fireDidShow());
    await advance(0);
    expect(screen.getByText('券码刷新中…')).toBeTruthy();
    expect(screen.getByText('正在刷新券码')).toBeTruthy();
    await act(async () => hold!({ statusCode: 200, data: { token: 'tok_fresh_abcdefghijkl', digits: '999999999999', expiresAt: new Date(Date.now() + 40_000).toISOString() } }));
    expect(screen.getByText('9999 9999 9999')).toBeTruthy();
    expect(screen.queryByText('券码刷新中…')).toBeNull();
    expect(api.codeCalls()).toBe(1); // the hung request went to the replaced mock
  });

  it('a failed first fetch shows a retry state; retry shows the code', async () => {
    const api = codeServer({ fail: (n) => (n === 1 ? { statusCode: 503, data: errorBody('DEPENDENCY_UNAVAILABLE') } : null) });
    render(<CouponPage />);
    await advance(0);
    expect(await screen.findByText('服务暂不可用，请稍后重试')).toBeTruthy();
    // no silent hammering of the server from the error state
    await advance(10_000);
    expect(api.codeCalls()).toBe(1);
    fireEvent.click(screen.getByText('重新获取券码'));
    await advance(0);
    expect(screen.getByText('2222 2222 2222')).toBeTruthy();
  });

  it('a failed refresh keeps the still-valid code and tries again; once it is dead, the retry state', async () => {
    const api = codeServer({ fail: (n) => (n >= 2 ? { statusCode: 500, data: errorBody('INTERNAL') } : null) });
    render(<CouponPage />);
    await advance(0);
    expect(await screen.findByText('1111 1111 1111')).toBeTruthy();
    await advance(35_000); // refresh fails at 35 s
    expect(api.codeCalls()).toBe(2);
    expect(screen.getByText('1111 1111 1111')).toBeTruthy();
    await advance(3_000); // tries again after 3 s, fails again
    expect(api.codeCalls()).toBe(3);
    await advance(3_000); // 41 s: the code is dead and the retry failed
    expect(screen.getByText('服务开小差了，请稍后重试')).toBeTruthy();
    expect(screen.getByText('重新获取券码')).toBeTruthy();
    expect(screen.queryByText('1111 1111 1111')).toBeNull();
    expect(setKeepScreenOn).toHaveBeenLastCalledWith({ keepScreenOn: false });
  });

  it('turns into "已使用" when the clerk redeems it (status poll) and stops refreshing', async () => {
    const api = codeServer();
    render(<CouponPage />);
    await advance(0);
    expect(await screen.findByText('1111 1111 1111')).toBeTruthy();
    api.redeem();
    await advance(3_000);
    expect(screen.getByText('已使用')).toBeTruthy();
    expect(screen.queryByText('1111 1111 1111')).toBeNull();
    expect(setKeepScreenOn).toHaveBeenLastCalledWith({ keepScreenOn: false });
    const after = api.calls.length;
    await advance(120_000);
    expect(api.calls.length).toBe(after);
  });

  it('a coupon redeemed elsewhere meanwhile: the code endpoint answer ends in "已使用" too', async () => {
    codeServer({ fail: (n) => (n === 1 ? { statusCode: 409, data: errorBody('COUPON_ALREADY_REDEEMED') } : null) });
    render(<CouponPage />);
    await advance(0);
    expect(await screen.findByText('已使用')).toBeTruthy();
  });
});

describe('QR matrix', () => {
  it('encodes a token into a square matrix with the three finder patterns', () => {
    const m = qrMatrix('AbC123_-tok_5_abcdefghijklmnopqrstuvwxyz0123456789');
    expect(m.cells.length).toBe(m.size * m.size);
    expect(m.size).toBeGreaterThanOrEqual(25);
    const dark = (x: number, y: number) => m.cells[y * m.size + x] === 1;
    // finder pattern corners: dark 7×7 outline at top-left, top-right and bottom-left
    for (const [ox, oy] of [[0, 0], [m.size - 7, 0], [0, m.size - 7]]) {
      expect([dark(ox, oy), dark(ox + 6, oy), dark(ox, oy + 6), dark(ox + 6, oy + 6), dark(ox + 3, oy + 3)]).toEqual([true, true, true, true, true]);
      expect(dark(ox + 1, oy + 1)).toBe(false);
    }
  });
});
