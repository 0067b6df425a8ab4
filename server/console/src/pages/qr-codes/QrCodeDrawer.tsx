import { useQuery } from '@tanstack/react-query';
import { Alert, Descriptions, Divider, Drawer, Image, Spin, Tag, Typography } from 'antd';
import { qrTimeline } from '../../api/qr-codes';
import { ScheduleTimeline } from '../../components/ScheduleTimeline';
import { OWNER_TYPE, shanghai, yuan } from './format';

/** A code's detail: who it belongs to, its figures, its mini-program image (signed URL) and its schedule timeline. */
export function QrCodeDrawer({ id, onClose }: { id: number | null; onClose: () => void }) {
  const q = useQuery({ queryKey: ['qr-codes', 'timeline', id], queryFn: () => qrTimeline(id!), enabled: id !== null });
  const c = q.data?.qrCode;
  return (
    <Drawer title={c ? `二维码 ${c.code}` : '二维码'} width={560} open={id !== null} onClose={onClose} destroyOnHidden data-testid="qr-drawer">
      {q.isLoading && <Spin />}
      {q.error && <Alert type="error" showIcon message={(q.error as Error).message} />}
      {c && (
        <>
          {/* one figure per item, labels on one line (a 2-column grid in a 560 px drawer leaves ~70 px per label) */}
          <Descriptions column={2} size="small" bordered styles={{ label: { width: 76, whiteSpace: 'nowrap' } }}>
            <Descriptions.Item label="类型">
              <Tag color={OWNER_TYPE[c.ownerType].color}>{OWNER_TYPE[c.ownerType].text}</Tag>
              {c.status === 'disabled' && <Tag>已停用</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label="导购">{c.staffName ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="门店" span={2}>
              {c.storeName} <Typography.Text type="secondary">{[c.storeCode, c.region].filter(Boolean).join(' · ')}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label="扫码">{c.scans ?? 0}</Descriptions.Item>
            <Descriptions.Item label="新粉丝">{c.newFans ?? 0}</Descriptions.Item>
            <Descriptions.Item label="新会员">
              {c.newMembers ?? 0}
              {c.conversion !== null && c.conversion !== undefined && <Typography.Text type="secondary">（转化 {(c.conversion * 100).toFixed(1)}%）</Typography.Text>}
            </Descriptions.Item>
            <Descriptions.Item label="成交">{c.orders ?? 0} 笔</Descriptions.Item>
            <Descriptions.Item label="销售额">
              {yuan(c.salesFen)}
              {(c.refundedFen ?? 0) > 0 && <Typography.Text type="secondary">（退款 {yuan(c.refundedFen)}）</Typography.Text>}
            </Descriptions.Item>
            <Descriptions.Item label="创建时间">{shanghai(c.createdAt)}</Descriptions.Item>
          </Descriptions>
          <Divider orientation="left">小程序码</Divider>
          <Image src={c.imageUrl} width={180} alt={`小程序码 ${c.code}`} fallback="data:image/gif;base64,R0lGODlhAQABAAAAACw=" />
          <div>
            <Typography.Text type="secondary">微信扫此码进入门店首页；打印的海报使用同一入口的普通二维码。</Typography.Text>
          </div>
          <Divider orientation="left">标签与扫码券排期</Divider>
          <ScheduleTimeline items={q.data!.items} />
        </>
      )}
    </Drawer>
  );
}
