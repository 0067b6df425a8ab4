import { PageContainer, ProDescriptions } from '@ant-design/pro-components';
import { useQuery } from '@tanstack/react-query';
import { App, Button, Card, Result, Skeleton, Space, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { tagHint, tagLabel } from '@o2o/shared';
import type {
  ConsoleClerkAssignment,
  ConsoleCustomerCoupon,
  ConsoleCustomerDetail,
  ConsoleCustomerOrder,
  ConsoleLedgerItem,
  ConsoleScan,
  CustomerTab,
  CustomerTagDetail,
  Page,
} from '@o2o/shared';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { getCustomerDetail, getCustomerTab } from '../../api/customers';
import { useStaff } from '../../app/session';
import { ORDER_CHANNEL, ORDER_STATUS, shanghai, yuan } from '../orders/format';
import { BINDING_RULE, COUPON_SOURCE, COUPON_STATUS, POINTS_REASON, TAG_GROUP, TAG_SOURCE } from './labels';
import { PointsAdjustModal } from './PointsAdjustModal';

/**
 * One tab's rows: the detail's first page, then more by keyset cursor (加载更多). Restarts when the detail is
 * reloaded (after an adjustment, say).
 */
function TabTable<T extends { id: number }>({ customerId, tab, first, columns, testId }: { customerId: number; tab: CustomerTab; first: Page<T>; columns: ColumnsType<T>; testId: string }) {
  const { message } = App.useApp();
  const [rows, setRows] = useState<T[]>(first.items);
  const [cursor, setCursor] = useState<string | null>(first.nextCursor);
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    setRows(first.items);
    setCursor(first.nextCursor);
  }, [first]);
  const more = async () => {
    if (!cursor) return;
    setLoading(true);
    try {
      const page = await getCustomerTab<T>(customerId, tab, cursor);
      setRows((r) => [...r, ...page.items]);
      setCursor(page.nextCursor);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setLoading(false);
    }
  };
  return (
    <div data-testid={testId}>
      <Table<T> rowKey="id" size="small" columns={columns} dataSource={rows} pagination={false} scroll={{ x: 'max-content' }} />
      {cursor && (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Button loading={loading} onClick={() => void more()}>
            加载更多
          </Button>
        </div>
      )}
    </div>
  );
}

const signed = (n: number) => (n > 0 ? <Typography.Text type="success">+{n}</Typography.Text> : <Typography.Text type="danger">{n}</Typography.Text>);

const TAG_COLUMNS: ColumnsType<CustomerTagDetail> = [
  {
    title: '标签',
    dataIndex: 'name',
    render: (_, t) => (
      <Tooltip title={tagHint(t)}>
        <Tag>{tagLabel(t)}</Tag>
      </Tooltip>
    ),
  },
  { title: '分组', dataIndex: 'group', render: (_, t) => TAG_GROUP[t.group] },
  { title: '来源', dataIndex: 'source', render: (_, t) => <Tag color={TAG_SOURCE[t.source].color}>{TAG_SOURCE[t.source].text}</Tag> },
  { title: '来源说明', dataIndex: 'sourceRef', render: (_, t) => sourceRefText(t) },
  { title: '打标时间', dataIndex: 'taggedAt', render: (_, t) => shanghai(t.taggedAt) },
  { title: '到期', dataIndex: 'expiresAt', render: (_, t) => (t.expiresAt ? shanghai(t.expiresAt) : '长期') },
];

const RULE_REF: Record<string, string> = { lifecycle: '生命周期规则', rfm: 'RFM 规则', preference: '近期消费品类' };

/** `staff:12` → 员工 #12, a qr code id → 码 #id; the rest as stored. */
function sourceRefText(t: CustomerTagDetail): string {
  if (!t.sourceRef) return '—';
  const staff = /^staff:(\d+)$/.exec(t.sourceRef);
  if (staff) return `员工 #${staff[1]}`;
  if (t.source === 'qr' && /^\d+$/.test(t.sourceRef)) return `二维码 #${t.sourceRef}`;
  return RULE_REF[t.sourceRef] ?? t.sourceRef;
}

const LEDGER_COLUMNS: ColumnsType<ConsoleLedgerItem> = [
  { title: '时间', dataIndex: 'createdAt', render: (_, r) => shanghai(r.createdAt), width: 150 },
  { title: '类型', dataIndex: 'reason', render: (_, r) => POINTS_REASON[r.reason] ?? r.reason },
  { title: '变动', dataIndex: 'delta', align: 'right', render: (_, r) => signed(r.delta) },
  { title: '变动后', dataIndex: 'balanceAfter', align: 'right' },
  { title: '说明', key: 'note', render: (_, r) => r.note ?? (r.refType === 'order' ? `订单 #${r.refId}` : '—') },
];

