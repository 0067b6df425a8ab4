import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App as AntApp } from 'antd';
import type { JobView } from '@o2o/shared';
import { ExportButton, exportFilters } from '../../src/components/ExportButton';

/** 导出 CSV against a fake server: posts the list's filters (no paging), polls the job, then offers the download. */

const job = (over: Partial<JobView>): JobView => ({
  id: 9, kind: 'csv_export', status: 'queued', progressDone: 0, progressTotal: 0, fileName: null, fileBytes: null, downloadUrl: null, result: null,
  createdAt: '2026-12-07T10:00:00.000Z', finishedAt: null, ...over,
});

jest.setTimeout(60_000);

describe('ExportButton', () => {
  beforeAll(() => {
    (URL as unknown as { createObjectURL: () => string }).createObjectURL = () => 'blob:fake';
    (URL as unknown as { revokeObjectURL: () => void }).revokeObjectURL = () => undefined;
  });

  it('drops paging and empty filters and sends the rest as text', () => {
    expect(exportFilters({ current: 2, pageSize: 20, storeId: 5, isMember: true, phone: '', tagId: undefined, status: 'paid' })).toEqual({ storeId: '5', isMember: 'true', status: 'paid' });
  });

  it('starts the job with the filters, shows its progress, then downloads the CSV', async () => {
    const posted: unknown[] = [];
    const polls = [job({ status: 'running', progressDone: 2000, progressTotal: 3500 }), job({ status: 'done', progressDone: 3500, progressTotal: 3500, fileName: '顾客导出.csv', fileBytes: 40_000, downloadUrl: '/api/admin/jobs/9/file', result: { list: 'customers', rows: 3500, capped: false } })];
    let i = 0;
    const files: string[] = [];
    global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      if (url.endsWith('/customers/export')) {
        posted.push(JSON.parse(String(init?.body)));
        return { ok: true, status: 202, json: async () => ({ job: job({}) }), headers: new Headers() } as unknown as Response;
      }
      if (url.endsWith('/jobs/9')) return { ok: true, status: 200, json: async () => ({ job: polls[Math.min(i++, polls.length - 1)] }), headers: new Headers() } as unknown as Response;
      if (url.endsWith('/jobs/9/file')) {
        files.push(url);
        return { ok: true, status: 200, blob: async () => new Blob(['\uFEFF顾客ID']), headers: new Headers({ 'content-disposition': "attachment; filename=\"job-9.csv\"; filename*=UTF-8''%E9%A1%BE%E5%AE%A2.csv" }) } as unknown as Response;
      }
      return { ok: false, status: 404, json: async () => ({ code: 'NOT_FOUND', message: 'no' }), headers: new Headers() } as unknown as Response;
    }) as unknown as typeof fetch;
    jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <AntApp>
        <QueryClientProvider client={client}>
          <ExportButton kind="customers" filters={{ current: 3, pageSize: 20, storeId: 7, isMember: 'true' }} />
        </QueryClientProvider>
      </AntApp>,
    );
    fireEvent.click(screen.getByTestId('export-button'));
    await waitFor(() => expect(screen.getByTestId('job-progress')).toBeTruthy());
    expect(posted).toEqual([{ filters: { storeId: '7', isMember: 'true' } }]);
    expect(screen.queryByTestId('job-download')).toBeNull(); // no download before the job is done
    await waitFor(() => expect(screen.getByTestId('job-progress').getAttribute('data-status')).toBe('done'), { timeout: 10_000 });
    fireEvent.click(await screen.findByTestId('job-download'));
    await waitFor(() => expect(files).toHaveLength(1));
  });
});
