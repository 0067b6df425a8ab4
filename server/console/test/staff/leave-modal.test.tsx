import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from 'antd';
import type { StaffListItem } from '@o2o/shared';
import { LeaveModal } from '../../src/pages/staff/LeaveModal';

jest.setTimeout(30_000); // antd renders slowly in jsdom on a busy 2-core machine

const person = (id: number, name: string, role: StaffListItem['role'], customerCount: number): StaffListItem => ({
  id,
  name,
  role,
  status: 'active',
  storeId: 1,
  username: null,
  wechatBound: true,
  storeCode: 'WH001',
  storeName: '光谷店',
  customerCount,
  consoleLogin: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  leftAt: null,
});

type Call = { method: string; url: string; body: unknown };
let calls: Call[];
function mockServer(colleagues: StaffListItem[]) {
  calls = [];
  global.fetch = jest.fn(async (url: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    calls.push({ method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const body =
      method === 'GET'
        ? { items: colleagues, total: colleagues.length }
        : { staff: { ...colleagues[0], status: 'left' }, handover: { toStaffId: (JSON.parse(String(init!.body)) as { handoverToStaffId?: number }).handoverToStaffId ?? 7, moved: 3 } };
    return { ok: true, status: 200, json: async () => body, headers: new Headers() } as unknown as Response;
  }) as unknown as typeof fetch;
}

function renderModal(staff: StaffListItem) {
  const onDone = jest.fn();
  const onClose = jest.fn();
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <App>
        <LeaveModal staff={staff} onClose={onClose} onDone={onDone} />
      </App>
    </QueryClientProvider>,
  );
  return { onDone, onClose };
}
const confirmButton = () => screen.getByTestId('leave-confirm').closest('button')!;

describe('LeaveModal: leave with handover in one step', () => {
  it('defaults to the store manager, shows how many customers move, and sends the chosen receiver', async () => {
    const leaving = person(5, '王芳', 'clerk', 3);
    mockServer([leaving, person(7, '周店长', 'store_manager', 10), person(6, '李娜', 'clerk', 4)]);
    const { onDone, onClose } = renderModal(leaving);
    await waitFor(() => expect(screen.getByTestId('leave-summary').textContent).toContain('3 位顾客将转给 周店长'));
    expect(calls[0].url).toBe('/api/admin/staff?storeId=1&status=active&current=1&pageSize=100');

    // choose 李娜 instead: the summary follows, and the leaving clerk is not offered to themselves
    fireEvent.mouseDown(screen.getByTestId('leave-handover-select').querySelector('.ant-select-selector')!);
    await screen.findByTitle('李娜（导购，现有 4 位顾客）');
    const options = Array.from(document.querySelectorAll('.ant-select-item-option'));
    expect(options.map((o) => o.textContent)).toEqual(['周店长（店长，现有 10 位顾客）', '李娜（导购，现有 4 位顾客）']);
    fireEvent.click(screen.getByTitle('李娜（导购，现有 4 位顾客）'));
    await waitFor(() => expect(screen.getByTestId('leave-summary').textContent).toContain('3 位顾客将转给 李娜'));

    fireEvent.click(confirmButton());
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(calls[1]).toEqual({ method: 'POST', url: '/api/admin/staff/5/leave', body: { handoverToStaffId: 6 } });
    expect(onClose).toHaveBeenCalled();
  });

  it('cannot confirm while the clerk owns customers and nobody in the store can receive them', async () => {
    const leaving = person(5, '王芳', 'clerk', 2);
    mockServer([leaving]);
    renderModal(leaving);
    await waitFor(() => expect(screen.getByTestId('leave-summary').textContent).toContain('该员工名下有 2 位顾客，请选择接收的同事'));
    expect(confirmButton().disabled).toBe(true);
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
  });

  it('a clerk without customers leaves without a receiver', async () => {
    const leaving = person(5, '王芳', 'clerk', 0);
    mockServer([leaving]);
    const { onDone } = renderModal(leaving);
    await waitFor(() => expect(screen.getByTestId('leave-summary').textContent).toContain('没有专属顾客'));
    fireEvent.click(confirmButton());
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({});
  });
});