const ORDER_COLUMNS: ColumnsType<ConsoleCustomerOrder> = [
  { title: '订单号', dataIndex: 'outTradeNo', render: (_, o) => <Link to={`/orders/${o.id}`}>{o.outTradeNo}</Link> },
  { title: '渠道', dataIndex: 'channel', render: (_, o) => ORDER_CHANNEL[o.channel] },
  { title: '门店', key: 'store', render: (_, o) => o.store?.name ?? '—' },
  { title: '状态', dataIndex: 'status', render: (_, o) => <Tag color={ORDER_STATUS[o.status].color}>{ORDER_STATUS[o.status].text}</Tag> },
  { title: '商品金额', dataIndex: 'totalFen', align: 'right', render: (_, o) => yuan(o.totalFen) },
  { title: '实付', dataIndex: 'payableFen', align: 'right', render: (_, o) => yuan(o.payableFen) },
  { title: '已退款', dataIndex: 'refundedFen', align: 'right', render: (_, o) => (o.refundedFen ? yuan(o.refundedFen) : '—') },
  { title: '积分', key: 'points', render: (_, o) => `用 ${o.pointsUsed} / 得 ${o.pointsEarned}` },
  { title: '下单时间', dataIndex: 'createdAt', render: (_, o) => shanghai(o.createdAt) },
];

const COUPON_COLUMNS: ColumnsType<ConsoleCustomerCoupon> = [
  { title: '券', dataIndex: 'title' },
  { title: '状态', dataIndex: 'status', render: (_, c) => <Tag color={COUPON_STATUS[c.status].color}>{COUPON_STATUS[c.status].text}</Tag> },
  { title: '来源', dataIndex: 'source', render: (_, c) => COUPON_SOURCE[c.source] },
  { title: '有效期', key: 'validity', render: (_, c) => `${shanghai(c.validFrom)} 至 ${shanghai(c.validTo)}` },
  { title: '领取时间', dataIndex: 'issuedAt', render: (_, c) => shanghai(c.issuedAt) },
  { title: '使用时间', dataIndex: 'redeemedAt', render: (_, c) => shanghai(c.redeemedAt) },
];

const ASSIGNMENT_COLUMNS: ColumnsType<ConsoleClerkAssignment> = [
  { title: '时间', dataIndex: 'at', render: (_, a) => shanghai(a.at) },
  { title: '原导购', key: 'from', render: (_, a) => a.from?.name ?? '—' },
  { title: '新导购', key: 'to', render: (_, a) => a.to.name },
  { title: '方式', dataIndex: 'rule', render: (_, a) => BINDING_RULE[a.rule] },
  { title: '操作人', key: 'actor', render: (_, a) => a.actor?.name ?? '扫码' },
  { title: '原因', dataIndex: 'reason', render: (_, a) => a.reason ?? '—' },
];

const SCAN_COLUMNS: ColumnsType<ConsoleScan> = [
  { title: '时间', dataIndex: 'scannedAt', render: (_, s) => shanghai(s.scannedAt) },
  { title: '码', dataIndex: 'code', render: (_, s) => <Typography.Text code>{s.code ?? `#${s.qrCodeId}`}</Typography.Text> },
  { title: '类型', dataIndex: 'ownerType', render: (_, s) => (s.ownerType === 'clerk' ? '导购码' : s.ownerType === 'store' ? '门店码' : '—') },
  { title: '门店', key: 'store', render: (_, s) => s.store?.name ?? '—' },
  { title: '导购', key: 'clerk', render: (_, s) => s.clerk?.name ?? '—' },
];

