import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { CustomerView, PointsLedgerItem } from '@o2o/shared';
import '../src/app';
import PointsPage from '../src/pages/points/index';
import { sessionStore } from '../src/stores/session';
import { firePullDownRefresh, fireReachBottom, login, showToast, stopPullDownRefresh } from './__mocks__/taro';
import { errorBody, fakeApi, inOneHour, resetAll } from './helpers';

jest.mock('../src/platform/login', () => jest.requireActual('../src/platform/login.weapp'));

const member: CustomerView = { id: 7, isMember: true, level: 0, pointsBalance: 1000, phoneMasked: '138****5678', orderingStore: null };

function entry(id: number, delta: number, balanceAfter: number, reason = 'welcome'): PointsLedgerItem {
  return { id, delta, reason: reason as PointsLedgerItem['reason'], balanceAfter, createdAt: '2025-05-01T06:03:00.000Z' };
}

const page1 = { items: [entry(30, -20, 1000, 'spend'), entry(29, 20, 1020, 'purchase')], nextCursor: 'l29' };
const page2 = { items: [entry(29, 20, 1020, 'purchase'), entry(1, 1000, 1000)], nextCursor: null };

beforeEach(() => {
  resetAll();
  login.mockResolvedValue({ code: 'wx-code-1', errMsg: 'login:ok' });
  sessionStore.set({ token: 'tok-1', expiresAt: inOneHour() });
});

