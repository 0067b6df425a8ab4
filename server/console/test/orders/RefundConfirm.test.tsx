import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App as AntApp } from 'antd';
import type { ReactNode } from 'react';
import type { RefundPreviewView } from '@o2o/shared';
import { RefundConfirm } from '../../src/components/RefundConfirm';

/**
 * The refund confirmation against a fake server: the effects shown follow the amount typed, the confirm sends that
 * amount with a request number, and amounts the server would refuse cannot be confirmed.
 */

// An order of 10.00 paid, 50 points used as cash, 10 earned, a coupon; the customer holds `balance` points.
function fakePreview(amountFen: number, balance: number): RefundPreviewView {
  const full = amountFen === 1000;
  const share = (t: number) => (full ? t : Math.floor((t * amountFen) / 1000));
  const toReturn = share(50);
  const toReverse = share(10);
  const reversed = Math.min(toReverse, balance + toReturn);
  return {
    orderId: 7, amountFen, payableFen: 1000, refundedFen: 0, refundPendingFen: 0, refundableFen: 1000, full,
    pointsReturned: toReturn, pointsToReverse: toReverse, pointsReversed: reversed, pointsUnrecovered: toReverse - reversed,
    balance, balanceAfter: balance + toReturn - reversed,
    coupon: { id: 3, title: '满20减5', released: full, returnsAs: full ? 'issued' : null },
    otherRefundsPending: false,
  };
}

type Call = { url: string; method: string; body: any };
function mockServer(balance = 960) {
  const calls: Call[] = [];
  global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ url, method: init?.method ?? 'GET', body });
    const reply = (status: number, json: unknown) => ({ ok: status < 400, status, json: async () => json, headers: new Headers() }) as unknown as Response;
    if (url.endsWith('/orders/7/refunds/preview')) {
      if (body.amountFen > 1000) return reply(409, { code: 'REFUND_EXCEEDS_PAID', message: 'x', details: { refundableFen: 1000 } });
      return reply(200, { preview: fakePreview(body.amountFen, balance) });
    }
    if (url.endsWith('/orders/7/refunds')) {
      return reply(201, { refund: { id: 11, orderId: 7, outRefundNo: 'R1', amountFen: body.amountFen, reason: body.reason, status: 'processing', pointsReturned: 0, pointsReversed: 0, pointsUnrecovered: 0, createdAt: new Date().toISOString(), completedAt: null } });
    }
    return reply(404, { code: 'NOT_FOUND', message: 'no' });
  }) as unknown as typeof fetch;
  return calls;
}

function wrap(children: ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return (
    <AntApp>
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </AntApp>
  );
}

const order = { id: 7, outTradeNo: 'O20270101000007', payableFen: 1000, refundableFen: 1000 };
jest.setTimeout(30_000);
// Two cores shared with other suites: give antd's async rendering room.
configure({ asyncUtilTimeout: 5000 });
const disabled = () => (screen.getByTestId('refund-confirm') as HTMLButtonElement).disabled;

const previews = (calls: Call[]) => calls.filter((c) => c.url.endsWith('/refunds/preview')).map((c) => c.body.amountFen);

