import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Progress, Space, Typography } from 'antd';
import type { JobStatus, JobView } from '@o2o/shared';
import { useState } from 'react';
import { downloadJob, getJob } from '../api/jobs';

/** 2,000,000 → "1.9 MB", 14,000 → "14 KB". */
export const sizeOf = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

const STATUS: Record<JobStatus, string> = { queued: '排队中', running: '生成中', done: '已完成', failed: '失败' };

/**
 * A long job's progress (poster sheets, exports): polls the job while it is queued or running, shows done/total on
 * a bar, then a 下载 button (the file comes with the staff token through `download()`), or the failure's message.
 */
export function JobProgress({ job: initial, unit = '项', pollMs = 1000 }: { job: JobView; unit?: string; pollMs?: number }) {
  const { message } = App.useApp();
  const [downloading, setDownloading] = useState(false);
  const q = useQuery({
    queryKey: ['job', initial.id],
    queryFn: () => getJob(initial.id),
    initialData: initial,
    staleTime: 0,
    refetchInterval: (query) => {
      const s = query.state.data?.status;
      return s === 'queued' || s === 'running' ? pollMs : false;
    },
  });
  const job = q.data ?? initial;
  const percent = job.status === 'done' ? 100 : job.progressTotal > 0 ? Math.min(99, Math.floor((job.progressDone * 100) / job.progressTotal)) : 0;
  const error = job.status === 'failed' ? ((job.result as { error?: string } | null)?.error ?? '任务失败') : null;

  const save = async () => {
    setDownloading(true);
    try {
      await downloadJob(job);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <div data-testid="job-progress" data-status={job.status}>
      <Progress percent={percent} status={job.status === 'done' ? 'success' : job.status === 'failed' ? 'exception' : 'active'} />
      <Space wrap>
        <Typography.Text data-testid="job-progress-count">
          {STATUS[job.status]} · {job.progressDone.toLocaleString('zh-CN')} / {job.progressTotal.toLocaleString('zh-CN')} {unit}
        </Typography.Text>
        {job.status === 'done' && (
          <Button type="primary" icon={<DownloadOutlined />} loading={downloading} data-testid="job-download" onClick={save}>
            下载{job.fileBytes ? `（${sizeOf(job.fileBytes)}）` : ''}
          </Button>
        )}
      </Space>
      {error && <Alert style={{ marginTop: 8 }} type="error" showIcon message="任务失败" description={error} data-testid="job-error" />}
      {q.error && job.status !== 'done' && job.status !== 'failed' && <Alert style={{ marginTop: 8 }} type="warning" showIcon message={`暂时无法获取进度：${(q.error as Error).message}`} />}
    </div>
  );
}