describe('points page', () => {
  it('shows the balance and the first page, then appends the next page on reach-bottom until the end', async () => {
    const calls = fakeApi({
      'GET /api/app/me': () => ({ statusCode: 200, data: { customer: member } }),
      'GET /api/app/points/ledger': (c) => ({ statusCode: 200, data: c.query === 'cursor=l29' ? page2 : page1 }),
    });

    render(<PointsPage />);

    expect(await screen.findByText('积分消费')).toBeTruthy();
    expect(screen.getByText('-20')).toBeTruthy();
    expect(screen.getByText('+20')).toBeTruthy();
    expect(screen.getByText('上拉加载更多')).toBeTruthy();
    await waitFor(() => expect(screen.getByText('1000', { selector: '.points-page__summary-value' })).toBeTruthy());

    act(() => fireReachBottom());
    expect(await screen.findByText('入会礼')).toBeTruthy();
    expect(screen.getByText('+1000')).toBeTruthy();
    // The repeated entry 29 (a new row arrived between the requests) is shown once.
    expect(screen.getAllByText('消费奖励')).toHaveLength(1);
    expect(screen.getByText('没有更多了')).toBeTruthy();

    act(() => fireReachBottom());
    const ledgerCalls = calls.filter((c) => c.path === '/api/app/points/ledger');
    expect(ledgerCalls.map((c) => c.query)).toEqual(['', 'cursor=l29']);
    for (const c of calls) expect(c.header.Authorization).toBe('Bearer tok-1');
  });

  it('asks for one page at a time even when the bottom is reached twice quickly', async () => {
    let release: () => void = () => undefined;
    const calls = fakeApi({
      'GET /api/app/me': () => ({ statusCode: 200, data: { customer: member } }),
      'GET /api/app/points/ledger': (c) =>
        c.query === ''
          ? { statusCode: 200, data: page1 }
          : new Promise((resolve) => {
              release = () => resolve({ statusCode: 200, data: page2 });
            }),
    });
    render(<PointsPage />);
    await screen.findByText('积分消费');

    act(() => {
      fireReachBottom();
      fireReachBottom();
    });
    expect(await screen.findByText('加载中…')).toBeTruthy();
    await act(async () => release());

    expect(await screen.findByText('入会礼')).toBeTruthy();
    expect(calls.filter((c) => c.path === '/api/app/points/ledger')).toHaveLength(2);
  });

  it('offers a retry when a later page fails, keeping the list', async () => {
    let failNext = true;
    fakeApi({
      'GET /api/app/me': () => ({ statusCode: 200, data: { customer: member } }),
      'GET /api/app/points/ledger': (c) => {
        if (c.query === '') return { statusCode: 200, data: page1 };
        if (failNext) {
          failNext = false;
          return { statusCode: 503, data: errorBody('DEPENDENCY_UNAVAILABLE') };
        }
        return { statusCode: 200, data: page2 };
      },
    });
    render(<PointsPage />);
    await screen.findByText('积分消费');

    act(() => fireReachBottom());
    const retry = await screen.findByText('加载失败，点击重试');
    expect(screen.getByText('积分消费')).toBeTruthy();

    fireEvent.click(retry);
    expect(await screen.findByText('入会礼')).toBeTruthy();
  });

  it('pull-to-refresh reloads from the first page, replaces the list and stops the spinner', async () => {
    let round = 0;
    fakeApi({
      'GET /api/app/me': () => ({ statusCode: 200, data: { customer: { ...member, pointsBalance: round ? 1500 : 1000 } } }),
      'GET /api/app/points/ledger': () => ({
        statusCode: 200,
        data: round ? { items: [entry(31, 500, 1500, 'adjustment'), ...page1.items], nextCursor: 'l29' } : page1,
      }),
    });
    render(<PointsPage />);
    await screen.findByText('积分消费');

    round = 1;
    await act(async () => firePullDownRefresh());

    expect(await screen.findByText('积分调整')).toBeTruthy();
    expect(screen.getByText('1500', { selector: '.points-page__summary-value' })).toBeTruthy();
    expect(stopPullDownRefresh).toHaveBeenCalledTimes(1);
    expect(showToast).not.toHaveBeenCalled();
  });

  it('keeps the list and says so when a pull-to-refresh fails', async () => {
    let down = false;
    fakeApi({
      'GET /api/app/me': () => ({ statusCode: 200, data: { customer: member } }),
      'GET /api/app/points/ledger': () => (down ? { statusCode: 503, data: errorBody('INTERNAL') } : { statusCode: 200, data: page1 }),
    });
    render(<PointsPage />);
    await screen.findByText('积分消费');

    down = true;
    await act(async () => firePullDownRefresh());

    expect(screen.getByText('积分消费')).toBeTruthy();
    expect(stopPullDownRefresh).toHaveBeenCalledTimes(1);
    expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '刷新失败，请稍后重试' }));
  });

  it('shows the empty state, and an error page with retry when the first page fails', async () => {
    let attempt = 0;
    fakeApi({
      'GET /api/app/me': () => ({ statusCode: 200, data: { customer: { ...member, pointsBalance: 0 } } }),
      'GET /api/app/points/ledger': () =>
        ++attempt === 1 ? { statusCode: 500, data: errorBody('INTERNAL') } : { statusCode: 200, data: { items: [], nextCursor: null } },
    });
    render(<PointsPage />);

    expect(await screen.findByText('服务开小差了，请稍后重试')).toBeTruthy();
    fireEvent.click(screen.getByText('重试'));
    expect(await screen.findByText('暂无积分记录')).toBeTruthy();
  });

  it('logs in silently first when opened without a session (a share, an H5 reload)', async () => {
    sessionStore.clear();
    const calls = fakeApi({
      'POST /api/app/session': () => ({ statusCode: 200, data: { token: 'tok-new', expiresAt: inOneHour(), customer: member } }),
      'GET /api/app/me': () => ({ statusCode: 200, data: { customer: member } }),
      'GET /api/app/points/ledger': () => ({ statusCode: 200, data: page1 }),
    });
    render(<PointsPage />);

    await screen.findByText('积分消费');
    expect(calls[0]).toMatchObject({ method: 'POST', path: '/api/app/session', data: { code: 'wx-code-1' } });
    expect(calls.filter((c) => c.path === '/api/app/session')).toHaveLength(1); // one login for both requests
    expect(calls.filter((c) => c.path !== '/api/app/session').every((c) => c.header.Authorization === 'Bearer tok-new')).toBe(true);
  });
});