/** 顾客详情: profile (masked phone, consent, owning clerk with protection) and tabs; 调整积分 for admins. */
export default function CustomerDetailPage() {
  const id = Number(useParams().id);
  const navigate = useNavigate();
  const isAdmin = useStaff()?.role === 'admin';
  const [adjusting, setAdjusting] = useState(false);
  const q = useQuery({ queryKey: ['customer', id], queryFn: () => getCustomerDetail(id), enabled: Number.isSafeInteger(id) && id > 0 });
  const back = () => navigate('/customers');

  if (q.isError)
    return (
      <PageContainer title="顾客详情" onBack={back}>
        <Result status="warning" title="无法打开这位顾客" subTitle={(q.error as Error).message} extra={<Button onClick={() => void q.refetch()}>重试</Button>} />
      </PageContainer>
    );
  if (!q.data)
    return (
      <PageContainer title="顾客详情" onBack={back}>
        <Skeleton active />
      </PageContainer>
    );
  const c: ConsoleCustomerDetail = q.data;
  const protectedNow = c.clerk ? Date.parse(c.clerk.protectedUntil) > Date.now() : false;

  return (
    <PageContainer
      title={c.phoneMasked ?? `粉丝 #${c.id}`}
      tags={c.isMember ? <Tag color="red">会员</Tag> : <Tag>粉丝</Tag>}
      onBack={back}
      extra={
        isAdmin && c.isMember ? (
          <Button type="primary" data-testid="points-adjust-button" onClick={() => setAdjusting(true)}>
            调整积分
          </Button>
        ) : undefined
      }
    >
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        <Card size="small" title="顾客信息">
          <ProDescriptions<ConsoleCustomerDetail> column={3} dataSource={c} size="small">
            <ProDescriptions.Item label="手机号">{c.phoneMasked ?? '未绑定（粉丝）'}</ProDescriptions.Item>
            <ProDescriptions.Item label="顾客 ID">{c.id}</ProDescriptions.Item>
            <ProDescriptions.Item label="入会时间">{shanghai(c.memberSince)}</ProDescriptions.Item>
            <ProDescriptions.Item label="等级">{c.level}</ProDescriptions.Item>
            <ProDescriptions.Item label="积分">
              <Typography.Text strong data-testid="customer-balance">
                {c.pointsBalance}
              </Typography.Text>
            </ProDescriptions.Item>
            <ProDescriptions.Item label="营销授权">
              {c.marketingConsent ? <Tag color="green">接收个性化营销</Tag> : <Tag color="orange">已拒绝个性化营销</Tag>}
            </ProDescriptions.Item>
            <ProDescriptions.Item label="归属门店">{c.store?.name ?? '—'}</ProDescriptions.Item>
            <ProDescriptions.Item label="专属导购">
              {c.clerk ? (
                <Space size={4}>
                  {c.clerk.name}
                  {c.clerk.status === 'left' && <Tag>已离职</Tag>}
                  <Tooltip title={`${BINDING_RULE[c.clerk.rule]}，绑定于 ${shanghai(c.clerk.boundAt)}`}>
                    <Tag color={protectedNow ? 'blue' : 'default'}>{protectedNow ? `保护至 ${shanghai(c.clerk.protectedUntil)}` : '保护期已过'}</Tag>
                  </Tooltip>
                </Space>
              ) : (
                '—'
              )}
            </ProDescriptions.Item>
            <ProDescriptions.Item label="首次扫码">{shanghai(c.firstScanAt)}</ProDescriptions.Item>
            <ProDescriptions.Item label="最近到店">{shanghai(c.lastVisitAt)}</ProDescriptions.Item>
            <ProDescriptions.Item label="最近购买">{shanghai(c.lastPurchaseAt)}</ProDescriptions.Item>
            <ProDescriptions.Item label="订单数">{c.orderCount}</ProDescriptions.Item>
            <ProDescriptions.Item label="累计消费">{yuan(c.totalSpendFen)}</ProDescriptions.Item>
          </ProDescriptions>
        </Card>
        <Card size="small">
          <Tabs
            items={[
              { key: 'tags', label: `标签 (${c.tags.length})`, children: <Table rowKey="tagId" size="small" columns={TAG_COLUMNS} dataSource={c.tags} pagination={false} data-testid="customer-tags" /> },
              { key: 'ledger', label: '积分明细', children: <TabTable customerId={c.id} tab="ledger" first={c.ledger} columns={LEDGER_COLUMNS} testId="customer-ledger" /> },
              { key: 'orders', label: '订单', children: <TabTable customerId={c.id} tab="orders" first={c.orders} columns={ORDER_COLUMNS} testId="customer-orders" /> },
              { key: 'coupons', label: '优惠券', children: <TabTable customerId={c.id} tab="coupons" first={c.coupons} columns={COUPON_COLUMNS} testId="customer-coupons" /> },
              { key: 'assignments', label: '导购变更', children: <TabTable customerId={c.id} tab="assignments" first={c.assignments} columns={ASSIGNMENT_COLUMNS} testId="customer-assignments" /> },
              { key: 'scans', label: '扫码记录', children: <TabTable customerId={c.id} tab="scans" first={c.scans} columns={SCAN_COLUMNS} testId="customer-scans" /> },
            ]}
          />
        </Card>
      </Space>
      {isAdmin && <PointsAdjustModal customerId={c.id} balance={c.pointsBalance} open={adjusting} onOpenChange={setAdjusting} onDone={() => setAdjusting(false)} />}
    </PageContainer>
  );
}
