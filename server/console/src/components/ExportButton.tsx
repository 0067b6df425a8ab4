import { ExportOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { App, Button, Modal, Typography } from 'antd';
import type { CsvExportResult, ExportList, JobView } from '@o2o/shared';
import { useState } from 'react';
import { getJob } from '../api/jobs';
import { post } from '../api/request';
import { JobProgress } from './JobProgress';

/**
 * 导出 CSV for a long list (顾客, 订单): starts a `csv_export` job with the list's current filters and shows its
 * progress in a modal, with the download once done. `filters` are the list's query fields as the list sends them
 * (paging fields are dropped here; empty values too; numbers and flags become text, as in the list's URL). The
 * server decides the scope (a store manager's export is their store's whatever is sent).
 */
export function ExportButton({ kind, filters }: { kind: ExportList; filters: Record<string, unknown> }) {
  const { message } = App.useApp();
  const [job, setJob] = useState<JobView | null>(null);
  const start = useMutation({
    mutationFn: async () => (await post<{ job: JobView }>(`/${kind}/export`, { filters: exportFilters(filters) })).job,
    onSuccess: setJob,
    onError: (e) => message.error((e as Error).message),
  });
  // JobProgress polls ['job', id] and offers the download; this reads the same cache entry (no second poll) for the cap warning.
  const current = useQuery({ queryKey: ['job', job?.id], queryFn: () => getJob(job!.id), enabled: false, initialData: job ?? undefined }).data ?? job;
  const done = current?.status === 'done';
  const result = done ? (current.result as CsvExportResult | null) : null;

  return (
    <>
      <Button icon={<ExportOutlined />} loading={start.isPending} data-testid="export-button" onClick={() => start.mutate()}>
        导出 CSV
      </Button>
      <Modal
        open={job !== null}
        title={kind === 'customers' ? '导出顾客' : '导出订单'}
        onCancel={() => setJob(null)}
        destroyOnHidden
        footer={[
          <Button key="close" onClick={() => setJob(null)}>
            关闭
          </Button>,
        ]}
      >
        {job && <JobProgress key={job.id} job={job} unit="行" />}
        {result?.capped && (
          <Typography.Paragraph type="warning" style={{ marginTop: 8 }} data-testid="export-capped">
            已达导出上限 {result.rows.toLocaleString('zh-CN')} 行，请缩小筛选范围后分批导出。
          </Typography.Paragraph>
        )}
      </Modal>
    </>
  );
}

const PAGING = new Set(['current', 'pageSize', 'cursor', 'limit']);

/** The list's filters as the export accepts them: no paging, no empty values, text values (query-shaped). */
export function exportFilters(filters: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(filters).flatMap(([k, v]) => (PAGING.has(k) || v === undefined || v === null || v === '' || typeof v === 'object' ? [] : [[k, String(v)]])),
  );
}
