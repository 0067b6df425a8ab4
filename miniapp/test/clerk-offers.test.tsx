import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { PerformanceView, StaffCustomerView, StaffView } from '@o2o/shared';
import '../src/app';
import ClerkCustomerPage from '../src/clerk/pages/customer/index';
import ClerkHomePage from '../src/clerk/pages/home/index';
import PerformancePage from '../src/clerk/pages/performance/index';
import { staffSession } from '../src/clerk/stores/staff-session';
import { login, useRouter } from './__mocks__/taro';
import { errorBody, fakeApi, inOneHour, resetAll, type FakeCall } from './helpers';

jest.mock('../src/platform/login', () => jest.requireActual('../src/platform/login.weapp'));

const clerk: StaffView = { id: 3, name: '王芳', role: 'clerk', status: 'active', storeId: 1, username: null, wechatBound: true };
const manager: StaffView = { ...clerk, id: 4, name: '周店长', role: 'store_manager' };
const customer = (id: number): StaffCustomerView => ({
  id,
  isMember: true,
  phoneMasked: `138****${String(id).padStart(4, '0')}`,
  level: 0,
  pointsBalance: 1000,
  storeId: 1,
  clerkId: 3,
  firstScanAt: '2026-05-01T02:00:00.000Z',
  lastVisitAt: '2026-05-10T02:00:00.000Z',
  memberSince: '2026-05-01T03:00:00.000Z',
  tags: [
    { id: 1, name: '坚果', group: 'category', source: 'qr', at: '2026-05-01T02:00:00.000Z' },
    { id: 7, name: '沉睡', group: 'lifecycle', source: 'rule', at: '2026-05-01T02:00:00.000Z' },
  ],
});
const day = (date: string, over: Partial<PerformanceView['byDay'][number]> = {}) => ({ date, newFans: 0, newMembers: 0, paidOrders: 0, salesFen: 0, redemptions: 0, ...over });
const perf = (days: number): PerformanceView => ({
  scope: 'clerk',
  days,
  byDay: days === 1 ? [day('2026-05-20', { newFans: 3, newMembers: 2, paidOrders: 1, salesFen: 3_800 })] : [day('2026-05-19', { salesFen: 3_000, paidOrders: 1 }), day('2026-05-20', { newFans: 3, newMembers: 2, salesFen: 3_800, paidOrders: 1, redemptions: 4 })],
  totals: { newFans: 3, newMembers: 2, paidOrders: days === 1 ? 1 : 2, salesFen: days === 1 ? 3_800 : 6_800, redemptions: 4, convertedFans: 1, conversionBp: 3_333 },
});

beforeEach(() => {
  resetAll();
  staffSession.resetForTests();
  login.mockResolvedValue({ code: 'wx-code-1', errMsg: 'login:ok' });
});
const signIn = (staff = clerk) => staffSession.set({ token: 'staff-tok', expiresAt: inOneHour(), staff });
const customerQueries = (calls: FakeCall[]) => calls.filter((c) => c.path === '/api/clerk/customers').map((c) => c.query);

function serve(extra: Record<string, (c: FakeCall) => { statusCode: number; data?: unknown }> = {}) {
  return fakeApi(
    {
      'GET /api/clerk/customers': () => ({ statusCode: 200, data: { items: [customer(2)], nextCursor: null } }),
      'GET /api/clerk/customers/2': () => ({ statusCode: 200, data: { customer: customer(2) } }),
      'GET /api/clerk/performance': (c) => ({ statusCode: 200, data: { performance: perf(Number(/days=(\d+)/.exec(c.query)?.[1] ?? 7)) } }),
      'GET /api/clerk/offer-templates': () => ({ statusCode: 200, data: { items: [{ id: 21, title: '导购专享5元券', description: '' }] } }),
      'POST /api/clerk/offers': () => ({ statusCode: 201, data: { offer: { id: 1 }, recipients: 5, excluded: { frequency_cap: 2, no_consent: 1 } } }),
      ...extra,
    },
    { maxCalls: 60 },
  );
}

