import '../alerts/text-encoder';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, configure, render, screen } from '@testing-library/react';
import { App as AntApp } from 'antd';
import { MemoryRouter } from 'react-router';
import type { AuditEntryView } from '@o2o/shared';
import { setSession } from '../../src/app/session';
import AuditPage from '../../src/pages/audit/AuditPage';

jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 5000 });

const entry = (over: Partial<AuditEntryView>): AuditEntryView => ({
  id: 1, actorStaffId: 2, actorName: '品牌管理员', action: 'refund.request', targetType: 'order', targetId: '2',
  storeId: 24, storeName: '小食光·光谷店', summary: '申请退款 ¥1.00', details: null, createdAt: '2026-12-08T05:33:00.000Z',
  ...over,
});

describe('操作日志 page', () => {
  afterEach(() => {
    cleanup();
    setSession(null);
  });

  it('names the store of each entry (a deleted store by its id, brand-wide entries none)', async () => {
    setSession({ token: 't', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), staff: { id: 1, name: '甲', role: 'admin', storeId: null } } as never);
    global.fetch = jest.fn(async (input: RequestInfo | URL) => {
      const url = String(input);
      const json = url.startsWith('/api/admin/audit')
        ? { items: [entry({}), entry({ id: 2, storeId: 7, storeName: null, summary: '修改门店' }), entry({ id: 3, storeId: null, storeName: null, summary: '新建券模板' })], total: 3 }
        : { items: [], total: 0 };
      return { ok: true, status: 200, json: async () => json, headers: new Headers() } as unknown as Response;
    }) as unknown as typeof fetch;
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <AntApp>
        <QueryClientProvider client={client}>
          <MemoryRouter>
            <AuditPage />
          </MemoryRouter>
        </QueryClientProvider>
      </AntApp>,
    );
    await screen.findByText('申请退款 ¥1.00');
    const table = screen.getByTestId('audit-table');
    const column = [...table.querySelectorAll('thead th')].findIndex((th) => th.textContent === '门店');
    expect(column).toBeGreaterThan(0);
    const storeCells = [...table.querySelectorAll('tr.ant-table-row')].map((r) => r.querySelectorAll('td')[column]?.textContent);
    expect(storeCells).toEqual(['小食光·光谷店', '门店 #7', '—']);
  });
});
