import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App as AntApp } from 'antd';
import dayjs from 'dayjs';
import { ScheduleModal, scheduleBody } from '../../src/pages/qr-codes/ScheduleModal';

/**
 * The poster change in two clicks against a fake server: the operator picks a region, a tag and a start; the server
 * counts the codes (dry run), the confirmation shows that count, and only the confirmed request changes anything.
 */

type Call = { url: string; method: string; body: any };
function serve(count = 12) {
  const calls: Call[] = [];
  global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ url, method: init?.method ?? 'GET', body });
    const reply = (json: unknown) => ({ ok: true, status: 200, json: async () => json, headers: new Headers() }) as unknown as Response;
    if (url.startsWith('/api/admin/tags'))
      return reply({ items: [{ id: 7, name: '坚果', group: 'category' }, { id: 8, name: '年货', group: 'category' }, { id: 9, name: '门店', group: 'channel' }, { id: 10, name: '新客', group: 'lifecycle' }], total: 4 });
    if (url.startsWith('/api/admin/coupon-templates')) return reply({ items: [], total: 0 });
    if (url.startsWith('/api/admin/qr-codes/schedules')) return reply({ dryRun: url.includes('dryRun=1'), count, closed: url.includes('dryRun=1') ? 0 : count });
    return { ok: false, status: 404, json: async () => ({ code: 'NOT_FOUND', message: 'no' }), headers: new Headers() } as unknown as Response;
  }) as unknown as typeof fetch;
  return calls;
}

async function pick(testId: string, option: string) {
  const select = screen.getByTestId(testId);
  await act(async () => {
    fireEvent.mouseDown(select.querySelector('.ant-select-selector')!);
  });
  const opt = await waitFor(() => {
    const found = [...document.querySelectorAll('.ant-select-item-option')].find((el) => el.textContent === option);
    if (!found) throw new Error(`no option ${option}`);
    return found;
  });
  await act(async () => {
    fireEvent.click(opt);
  });
}

jest.setTimeout(60_000);

describe('ScheduleModal', () => {
  it('counts first, shows the count in the confirmation, then schedules the region’s store codes once', async () => {
    const calls = serve(12);
    const done = jest.fn();
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <AntApp>
        <QueryClientProvider client={client}>
          <ScheduleModal open onOpenChange={() => undefined} selectedIds={[]} scopes={{ regions: ['华东一区', '华南一区'], stores: [] }} onDone={done} />
        </QueryClientProvider>
      </AntApp>,
    );
    await act(async () => {
      fireEvent.click(within(screen.getByTestId('qr-schedule-scope')).getByText('区域'));
    });
    await pick('qr-schedule-region', '华南一区');
    // the tag list is grouped and leaves out the computed lifecycle tags
    await pick('qr-schedule-tag', '年货');
    expect([...document.querySelectorAll('.ant-select-item-group')].map((g) => g.textContent)).toEqual(['品类', '渠道']);
    expect([...document.querySelectorAll('.ant-select-item-option')].map((o) => o.textContent)).not.toContain('新客');
    const start = within(screen.getByTestId('qr-schedule-start')).getByRole('textbox');
    await act(async () => {
      fireEvent.mouseDown(start);
      fireEvent.change(start, { target: { value: '2026-12-20 10:00' } });
    });
    await act(async () => {
      fireEvent.keyDown(start, { key: 'Enter', code: 'Enter', keyCode: 13 });
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId('qr-schedule-submit'));
    });
    const count = await screen.findByTestId('qr-schedule-count', {}, { timeout: 5000 });
    expect(count.textContent).toBe('12');
    const sent = calls.filter((c) => c.url.startsWith('/api/admin/qr-codes/schedules'));
    expect(sent.map((c) => c.url)).toEqual(['/api/admin/qr-codes/schedules?dryRun=1']);
    // 10:00 in Shanghai whatever the machine's zone
    expect(sent[0]!.body).toEqual({ target: { region: '华南一区' }, ownerType: 'store', validFrom: '2026-12-20T10:00:00+08:00', replace: true, tagId: 8 });
    await act(async () => {
      fireEvent.click(screen.getByTestId('qr-schedule-confirm'));
    });
    await waitFor(() => expect(done).toHaveBeenCalledTimes(1));
    const all = calls.filter((c) => c.url.startsWith('/api/admin/qr-codes/schedules'));
    expect(all.map((c) => c.url)).toEqual(['/api/admin/qr-codes/schedules?dryRun=1', '/api/admin/qr-codes/schedules']);
    expect(all[1]!.body).toEqual(all[0]!.body);
  });

  it('builds the body from the form: picked rows, owner type, times in Shanghai; refuses what the server would', () => {
    const from = dayjs('2026-12-20 10:00');
    expect(scheduleBody({ scope: 'selected', ownerType: 'store', kind: 'tag', tagId: 3, validFrom: from, replace: false }, [5, 6])).toEqual({
      body: { target: { codeIds: [5, 6] }, validFrom: '2026-12-20T10:00:00+08:00', replace: false, tagId: 3 },
    });
    expect(scheduleBody({ scope: 'all', ownerType: 'all', kind: 'coupon', templateId: 4, validFrom: from, validTo: dayjs('2026-12-31 23:59'), replace: true }, [])).toEqual({
      body: { target: { all: true }, validFrom: '2026-12-20T10:00:00+08:00', validTo: '2026-12-31T23:59:00+08:00', replace: true, templateId: 4 },
    });
    const bad = scheduleBody({ scope: 'selected', ownerType: 'store', kind: 'tag', validFrom: from, validTo: from, replace: true }, []);
    expect('errors' in bad && bad.errors.map((e) => e.name[0])).toEqual(['scope', 'validTo', 'tagId']);
  });
});
