import '../alerts/text-encoder';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, configure, render, screen } from '@testing-library/react';
import { App as AntApp } from 'antd';
import { MemoryRouter, Route, Routes } from 'react-router';
import type { ConsoleOrderDetail } from '@o2o/shared';
import { setSession } from '../../src/app/session';
import OrderDetailPage from '../../src/pages/orders/OrderDetailPage';

jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 5000 });

/**
 * The detail reads as a receipt in the mini-program's words: 商品原价 − 会员价已省 − 优惠券 − 积分抵现 = 实付, and
 * 使用积分 split into 会员价积分 and 积分抵现 (the demo order: 2 × 29.90 + 19.90 at member prices 24.90 + 20 points
 * and 15.90 + 20 points, then 50 points as cash).
 */
function detail(over: Partial<ConsoleOrderDetail['order']> = {}, more: Partial<ConsoleOrderDetail> = {}): ConsoleOrderDetail {
  return {
    order: {
      id: 7, outTradeNo: 'O20261208000007', status: 'partially_refunded', storeId: 1, channel: 'preorder', customerId: 8, clerkId: null,
      listFen: 7970, totalFen: 6570, memberSavingFen: 1400, couponDiscountFen: 0, pointsDeductionFen: 500, discountFen: 500, payableFen: 6070,
      pointsUsed: 110, memberPoints: 60, offsetPoints: 50, pointsEarned: 60, pointsUsedReturned: 11, pointsEarnedReversed: 6,
      refundedFen: 607, refundPendingFen: 0, refundableFen: 5463, couponId: null, pickupCode: null,
      items: [
        { sku: 'NUT-002', name: '碧根果 120g', quantity: 2, unitPriceFen: 2990, unitCashFen: 2490, unitPoints: 20, unitPointsGiven: 0, returnedQuantity: 0 },
        { sku: 'MEAT-001', name: '猪肉脯 100g', quantity: 1, unitPriceFen: 1990, unitCashFen: 1590, unitPoints: 20, unitPointsGiven: 0, returnedQuantity: 0 },
      ],
      receiptNo: null, pointsGiven: 0, pickedUpAt: null,
      createdAt: '2026-12-08T05:14:00.000Z', expiresAt: '2026-12-08T05:29:00.000Z', paidAt: '2026-12-08T05:15:00.000Z', closedAt: null,
      ...over,
    },
    customer: { id: 8, phoneMasked: '139****5900', isMember: true, pointsBalance: 1205 },
    store: { id: 1, name: '小食光·光谷店' },
    clerk: null,
    cashier: null,
    terminal: null,
    pickedUpBy: null,
    coupon: null,
    refunds: [{ id: 3, orderId: 7, outRefundNo: 'R1', amountFen: 607, reason: '顾客退货', status: 'success', pointsReturned: 11, pointsReversed: 6, pointsUnrecovered: 0, createdAt: '2026-12-08T06:00:00.000Z', completedAt: '2026-12-08T06:00:01.000Z' }],
    payNotifications: [],
    ...more,
  };
}

function setup(d: ConsoleOrderDetail) {
  setSession({ token: 't', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), staff: { id: 1, name: '甲', role: 'admin', storeId: null } } as never);
  global.fetch = jest.fn(async () => ({ ok: true, status: 200, json: async () => d, headers: new Headers() }) as unknown as Response) as unknown as typeof fetch;
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <AntApp>
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={['/orders/7']}>
          <Routes>
            <Route path="/orders/:id" element={<OrderDetailPage />} />
          </Routes>
        </MemoryRouter>
      </QueryClientProvider>
    </AntApp>,
  );
}

/** The label → value pairs of a bordered Descriptions. */
function pairs(testId: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const th of screen.getByTestId(testId).querySelectorAll('th.ant-descriptions-item-label')) out[th.textContent ?? ''] = th.nextElementSibling?.textContent ?? '';
  return out;
}

