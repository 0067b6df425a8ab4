import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App as AntApp } from 'antd';
import type { ReactNode } from 'react';
import { PointsAdjustModal } from '../../src/pages/customers/PointsAdjustModal';

/**
 * The points adjustment form against a fake server: the balance after follows the number typed, a debit below zero
 * or a missing reason is stopped before sending, a refusal keeps the form open, and a retry of the same opening
 * sends the same request number (the server makes it count once).
 */
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 5000 });

type Call = { url: string; body: any };
function mockServer(replies: { status: number; json: unknown }[]) {
  const calls: Call[] = [];
  global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const r = replies.shift() ?? { status: 500, json: { code: 'INTERNAL', message: 'x' } };
    return { ok: r.status < 400, status: r.status, json: async () => r.json, headers: new Headers() } as unknown as Response;
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

const typeInto = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });

describe('PointsAdjustModal', () => {
  it('shows the balance after, refuses below zero and a missing reason without sending, then sends delta, reason and a request number', async () => {
    const ok = { status: 200, json: { adjustment: { requestNo: 'r', customerId: 5, delta: 30, reason: '活动补偿', balanceAfter: 130, ledgerId: 9, createdAt: '2027-01-01T00:00:00.000Z' } } };
    const calls = mockServer([ok]);
    const onDone = jest.fn();
    render(wrap(<PointsAdjustModal customerId={5} balance={100} open onOpenChange={() => undefined} onDone={onDone} />));

    typeInto('points-adjust-delta', '-150');
    await waitFor(() => expect(screen.getByTestId('points-adjust-after').textContent).toBe('-50'));
    fireEvent.click(screen.getByTestId('points-adjust-submit'));
    await screen.findByText('扣减后积分不能为负（当前 100）');
    await screen.findByText('请填写 2–200 字的调整原因');
    expect(calls).toHaveLength(0);

    typeInto('points-adjust-delta', '30');
    typeInto('points-adjust-reason', '  活动补偿 ');
    await waitFor(() => expect(screen.getByTestId('points-adjust-after').textContent).toBe('130'));
    fireEvent.click(screen.getByTestId('points-adjust-submit'));
    await waitFor(() => expect(onDone).toHaveBeenCalledWith(expect.objectContaining({ balanceAfter: 130 })));
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('/api/admin/customers/5/points-adjustments');
    expect(calls[0].body).toEqual({ delta: 30, reason: '活动补偿', requestNo: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/) });
  });

  it('a refusal is shown in Chinese and the form stays; the retry carries the same request number', async () => {
    const calls = mockServer([
      { status: 409, json: { code: 'POINTS_ADJUSTMENT_INVALID', message: 'x', details: { balance: 100 } } },
      { status: 200, json: { adjustment: { requestNo: 'r', customerId: 5, delta: 20, reason: '补偿积分', balanceAfter: 120, ledgerId: 9, createdAt: '2027-01-01T00:00:00.000Z' } } },
    ]);
    const onDone = jest.fn();
    render(wrap(<PointsAdjustModal customerId={5} balance={100} open onOpenChange={() => undefined} onDone={onDone} />));
    typeInto('points-adjust-delta', '20');
    typeInto('points-adjust-reason', '补偿积分');
    fireEvent.click(screen.getByTestId('points-adjust-submit'));
    await screen.findByText(/该积分调整无法执行/);
    expect(onDone).not.toHaveBeenCalled();
    expect(screen.getByTestId('points-adjust-submit')).toBeTruthy();
    fireEvent.click(screen.getByTestId('points-adjust-submit'));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(calls).toHaveLength(2);
    expect(calls[1].body.requestNo).toBe(calls[0].body.requestNo);
  });
});
