import { InboxOutlined } from '@ant-design/icons';
import { PageContainer } from '@ant-design/pro-components';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, DatePicker, Form, Input, Popconfirm, Space, Typography, Upload } from 'antd';
import { BULK_PHONES_MAX, type BulkPhonesReport } from '@o2o/shared';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { tagByPhones } from '../../api/tags';
import { nonBlank, phoneLines } from './phones';
import { PhoneReport } from './PhoneReport';
import { TagSelect } from './TagSelect';

interface FormValues {
  tagId?: number;
  expiresAt?: Dayjs | null;
}

/**
 * 按手机号打标签: upload a .txt / .csv of phone numbers (one a line; a CSV's first column) or paste them, pick the
 * tag and an optional expiry, 预检 (dry run: matched / not found / invalid lines, nothing changes), then 确认打标签
 * with exactly what was checked. A repeat changes nothing (customers already holding the tag keep it as it is).
 */
export default function BulkPhonesPage() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const [form] = Form.useForm<FormValues>();
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [report, setReport] = useState<BulkPhonesReport | null>(null);
  /** What the last dry run checked: apply is offered only for that exact input. */
  const [checked, setChecked] = useState<string | null>(null);
  const tagId = Form.useWatch('tagId', form);
  const expiresAt = Form.useWatch('expiresAt', form);
  const lines = useMemo(() => phoneLines(text), [text]);
  const count = nonBlank(lines);
  const key = JSON.stringify([tagId, expiresAt?.toISOString() ?? null, lines]);
  const tooMany = lines.length > BULK_PHONES_MAX;

  const run = useMutation({
    mutationFn: (dryRun: boolean) =>
      tagByPhones({ tagId: tagId!, phones: lines, dryRun, ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}) }),
    onSuccess: (r, dryRun) => {
      setReport(r);
      setChecked(dryRun ? key : null);
      if (!dryRun) {
        message.success(`已为 ${r.matched} 位顾客打标签`);
        void queryClient.invalidateQueries({ queryKey: ['tags'] });
      }
    },
    onError: (e) => message.error((e as Error).message),
  });

  const readFile = (file: File) => {
    const reader = new FileReader();
    reader.onload = () => {
      setText(String(reader.result ?? ''));
      setFileName(file.name);
      setReport(null);
    };
    reader.onerror = () => message.error('无法读取文件');
    reader.readAsText(file, 'utf-8');
    return false; // never uploaded as such: the lines go in the JSON body
  };

  return (
    <PageContainer title="按手机号打标签" content="上传或粘贴手机号名单，先预检再确认。只匹配已绑定手机号的会员，号码通过加密索引匹配，不会明文保存。">
      <Card>
        <Form<FormValues> form={form} layout="vertical" initialValues={{ tagId: params.get('tagId') ? Number(params.get('tagId')) : undefined }} style={{ maxWidth: 720 }}>
          <Form.Item name="tagId" label="标签" rules={[{ required: true, message: '请选择标签' }]}>
            <TagSelect manualOnly testId="tags-bulk-phones-tag" onChange={() => setReport(null)} />
          </Form.Item>
          <Form.Item name="expiresAt" label="到期时间（可选，到期自动去掉标签）">
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" disabledDate={(d) => d.isBefore(new Date(), 'day')} style={{ width: 240 }} />
          </Form.Item>
          <Form.Item label={`手机号名单（每行一个，最多 ${BULK_PHONES_MAX.toLocaleString('zh-CN')} 行）`}>
            <Upload.Dragger accept=".txt,.csv,text/plain,text/csv" maxCount={1} showUploadList={false} beforeUpload={readFile} data-testid="tags-bulk-phones-file">
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">点击或拖入 .txt / .csv 文件</p>
              <p className="ant-upload-hint">CSV 取第一列；首行没有数字时视为表头</p>
            </Upload.Dragger>
            <Input.TextArea
              data-testid="tags-bulk-phones-text"
              style={{ marginTop: 12 }}
              rows={8}
              placeholder={'或直接粘贴，每行一个号码，例如：\n13800138000\n+86 139 0013 9000'}
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                setFileName(null);
              }}
            />
            <Typography.Text type={tooMany ? 'danger' : 'secondary'}>
              {fileName ? `${fileName}：` : ''}
              {count.toLocaleString('zh-CN')} 个号码{tooMany ? `，超过 ${BULK_PHONES_MAX.toLocaleString('zh-CN')} 行，请拆分文件` : ''}
            </Typography.Text>
          </Form.Item>
          <Space>
            <Button
              data-testid="tags-bulk-phones-dryrun"
              loading={run.isPending && run.variables === true}
              disabled={!tagId || count === 0 || tooMany}
              onClick={() => form.validateFields().then(() => run.mutate(true))}
            >
              预检
            </Button>
            <Popconfirm
              title="确认打标签"
              description={report && checked === key ? `将为 ${report.matched} 位顾客打上标签` : undefined}
              okText="确认"
              cancelText="取消"
              onConfirm={() => run.mutate(false)}
              disabled={checked !== key || !report || report.matched === 0}
            >
              <Button type="primary" data-testid="tags-bulk-phones-apply" loading={run.isPending && run.variables === false} disabled={checked !== key || !report || report.matched === 0}>
                确认打标签
              </Button>
            </Popconfirm>
          </Space>
        </Form>
      </Card>
      {report && (
        <Card title={report.applied ? '打标签结果' : '预检结果'} style={{ marginTop: 16 }}>
          <PhoneReport report={report} />
        </Card>
      )}
    </PageContainer>
  );
}
