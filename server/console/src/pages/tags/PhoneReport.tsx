import { Alert, Descriptions, Space, Tag, Typography } from 'antd';
import type { BulkPhonesReport } from '@o2o/shared';

const LINES_SHOWN = 50;

/**
 * What a phone-list tagging did (or, in a dry run, would do): matched customers, numbers with no customer (masked,
 * first 20), invalid lines and repeats. Used after 预检 and after 确认打标签.
 */
export function PhoneReport({ report, tagName }: { report: BulkPhonesReport; tagName?: string }) {
  const r = report;
  const moreLines = r.invalid.count - Math.min(r.invalid.lines.length, LINES_SHOWN);
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="tags-bulk-phones-report">
      {r.applied ? (
        <Alert
          type="success"
          showIcon
          message={`已为 ${r.matched} 位顾客打上${tagName ? `「${tagName}」` : '标签'}`}
          description={r.changed < r.matched ? `其中 ${r.matched - r.changed} 位已有该标签，未改动（新增 ${r.changed}）。` : `新增 ${r.changed} 条标签。`}
        />
      ) : (
        <Alert
          type={r.matched > 0 ? 'info' : 'warning'}
          showIcon
          message={r.matched > 0 ? `预检完成：将为 ${r.matched} 位顾客打标签` : '预检完成：没有匹配到任何顾客'}
          description="预检不做任何修改。确认无误后点击“确认打标签”。"
        />
      )}
      <Descriptions size="small" column={3} bordered>
        <Descriptions.Item label="提交行数">{r.total}</Descriptions.Item>
        <Descriptions.Item label="有效号码">{r.distinct}</Descriptions.Item>
        <Descriptions.Item label="重复号码">{r.duplicates}</Descriptions.Item>
        <Descriptions.Item label="匹配顾客">
          <Typography.Text strong type="success" data-testid="tags-bulk-phones-matched">
            {r.matched}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label="未找到">
          <Typography.Text data-testid="tags-bulk-phones-not-found">{r.notFound.count}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label="格式无效">
          <Typography.Text type={r.invalid.count ? 'danger' : undefined} data-testid="tags-bulk-phones-invalid">
            {r.invalid.count}
          </Typography.Text>
        </Descriptions.Item>
      </Descriptions>
      {r.notFound.count > 0 && (
        <div>
          <Typography.Text type="secondary">未找到的号码{r.notFound.count > r.notFound.sample.length ? `（前 ${r.notFound.sample.length} 个）` : ''}：</Typography.Text>
          <div>
            {r.notFound.sample.map((p, i) => (
              <Tag key={`${p}-${i}`}>{p}</Tag>
            ))}
          </div>
        </div>
      )}
      {r.invalid.count > 0 && (
        <div>
          <Typography.Text type="secondary">格式无效的行号（需为 11 位大陆手机号）：</Typography.Text>
          <div data-testid="tags-bulk-phones-invalid-lines">
            {r.invalid.lines.slice(0, LINES_SHOWN).join('、')}
            {moreLines > 0 && ` 等，另有 ${moreLines} 行`}
          </div>
        </div>
      )}
    </Space>
  );
}