describe('workbench: today, filters and offers', () => {
  it("shows today's figures", async () => {
    signIn();
    const calls = serve();
    render(<ClerkHomePage />);
    expect(await screen.findByText('¥38.00')).toBeTruthy();
    expect(screen.getByText('33.3%')).toBeTruthy();
    expect(calls.find((c) => c.path === '/api/clerk/performance')?.query).toBe('days=1');
  });

  it('filters by dormancy, lifecycle and tag chips, then sends an offer to the filtered set with the cap explained', async () => {
    signIn();
    const calls = serve();
    render(<ClerkHomePage />);
    await screen.findByText('138****0002');
    fireEvent.click(screen.getByText('30天未消费'));
    await waitFor(() => expect(customerQueries(calls).at(-1)).toBe('dormantDays=30'));
    fireEvent.click(screen.getByText('阶段·沉睡'));
    await waitFor(() => expect(customerQueries(calls).at(-1)).toBe('lifecycleTagId=7&dormantDays=30'));
    fireEvent.click(screen.getByText('会员', { selector: '.clerk-home__filter' }));
    await waitFor(() => expect(customerQueries(calls).at(-1)).toBe('isMember=true&lifecycleTagId=7&dormantDays=30'));

    fireEvent.click(await screen.findByText('给筛选出的顾客发专属优惠 ›'));
    expect(await screen.findByText('导购专享5元券')).toBeTruthy();
    expect(screen.getByText('发送对象：我的顾客中：会员 · 30天未消费 · 沉睡')).toBeTruthy();
    expect(screen.getByText(/一次最多发给 2000 位顾客/)).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByText('发送')));
    expect(await screen.findByText('已发送给 5 位顾客，2 位近期已收到过专属优惠（频次上限）未发送，1 位已关闭营销消息未发送')).toBeTruthy();
    const sent = calls.find((c) => c.method === 'POST' && c.path === '/api/clerk/offers')!;
    expect(sent.data).toMatchObject({ filter: { isMember: true, lifecycleTagId: 7, dormantDays: 30 }, templateId: 21 });
    expect(sent.header['Idempotency-Key']).toMatch(/^[A-Za-z0-9_.:-]{8,64}$/);
  });

  it('a store manager gets no offer button (offers are a clerk tool)', async () => {
    signIn(manager);
    serve();
    render(<ClerkHomePage />);
    await screen.findByText('138****0002');
    expect(screen.queryByText('给筛选出的顾客发专属优惠 ›')).toBeNull();
  });

  it('an offer to one customer at the cap explains the cap', async () => {
    signIn();
    const calls = serve({ 'POST /api/clerk/offers': () => ({ statusCode: 409, data: errorBody('CLERK_OFFER_CAPPED') }) });
    useRouter.mockReturnValue({ params: { id: '2' } });
    render(<ClerkCustomerPage />);
    fireEvent.click(await screen.findByText('发专属优惠'));
    await screen.findByText('导购专享5元券');
    await act(async () => fireEvent.click(screen.getByText('发送')));
    expect(await screen.findByText('这些顾客近期已收到足够多的专属优惠（频次上限），请过几天再发')).toBeTruthy();
    expect(calls.find((c) => c.method === 'POST' && c.path === '/api/clerk/offers')?.data).toMatchObject({ customerIds: [2], templateId: 21 });
  });
});

describe('performance page', () => {
  it('shows 7-day totals and days, switches to 30 days, and retries after an error', async () => {
    signIn();
    let fail = true;
    const calls = serve({
      'GET /api/clerk/performance': (c) =>
        fail && c.query === 'days=30' ? { statusCode: 500, data: errorBody('INTERNAL') } : { statusCode: 200, data: { performance: perf(Number(/days=(\d+)/.exec(c.query)?.[1])) } },
    });
    render(<PerformancePage />);
    expect(await screen.findByText('¥68.00')).toBeTruthy();
    expect(screen.getByText('05-20')).toBeTruthy();
    expect(screen.getByText('¥30.00')).toBeTruthy();
    fireEvent.click(screen.getByText('近30天'));
    expect(await screen.findByText('服务开小差了，请稍后重试')).toBeTruthy();
    fail = false;
    fireEvent.click(screen.getByText('重试'));
    expect(await screen.findByText('¥68.00')).toBeTruthy();
    expect(calls.filter((c) => c.path === '/api/clerk/performance').map((c) => c.query)).toEqual(['days=7', 'days=30', 'days=30']);
  });
});
