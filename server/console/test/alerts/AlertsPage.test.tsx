import './text-encoder';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App as AntApp } from 'antd';
import { MemoryRouter } from 'react-router';
import type { AlertView } from '@o2o/shared';
import { setSession } from '../../src/app/session';
import AlertsPage, { alertTarget } from '../../src/pages/alerts/AlertsPage';

jest.setTimeout(30_000);
// Two cores shared with other suites: give antd's async rendering room.
configure({ asyncUtilTimeout: 5000 });

const alert = (over: Partial<AlertView>): AlertView => ({
  id: 5,
  kind: 'refund_stuck',
  refType: 'refund',
  refId: '12',
  storeId: 3,
  summary: '退款 42 分钟未完成：订单 O1 退款 ¥3.00（处理中）',
  details: { refundId: 12, orderId: 77, outTradeNo: 'O1', status: 'processing' },
  status: 'open',
  resolvedBy: null,
  resolvedAt: null,
  resolution: null,
  createdAt: '2027-01-01T02:00:00.000Z',
  ...over,
});

function setup(role: 'admin' | 'marketer', resolveReply: [number, unknown]) {
  setSession({ token: 't', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), staff: { id: 1, name: '甲', role, storeId: null } } as never);
  const calls: { url: string; method: string; body: any }[] = [];
  let resolved = false;
  global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ url, method: init?.method ?? 'GET', body });
    let status = 200;
    let json: unknown;
    if (url.includes('/resolve')) {
      [status, json] = resolveReply;
      if (status === 200) resolved = true;
    } else if (url.startsWith('/api/admin/alerts')) {
      const items = resolved ? [] : [alert({})];
      json = { items, total: items.length };
    }
    return { ok: status < 400, status, json: async () => json, headers: new Headers() } as unknown as Response;
  }) as unknown as typeof fetch;
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <AntApp>
      <QueryClientProvider client={client}>
        <MemoryRouter>
          <AlertsPage />
        </MemoryRouter>
      </QueryClientProvider>
    </AntApp>,
  );
  return calls;
}

describe('告警 page', () => {
  afterEach(() => {
    cleanup();
    setSession(null);
  });

  it('links an alert to its order', () => {
    expect(alertTarget(alert({}))).toEqual({ to: '/orders/77', label: '订单 O1 · 退款 #12' });
    expect(alertTarget(alert({ kind: 'outbox_dead', refType: 'outbox_event', refId: '9', details: { eventId: 9 } }))).toBeNull();
  });

  it('lists open alerts with Chinese kinds; an admin resolves one with a note and the list refreshes', async () => {
    const calls = setup('admin', [200, { alert: alert({ status: 'resolved' }) }]);
    await screen.findByText('退款超时未完成');
    expect(screen.getByTestId('alerts-table').textContent).toContain('订单 O1 · 退款 #12');
    // the list opens on 待处理
    expect(calls.find((c) => c.url.startsWith('/api/admin/alerts'))!.url).toContain('status=open');

    fireEvent.click(screen.getByTestId('alert-resolve-5'));
    const note = await screen.findByPlaceholderText('如：已在商户平台核实并人工退款');
    fireEvent.change(note, { target: { value: '已人工核实' } });
    await act(async () => {
      fireEvent.click(screen.getByText('标记为已处理'));
    });
    await waitFor(() => expect(calls.some((c) => c.url.endsWith('/alerts/5/resolve'))).toBe(true));
    expect(calls.find((c) => c.url.endsWith('/alerts/5/resolve'))!.body).toEqual({ resolution: '已人工核实' });
    await waitFor(() => expect(screen.queryByText('退款超时未完成')).toBeNull());
  });

  it('an empty note is refused before sending', async () => {
    const calls = setup('admin', [200, {}]);
    fireEvent.click(await screen.findByTestId('alert-resolve-5'));
    await screen.findByPlaceholderText('如：已在商户平台核实并人工退款');
    await act(async () => {
      fireEvent.click(screen.getByText('标记为已处理'));
    });
    await screen.findByText('请填写处理说明（500 字以内）');
    expect(calls.some((c) => c.url.includes('/resolve'))).toBe(false);
  });

  it('a marketer reads alerts but has no 处理 action', async () => {
    setup('marketer', [200, {}]);
    await screen.findByText('退款超时未完成');
    expect(screen.queryByTestId('alert-resolve-5')).toBeNull();
  });
});
