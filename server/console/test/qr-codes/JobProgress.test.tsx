import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App as AntApp } from 'antd';
import type { JobView } from '@o2o/shared';
import { JobProgress } from '../../src/components/JobProgress';

/** The job's bar against a fake server: it polls while running, offers 下载 when done, shows the failure's message. */

const job = (over: Partial<JobView>): JobView => ({
  id: 5, kind: 'qr_posters', status: 'queued', progressDone: 0, progressTotal: 40, fileName: null, fileBytes: null, downloadUrl: null, result: null,
  createdAt: '2026-12-07T10:00:00.000Z', finishedAt: null, ...over,
});

function serve(sequence: JobView[]) {
  const calls: string[] = [];
  let i = 0;
  global.fetch = jest.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    calls.push(url);
    if (url.endsWith('/jobs/5')) {
      const j = sequence[Math.min(i++, sequence.length - 1)];
      return { ok: true, status: 200, json: async () => ({ job: j }), headers: new Headers() } as unknown as Response;
    }
    if (url.endsWith('/jobs/5/file'))
      return { ok: true, status: 200, blob: async () => new Blob(['%PDF-1.3']), headers: new Headers({ 'content-disposition': "attachment; filename=\"job-5.pdf\"; filename*=UTF-8''%E6%B5%B7%E6%8A%A5.pdf" }) } as unknown as Response;
    return { ok: false, status: 404, json: async () => ({ code: 'NOT_FOUND', message: 'no' }), headers: new Headers() } as unknown as Response;
  }) as unknown as typeof fetch;
  return calls;
}

function wrap(node: React.ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <AntApp>
      <QueryClientProvider client={client}>{node}</QueryClientProvider>
    </AntApp>,
  );
}

jest.setTimeout(60_000);

describe('JobProgress', () => {
  beforeAll(() => {
    (URL as unknown as { createObjectURL: () => string }).createObjectURL = () => 'blob:fake';
    (URL as unknown as { revokeObjectURL: () => void }).revokeObjectURL = () => undefined;
  });

  it('polls a running job, then offers the download, which fetches the file with its UTF-8 name', async () => {
    const calls = serve([job({ status: 'running', progressDone: 10 }), job({ status: 'running', progressDone: 30 }), job({ status: 'done', progressDone: 40, fileName: '海报.pdf', fileBytes: 2_000_000, downloadUrl: '/api/admin/jobs/5/file' })]);
    const clicked: string[] = [];
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    wrap(<JobProgress job={job({})} unit="页" pollMs={30} />);
    expect(screen.getByTestId('job-progress-count').textContent).toBe('排队中 · 0 / 40 页');
    expect(screen.queryByTestId('job-download')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('job-progress').getAttribute('data-status')).toBe('done'), { timeout: 5000 });
    expect(screen.getByTestId('job-progress-count').textContent).toBe('已完成 · 40 / 40 页');
    const polls = calls.filter((u) => u.endsWith('/jobs/5')).length;
    expect(polls).toBe(3);
    await new Promise((r) => setTimeout(r, 120));
    expect(calls.filter((u) => u.endsWith('/jobs/5')).length).toBe(polls); // no polling once done

    await act(async () => {
      fireEvent.click(screen.getByTestId('job-download'));
    });
    await waitFor(() => expect(clicked).toEqual(['海报.pdf']));
    expect(calls).toContain('/api/admin/jobs/5/file');
    click.mockRestore();
  });

  it('shows the failure with its message and no download', async () => {
    serve([job({ status: 'failed', result: { error: '找不到中文字体文件 /x.ttc' } })]);
    wrap(<JobProgress job={job({ status: 'running', progressDone: 3 })} pollMs={20} />);
    await waitFor(() => expect(screen.getByTestId('job-error').textContent).toContain('找不到中文字体文件 /x.ttc'), { timeout: 5000 });
    expect(screen.queryByTestId('job-download')).toBeNull();
  });
});
