import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, configure, render, screen } from '@testing-library/react';
import type { QrTimelineView } from '@o2o/shared';
import { QrCodeDrawer } from '../../src/pages/qr-codes/QrCodeDrawer';

jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 5000 });

/** A code's detail: one figure per labelled item (labels kept on one line), the store with its code and region. */
const view: QrTimelineView = {
  qrCode: {
    id: 5, code: 'HgpwyTyvSv', scene: 'c=HgpwyTyvSv', ownerType: 'store', storeId: 1, staffId: null, status: 'active', imageUrl: '/img/5.png',
    storeName: '小食光·光谷店', storeCode: 'DEMO01', region: '华中一区', staffName: null, currentTags: [], createdAt: '2026-12-08T05:33:00.000Z',
    scans: 12, newFans: 8, newMembers: 6, orders: 2, salesFen: 7820, refundedFen: 100, conversion: 0.75,
  },
  now: '2026-12-08T06:00:00.000Z',
  items: [],
};

describe('QrCodeDrawer', () => {
  afterEach(cleanup);

  it('lists each figure under its own label', async () => {
    global.fetch = jest.fn(async () => ({ ok: true, status: 200, json: async () => view, headers: new Headers() }) as unknown as Response) as unknown as typeof fetch;
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <QrCodeDrawer id={5} onClose={() => {}} />
      </QueryClientProvider>,
    );
    await screen.findByText('二维码 HgpwyTyvSv');
    const items: Record<string, string> = {};
    for (const th of document.querySelectorAll('.ant-drawer th.ant-descriptions-item-label')) {
      items[th.textContent ?? ''] = th.nextElementSibling?.textContent ?? '';
      expect((th as HTMLElement).style.whiteSpace).toBe('nowrap');
    }
    expect(items).toEqual({
      类型: '门店码',
      导购: '—',
      门店: '小食光·光谷店 DEMO01 · 华中一区',
      扫码: '12',
      新粉丝: '8',
      新会员: '6（转化 75.0%）',
      成交: '2 笔',
      销售额: '¥78.20（退款 ¥1.00）',
      创建时间: '2026-12-08 13:33',
    });
  });
});
