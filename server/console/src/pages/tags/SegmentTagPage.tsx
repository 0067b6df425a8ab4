import { PageContainer } from '@ant-design/pro-components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, DatePicker, Descriptions, Empty, Form, Popconfirm, Select, Spin, Typography } from 'antd';
import type { BulkTagResult } from '@o2o/shared';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { bulkTag, listSegments, previewSegment } from '../../api/tags';
import { TagSelect } from './TagSelect';

interface FormValues {
  segmentId?: number;
  tagId?: number;
  expiresAt?: Dayjs | null;
}

/**
 * 按人群打标签: pick a saved segment (人群) and a tag; the audience is counted now (the segment preview), and on
 * confirmation everyone the rule matches at that instant gets the tag (source manual). A repeat changes nothing.
 */
export default function SegmentTagPage() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<FormValues>();
  const [result, setResult] = useState<BulkTagResult | null>(null);
  const segmentId = Form.useWatch('segmentId', form);
  const tagId = Form.useWatch('tagId', form);
  const expiresAt = Form.useWatch('expiresAt', form);
  const segments = useQuery({ queryKey: ['segments', 'pick'], queryFn: listSegments, staleTime: 60_000 });
  const segment = segments.data?.items.find((s) => s.id === segmentId);
  const preview = useQuery({ queryKey: ['segments', 'preview', segmentId], queryFn: () => previewSegment(segment!.rule), enabled: !!segment, staleTime: 30_000 });
  const apply = useMutation({
    mutationFn: () => bulkTag({ action: 'add', tagIds: [tagId!], rule: segment!.rule, ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}) }),
    onSuccess: (r) => {
      setResult(r);
      message.success(`已为 ${r.customers} 位顾客打标签`);
      void queryClient.invalidateQueries({ queryKey: ['tags'] });
    },
    onError: (e) => message.error((e as Error).message),
  });

  return (
    <PageContainer title="按人群打标签" content="选择已保存的人群，给当前符合条件的所有顾客打上标签（人群规则在营销中心维护）。">
      <Card>
        <Form<FormValues> form={form} layout="vertical" style={{ maxWidth: 560 }} onValuesChange={() => setResult(null)}>
          <Form.Item name="segmentId" label="人群" rules={[{ required: true, message: '请选择人群' }]}>
            <Select
              data-testid="tags-segment-select"
              showSearch
              optionFilterProp="label"
              loading={segments.isLoading}
              placeholder="选择已保存的人群"
              notFoundContent={segments.isLoading ? <Spin size="small" /> : <Empty description="还没有保存的人群" />}
              options={(segments.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))}
            />
          </Form.Item>
          {segment && (
            <Alert
              style={{ marginBottom: 16 }}
              type="info"
              showIcon
              message={preview.isLoading ? '正在计算人数…' : preview.isError ? `无法计算人数：${(preview.error as Error).message}` : `当前约 ${preview.data?.count.toLocaleString('zh-CN')} 位顾客`}
              description={segment.description ?? undefined}
            />
          )}
          <Form.Item name="tagId" label="标签" rules={[{ required: true, message: '请选择标签' }]}>
            <TagSelect manualOnly testId="tags-segment-tag" />
          </Form.Item>
          <Form.Item name="expiresAt" label="到期时间（可选）">
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" disabledDate={(d) => d.isBefore(new Date(), 'day')} style={{ width: 240 }} />
          </Form.Item>
          <Popconfirm
            title="确认打标签"
            description={segment ? `给人群「${segment.name}」当前的全部顾客打标签` : undefined}
            okText="确认"
            cancelText="取消"
            disabled={!segment || !tagId}
            onConfirm={() => form.validateFields().then(() => apply.mutate())}
          >
            <Button type="primary" data-testid="tags-segment-apply" disabled={!segment || !tagId} loading={apply.isPending}>
              打标签
            </Button>
          </Popconfirm>
        </Form>
      </Card>
      {result && (
        <Card title="结果" style={{ marginTop: 16 }}>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label="人群顾客">{result.customers}</Descriptions.Item>
            <Descriptions.Item label="新增标签">
              <Typography.Text strong>{result.changed}</Typography.Text>
              {result.customers > result.changed && <Typography.Text type="secondary">（{result.customers - result.changed} 位已有）</Typography.Text>}
            </Descriptions.Item>
          </Descriptions>
        </Card>
      )}
    </PageContainer>
  );
}