describe('订单详情', () => {
  afterEach(() => {
    cleanup();
    setSession(null);
  });

  it('shows the amounts as a receipt and the points split, each under one name', async () => {
    setup(detail());
    await screen.findByTestId('order-amounts');
    expect(pairs('order-amounts')).toEqual({
      商品原价: '¥79.70',
      会员价已省: '−¥14.00',
      优惠券: '—',
      积分抵现: '−¥5.00（50 积分）',
      实付: '¥60.70',
      已退款: '¥6.07',
      可退金额: '¥54.63',
    });
    expect(pairs('order-points')).toEqual({
      会员价积分: '60 积分',
      积分抵现: '50 积分（抵 ¥5.00）',
      使用积分: '110 积分（下单时扣除）',
      奖励积分: '60 积分（支付后发放）',
      退款返还: '+11 积分',
      退款扣回: '−6 积分',
      顾客当前积分: '1205 积分',
    });
    const page = document.body.textContent ?? '';
    expect(page).not.toContain('商品金额');
    expect(page).toContain('¥24.90 + 20 积分'); // the member price of a line
    expect(page).toContain('¥49.80 + 40 积分'); // its subtotal
    expect(page).toContain('退款返还 11 积分，退款扣回 6 积分'); // the refund record, in the same words
  });

  it('shows no points lines that did not happen: a fan paying sale prices', async () => {
    setup(detail({ listFen: 2990, totalFen: 2990, memberSavingFen: 0, pointsDeductionFen: 0, discountFen: 0, payableFen: 2990, pointsUsed: 0, memberPoints: 0, offsetPoints: 0, pointsEarned: 29, pointsUsedReturned: 0, pointsEarnedReversed: 0, refundedFen: 0, refundableFen: 2990, status: 'paid' }));
    await screen.findByTestId('order-amounts');
    expect(pairs('order-amounts')).toMatchObject({ 商品原价: '¥29.90', 会员价已省: '—', 积分抵现: '—', 实付: '¥29.90' });
    expect(pairs('order-points')).toEqual({ 会员价积分: '—', 积分抵现: '—', 使用积分: '0 积分', 奖励积分: '29 积分（支付后发放）', 顾客当前积分: '1205 积分' });
  });
  it('a till sale: 收银机 with its receipt number and terminal, a line whose member price gave points, a return', async () => {
    setup(
      detail(
        {
          channel: 'pos', receiptNo: 'T1-000123', status: 'paid', pointsGiven: 60, pointsEarned: 89, pickupCode: null,
          listFen: 7980, totalFen: 5980, memberSavingFen: 2000, pointsDeductionFen: 0, discountFen: 0, payableFen: 5980, pointsUsed: 0, memberPoints: 0, offsetPoints: 0,
          pointsUsedReturned: 0, pointsEarnedReversed: 0, refundedFen: 0, refundableFen: 5980,
          items: [{ sku: 'NUT-003', name: '夏威夷果 500g', quantity: 2, unitPriceFen: 3990, unitCashFen: 2990, unitPoints: 0, unitPointsGiven: 30, returnedQuantity: 1 }],
        },
        { terminal: { id: 4, name: '1 号收银台', keyId: 'pk_ABCDEFGHIJKLMNOPQRST' }, refunds: [] },
      ),
    );
    await screen.findByTestId('order-amounts');
    expect(screen.getByTestId('order-receipt-no').textContent).toBe('T1-000123');
    const page = document.body.textContent ?? '';
    expect(page).toContain('收银机');
    expect(screen.getByTestId('order-terminal').textContent).toBe('1 号收银台');
    // paid at the till: returned there by receipt, no WeChat Pay refund or notifications here
    expect(screen.queryByTestId('order-refund-button')).toBeNull();
    expect(page).toContain('到店销售的退货在门店收银端按小票办理');
    expect(page).toContain('退货记录');
    expect(page).not.toContain('支付通知');
    expect(page).toContain('¥29.90 送 30 积分'); // the line's member price
    expect(page).toContain('¥59.80 送 60 积分'); // its subtotal
    expect(page).toContain('已退货');
    expect(pairs('order-points').奖励积分).toBe('89 积分（支付后发放，含会员价送积分 60 积分）');
    expect(page).not.toContain('取货'); // nothing to pick up at the till
  });

  it('a pre-order: 待取货 with its pickup code, then 已取货 with when and by whom', async () => {
    setup(detail({ status: 'paid', pickupCode: '8341' }));
    expect((await screen.findByTestId('order-pickup')).textContent).toBe('待取货 · 取货码 8341');
    cleanup();
    setup(detail({ status: 'paid', pickupCode: '8341', pickedUpAt: '2026-12-08T06:30:00.000Z' }, { pickedUpBy: { id: 5, name: '李娜' } }));
    expect((await screen.findByTestId('order-pickup')).textContent).toBe('已取货2026-12-08 14:30（李娜）');
  });
});