describe('RefundConfirm', () => {
  it('shows the effects of the full amount first, follows the amount typed, and confirms that amount once', async () => {
    const calls = mockServer();
    const onDone = jest.fn();
    const onClose = jest.fn();
    render(wrap(<RefundConfirm open order={order} onClose={onClose} onDone={onDone} />));

    // full refund proposed: every point back, the coupon released
    await waitFor(() => expect(screen.getByTestId('refund-points-returned').textContent).toBe('+50 积分'));
    expect(screen.getByTestId('refund-points-reversed').textContent).toBe('−10 积分');
    expect(screen.getByTestId('refund-coupon').textContent).toContain('退回顾客');
    expect(screen.getByTestId('refund-preview').textContent).toContain('全额退款');
    // the order detail's and the ledger's words: 使用积分 go back (退款返还), 奖励积分 are taken back (退款扣回)
    expect(screen.getByTestId('refund-preview').textContent).toMatch(/退款返还\+50 积分（订单使用积分按比例返还）退款扣回−10 积分（订单奖励积分按比例扣回）/);
    expect(screen.getByTestId('refund-preview').textContent).not.toContain('抵现');

    // a partial amount: the preview is asked again and shows the proportional effects; the coupon stays
    fireEvent.change(screen.getByTestId('refund-amount'), { target: { value: '3.00' } });
    await waitFor(() => expect(screen.getByTestId('refund-points-returned').textContent).toBe('+15 积分'));
    expect(previews(calls)).toEqual([1000, 300]);
    expect(screen.getByTestId('refund-points-reversed').textContent).toBe('−3 积分');
    expect(screen.getByTestId('refund-balance').textContent).toBe('960 → 972 积分');
    expect(screen.getByTestId('refund-coupon').textContent).toContain('不退回');

    // a reason is required before confirming
    fireEvent.click(screen.getByTestId('refund-confirm'));
    await screen.findByText('请填写退款原因（80 字以内）');
    expect(calls.some((c) => c.url.endsWith('/orders/7/refunds'))).toBe(false);

    fireEvent.change(screen.getByTestId('refund-reason'), { target: { value: '顾客退货' } });
    await waitFor(() => expect(disabled()).toBe(false));
    await act(async () => {
      fireEvent.click(screen.getByTestId('refund-confirm'));
    });
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    const sent = calls.filter((c) => c.url.endsWith('/orders/7/refunds'));
    expect(sent).toHaveLength(1);
    expect(sent[0].method).toBe('POST');
    expect(sent[0].body).toEqual({ amountFen: 300, reason: '顾客退货', requestNo: expect.stringMatching(/^[A-Za-z0-9_-]{6,64}$/) });
    expect(onClose).toHaveBeenCalled();
  });

  it('keeps the amount within what is refundable and confirms nothing without one', async () => {
    const calls = mockServer(0);
    render(wrap(<RefundConfirm open order={{ ...order, refundableFen: 1000 }} onClose={() => {}} />));
    // balance 0: of the 10 earned points only the 50 returned ones can pay them back → all 10 reversed
    await waitFor(() => expect(screen.getByTestId('refund-points-reversed').textContent).toBe('−10 积分'));

    // the input stops at the refundable amount (max): a larger figure is not taken, and snaps back on blur
    const input = screen.getByTestId('refund-amount') as HTMLInputElement;
    fireEvent.change(input, { target: { value: '10.01' } });
    fireEvent.blur(input);
    await waitFor(() => expect(input.value).toBe('10.00'));
    expect(previews(calls)).toEqual([1000]);

    // no amount: nothing to preview, nothing to confirm
    fireEvent.change(input, { target: { value: '' } });
    await screen.findByText('请输入大于 0 的金额，最多两位小数');
    await waitFor(() => expect(screen.getByTestId('refund-preview').textContent).toContain('输入退款金额后'));
    expect(disabled()).toBe(true);
  });

  it('shows the shortfall when the customer already spent the earned points', async () => {
    global.fetch = jest.fn(async () => ({
      ok: true,
      status: 200,
      json: async () => ({ preview: { ...fakePreview(1000, 0), pointsUsed: 0, pointsReturned: 0, pointsToReverse: 1000, pointsReversed: 800, pointsUnrecovered: 200, balance: 800, balanceAfter: 0 } }),
      headers: new Headers(),
    })) as unknown as typeof fetch;
    render(wrap(<RefundConfirm open order={order} onClose={() => {}} />));
    await screen.findByTestId('refund-shortfall');
    expect(screen.getByTestId('refund-shortfall').textContent).toContain('奖励积分有 200 积分无法追回');
    expect(screen.getByTestId('refund-points-reversed').textContent).toBe('−800 积分');
    expect(screen.getByTestId('refund-balance').textContent).toBe('800 → 0 积分');
  });
});
