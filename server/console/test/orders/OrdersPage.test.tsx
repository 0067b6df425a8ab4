import '../alerts/text-encoder';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App as AntApp } from 'antd';
import { MemoryRouter } from 'react-router';
import type { ConsoleOrderRow } from '@o2o/shared';
import { setSession } from '../../src/app/session';
import OrdersPage from '../../src/pages/orders/OrdersPage';
import { dayRange } from '../../src/pages/orders/format';

jest.setTimeout(30_000);
// Two cores shared with other suites: give antd's async rendering room.
configure({ asyncUtilTimeout: 5000 });

const row = (over: Partial<ConsoleOrderRow>): ConsoleOrderRow => ({
  id: 1,
  outTradeNo: 'O0001',
  status: 'paid',
  channel: 'preorder',
  storeId: 3,
  storeName: '光谷店',
  customerId: 8,
  customerPhoneMasked: '139****0001',
  listFen: 1800,
  totalFen: 1500,
  couponDiscountFen: 0,
  pointsDeductionFen: 500,
  payableFen: 1000,
  refundedFen: 0,
  refundPendingFen: 0,
  pointsUsed: 50,
  pointsEarned: 10,
  receiptNo: null,
  pickedUpAt: null,
  createdAt: '2027-01-01T02:00:00.000Z',
  paidAt: '2027-01-01T02:01:00.000Z',
  ...over,
});

function setup(role: 'admin' | 'marketer' | 'store_manager') {
  setSession({ token: 't', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), staff: { id: 1, name: '甲', role, storeId: role === 'store_manager' ? 3 : null } } as never);
  const calls: { url: string; method: string; body: any }[] = [];
  global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ url, method: init?.method ?? 'GET', body });
    let json: unknown = { items: [], total: 0 };
    if (url.startsWith('/api/admin/orders?') || url === '/api/admin/orders')
      json = {
        items: [
          row({ pickedUpAt: '2027-01-01T03:00:00.000Z' }),
          row({ id: 2, outTradeNo: 'O0002', status: 'refunded', refundedFen: 1000 }),
          row({ id: 3, outTradeNo: 'P0003', channel: 'pos', receiptNo: 'T1-000123' }), // paid at the till: returned there, never refunded here
          row({ id: 4, outTradeNo: 'C0004', channel: 'clerk', receiptNo: 'C-88', status: 'refunded', refundedFen: 1000 }),
        ],
        total: 4,
      };
    if (url.endsWith('/refunds/preview'))
      json = { preview: { orderId: 1, amountFen: body.amountFen, payableFen: 1000, refundedFen: 0, refundPendingFen: 0, refundableFen: 1000, full: true, pointsReturned: 50, pointsToReverse: 10, pointsReversed: 10, pointsUnrecovered: 0, balance: 960, balanceAfter: 1000, coupon: null, otherRefundsPending: false } };
    return { ok: true, status: 200, json: async () => json, headers: new Headers() } as unknown as Response;
  }) as unknown as typeof fetch;
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <AntApp>
      <QueryClientProvider client={client}>
        <MemoryRouter>
          <OrdersPage />
        </MemoryRouter>
      </QueryClientProvider>
    </AntApp>,
  );
  return calls;
}

describe('订单 page', () => {
  afterEach(() => {
    cleanup();
    setSession(null);
  });

  it('turns a date range into Shanghai midnights (to: the day after, exclusive)', () => {
    expect(dayRange(['2027-01-01', '2027-01-31'])).toEqual({ from: '2027-01-01T00:00:00+08:00', to: '2027-02-01T00:00:00+08:00' });
    expect(dayRange(undefined)).toEqual({});
  });

  it('lists orders with masked phones and amounts; 退款 only where something is refundable, opening the confirmation', async () => {
    const calls = setup('admin');
    await screen.findByText('O0001');
    const table = screen.getByTestId('orders-table');
    expect(table.textContent).toContain('139****0001');
    expect(table.textContent).toContain('¥10.00');
    expect(table.textContent).toContain('已退款');
    // 商品原价 − 优惠 (会员价已省 3.00 + 积分抵现 5.00) = 实付; a refunded amount shows under 实付
    expect(table.textContent).toContain('商品原价');
    expect(table.textContent).toContain('¥18.00');
    expect(table.textContent).toContain('−¥8.00');
    expect(table.textContent).toContain('已退 ¥10.00');
    expect(table.textContent).not.toContain('商品金额');
    const buttons = screen.getAllByTestId('order-refund-button');
    expect(buttons).toHaveLength(1); // the refunded order has none, nor the till sale
    expect(buttons[0].getAttribute('data-order-id')).toBe('1');
    fireEvent.click(buttons[0]);
    await screen.findByText('退款 · 订单 O0001');
    await waitFor(() => expect(calls.some((c) => c.url.endsWith('/orders/1/refunds/preview') && c.body.amountFen === 1000)).toBe(true));
    await waitFor(() => expect(screen.getByTestId('refund-points-returned').textContent).toBe('+50 积分'));
  });

  it('shows the channel of every order (预订单 / 收银机 / 导购收银), the receipt number of in-store sales, and 已取货', async () => {
    const calls = setup('admin');
    await screen.findByText('P0003');
    const rows = [...screen.getByTestId('orders-table').querySelectorAll('tr.ant-table-row')];
    const text = (outTradeNo: string) => rows.find((r) => r.textContent?.includes(outTradeNo))?.textContent ?? '';
    expect(text('O0001')).toContain('预订单');
    expect(text('O0001')).toContain('已取货');
    expect(text('O0002')).not.toContain('已取货');
    expect(text('P0003')).toContain('收银机');
    expect(text('P0003')).toContain('小票号 T1-000123');
    expect(text('C0004')).toContain('导购收银');
    expect(text('C0004')).toContain('小票号 C-88');
    expect(screen.getAllByTestId('order-receipt-no')).toHaveLength(2);

    // the 渠道 filter goes to the server as `channel`
    const channelSelect = screen.getByTestId('orders-table').querySelector('.ant-pro-query-filter #channel')!;
    fireEvent.mouseDown(channelSelect);
    fireEvent.click(await screen.findByTitle('收银机'));
    fireEvent.click(screen.getByRole('button', { name: /查\s*询/ }));
    await waitFor(() => expect(calls.some((c) => c.url.startsWith('/api/admin/orders?') && new URL(c.url, 'http://x').searchParams.get('channel') === 'pos')).toBe(true));
  }, 90_000); // ProTable's query form in jsdom is slow on shared cores

  it('a marketer reads orders but cannot refund', async () => {
    setup('marketer');
    await screen.findByText('O0001');
    expect(screen.queryByTestId('order-refund-button')).toBeNull();
  });
});
