import { PageContainer } from '@ant-design/pro-components';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Descriptions, Result, Row, Skeleton, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ConsoleOrderDetail, ConsoleOrderLineView, CouponStatus, RefundView } from '@o2o/shared';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { getOrder } from '../../api/orders';
import { useStaff } from '../../app/session';
import { RefundConfirm } from '../../components/RefundConfirm';
import { KIND_LABEL } from '../coupons/coupon-text';
import { canRefund, isInStore, minusYuan, ORDER_CHANNEL, ORDER_CHANNEL_COLOR, ORDER_STATUS, pts, REFUND_STATUS, shanghai, WORDS, yuan } from './format';

const COUPON_STATUS: Record<CouponStatus, string> = { issued: '未使用', locked: '下单占用', redeemed: '已使用', expired: '已过期', revoked: '已作废' };
const NOTIFY_STATUS: Record<string, { text: string; color: string }> = {
  processed: { text: '已处理', color: 'green' },
  quarantined: { text: '已隔离', color: 'red' },
  ignored: { text: '已忽略', color: 'default' },
};

/** "¥24.90 + 20 积分" (member price spending points), "¥29.90 送 30 积分" (giving them), or the cash alone. */
const cashAndPoints = (fen: number, points: number, given = 0) => (points > 0 ? `${yuan(fen)} + ${pts(points)}` : given > 0 ? `${yuan(fen)} 送 ${pts(given)}` : yuan(fen));

/** 取货 of a pre-order: 已取货 (when, by whom), 待取货 with the pickup code once paid, else nothing to pick up. */
function pickupText(d: ConsoleOrderDetail): ReactNode {
  const o = d.order;
  if (o.pickedUpAt)
    return (
      <span data-testid="order-pickup">
        <Tag color="green">已取货</Tag>
        {shanghai(o.pickedUpAt)}
        {d.pickedUpBy && <Typography.Text type="secondary">（{d.pickedUpBy.name}）</Typography.Text>}
      </span>
    );
  if (o.pickupCode) return <span data-testid="order-pickup">待取货 · 取货码 {o.pickupCode}</span>;
  return '—';
}

/**
 * 订单详情: lines, amounts, points, coupon, refunds and the payment notifications of one order; the refund action.
 * Amounts read as a receipt in the mini-program's words (format.ts WORDS): 商品原价 − 会员价已省 − 优惠券 − 积分抵现 = 实付.
 */
export default function OrderDetailPage() {
  const id = Number(useParams().id);
  const navigate = useNavigate();
  const role = useStaff()?.role;
  const [refundOpen, setRefundOpen] = useState(false);
  const q = useQuery({ queryKey: ['order', id], queryFn: () => getOrder(id), enabled: Number.isSafeInteger(id) && id > 0 });

  if (q.isError)
    return (
      <PageContainer title="订单详情" onBack={() => navigate('/orders')}>
        <Result status="warning" title="无法打开这笔订单" subTitle={(q.error as Error).message} extra={<Button onClick={() => void q.refetch()}>重试</Button>} />
      </PageContainer>
    );
  if (!q.data)
    return (
      <PageContainer title="订单详情" onBack={() => navigate('/orders')}>
        <Skeleton active />
      </PageContainer>
    );

  const d: ConsoleOrderDetail = q.data;
  const o = d.order;
  const status = ORDER_STATUS[o.status];
  const inStore = isInStore(o.channel);
  return (
    <PageContainer
      title={`订单 ${o.outTradeNo}`}
      tags={
        <>
          <Tag color={status.color}>{status.text}</Tag>
          {o.pickedUpAt && <Tag color="green">已取货</Tag>}
        </>
      }
      onBack={() => navigate('/orders')}
      extra={
        // An in-store sale was paid at the till, not through WeChat Pay: it is returned by receipt at the till.
        inStore ? (
          <Typography.Text type="secondary">到店销售的退货在门店收银端按小票办理</Typography.Text>
        ) : canRefund(role) && o.refundableFen > 0 ? (
          <Button danger data-testid="order-refund-button" onClick={() => setRefundOpen(true)}>
            退款
          </Button>
        ) : undefined
      }
    >
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        <Card title="订单信息" size="small">
          <Descriptions column={3} size="small">
            <Descriptions.Item label="订单号">
              <Typography.Text copyable>{o.outTradeNo}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label="渠道">
              <Tag color={ORDER_CHANNEL_COLOR[o.channel]}>{ORDER_CHANNEL[o.channel]}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label="门店">{d.store ? d.store.name : `#${o.storeId}`}</Descriptions.Item>
            {o.receiptNo && (
              <Descriptions.Item label="小票号">
                <Typography.Text copyable data-testid="order-receipt-no">
                  {o.receiptNo}
                </Typography.Text>
              </Descriptions.Item>
            )}
            {d.terminal && (
              <Descriptions.Item label="收银机">
                <Tooltip title={`Key ID ${d.terminal.keyId}`}>
                  <span data-testid="order-terminal">{d.terminal.name}</span>
                </Tooltip>
              </Descriptions.Item>
            )}
            {d.cashier && <Descriptions.Item label="收银员">{d.cashier.name}</Descriptions.Item>}
            {!inStore && <Descriptions.Item label="取货">{pickupText(d)}</Descriptions.Item>}
            <Descriptions.Item label="顾客">
              <Link to={`/customers/${d.customer.id}`}>{d.customer.phoneMasked ?? `粉丝 #${d.customer.id}`}</Link>
              {d.customer.isMember && <Tag style={{ marginLeft: 8 }}>会员</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label="导购">{d.clerk ? d.clerk.name : '—'}</Descriptions.Item>
            <Descriptions.Item label="下单时间">{shanghai(o.createdAt)}</Descriptions.Item>
            <Descriptions.Item label="支付时间">{shanghai(o.paidAt)}</Descriptions.Item>
            {o.closedAt && <Descriptions.Item label="关闭时间">{shanghai(o.closedAt)}</Descriptions.Item>}
          </Descriptions>
        </Card>
        <Row gutter={16}>
          <Col xs={24} lg={13}>
            <Card title="金额" size="small" style={{ height: '100%' }} data-testid="order-amounts">
              <Descriptions column={1} size="small" bordered styles={{ label: { width: 128, whiteSpace: 'nowrap' } }}>
                <Descriptions.Item label={WORDS.list}>{yuan(o.listFen)}</Descriptions.Item>
                <Descriptions.Item label={WORDS.memberSaving}>{minusYuan(o.memberSavingFen)}</Descriptions.Item>
                <Descriptions.Item label={WORDS.coupon}>
                  {minusYuan(o.couponDiscountFen)}
                  {d.coupon && (
                    <span style={{ marginLeft: 8 }}>
                      {d.coupon.title} <Tag>{KIND_LABEL[d.coupon.kind]}</Tag>
                      <Typography.Text type="secondary">{COUPON_STATUS[d.coupon.status]}</Typography.Text>
                    </span>
                  )}
                </Descriptions.Item>
                <Descriptions.Item label={WORDS.pointsCash}>
                  {minusYuan(o.pointsDeductionFen)}
                  {o.offsetPoints > 0 && <Typography.Text type="secondary">（{pts(o.offsetPoints)}）</Typography.Text>}
                </Descriptions.Item>
                <Descriptions.Item label={WORDS.payable}>
                  <Typography.Text strong>{yuan(o.payableFen)}</Typography.Text>
                </Descriptions.Item>
                <Descriptions.Item label="已退款">
                  {o.refundedFen > 0 ? yuan(o.refundedFen) : '—'}
                  {o.refundPendingFen > 0 && <Typography.Text type="secondary">（退款中 {yuan(o.refundPendingFen)}）</Typography.Text>}
                </Descriptions.Item>
                <Descriptions.Item label="可退金额">{yuan(o.refundableFen)}</Descriptions.Item>
              </Descriptions>
            </Card>
          </Col>
          <Col xs={24} lg={11}>
            <Card title="积分" size="small" style={{ height: '100%' }} data-testid="order-points">
              <Descriptions column={1} size="small" bordered styles={{ label: { width: 128, whiteSpace: 'nowrap' } }}>
                <Descriptions.Item label={WORDS.memberPoints}>{o.memberPoints > 0 ? pts(o.memberPoints) : '—'}</Descriptions.Item>
                <Descriptions.Item label={WORDS.pointsCash}>
                  {o.offsetPoints > 0 ? (
                    <>
                      {pts(o.offsetPoints)}
                      <Typography.Text type="secondary">（抵 {yuan(o.pointsDeductionFen)}）</Typography.Text>
                    </>
                  ) : (
                    '—'
                  )}
                </Descriptions.Item>
                <Descriptions.Item label={WORDS.pointsUsed}>
                  <Typography.Text strong>{pts(o.pointsUsed)}</Typography.Text>
                  {o.pointsUsed > 0 && <Typography.Text type="secondary">（下单时扣除）</Typography.Text>}
                </Descriptions.Item>
                <Descriptions.Item label={WORDS.pointsEarned}>
                  {pts(o.pointsEarned)}
                  {o.pointsEarned > 0 && <Typography.Text type="secondary">（支付后发放{o.pointsGiven > 0 ? `，含${WORDS.pointsGiven} ${pts(o.pointsGiven)}` : ''}）</Typography.Text>}
                </Descriptions.Item>
                {o.pointsUsedReturned > 0 && <Descriptions.Item label="退款返还">+{pts(o.pointsUsedReturned)}</Descriptions.Item>}
                {o.pointsEarnedReversed > 0 && <Descriptions.Item label="退款扣回">−{pts(o.pointsEarnedReversed)}</Descriptions.Item>}
                <Descriptions.Item label="顾客当前积分">{pts(d.customer.pointsBalance)}</Descriptions.Item>
              </Descriptions>
            </Card>
          </Col>
        </Row>
        <Card title="商品" size="small">
          <Table<ConsoleOrderLineView>
            rowKey="sku"
            size="small"
            pagination={false}
            dataSource={o.items}
            columns={[
              { title: 'SKU', dataIndex: 'sku' },
              { title: '商品', dataIndex: 'name' },
              { title: '数量', dataIndex: 'quantity', align: 'right' },
              { title: '原价', key: 'price', align: 'right', render: (_, l) => yuan(l.unitPriceFen) },
              { title: '成交单价', key: 'unit', align: 'right', render: (_, l) => cashAndPoints(l.unitCashFen, l.unitPoints, l.unitPointsGiven) },
              { title: '小计', key: 'line', align: 'right', render: (_, l) => cashAndPoints(l.unitCashFen * l.quantity, l.unitPoints * l.quantity, l.unitPointsGiven * l.quantity) },
              ...(o.items.some((l) => l.returnedQuantity > 0)
                ? [{ title: '已退货', key: 'returned', align: 'right' as const, render: (_: unknown, l: ConsoleOrderLineView) => (l.returnedQuantity > 0 ? l.returnedQuantity : '—') }]
                : []),
            ]}
          />
        </Card>
        <Card title={inStore ? '退货记录' : '退款记录'} size="small">
          <Table<RefundView>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={d.refunds}
            locale={{ emptyText: '暂无退款' }}
            columns={[
              { title: '退款单号', dataIndex: 'outRefundNo' },
              { title: '金额', key: 'amount', align: 'right', render: (_, r) => yuan(r.amountFen) },
              { title: '原因', dataIndex: 'reason' },
              { title: '状态', key: 'status', render: (_, r) => <Tag color={REFUND_STATUS[r.status].color}>{REFUND_STATUS[r.status].text}</Tag> },
              {
                title: '积分',
                key: 'points',
                render: (_, r) =>
                  r.status === 'success' ? `退款返还 ${pts(r.pointsReturned)}，退款扣回 ${pts(r.pointsReversed)}${r.pointsUnrecovered > 0 ? `，未追回 ${pts(r.pointsUnrecovered)}` : ''}` : '—',
              },
              { title: '申请时间', key: 'createdAt', render: (_, r) => shanghai(r.createdAt) },
              { title: '完成时间', key: 'completedAt', render: (_, r) => shanghai(r.completedAt) },
            ]}
          />
        </Card>
        {!inStore && (
          <Card title="支付通知" size="small">
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={d.payNotifications}
              locale={{ emptyText: '暂无通知' }}
              columns={[
                { title: 'ID', dataIndex: 'id' },
                { title: '通知 ID', dataIndex: 'notifyId' },
                { title: '类型', key: 'kind', render: (_, n) => (n.kind === 'transaction' ? '支付' : '退款') },
                { title: '事件', dataIndex: 'eventType' },
                { title: '状态', key: 'status', render: (_, n) => <Tag color={NOTIFY_STATUS[n.status]?.color}>{NOTIFY_STATUS[n.status]?.text ?? n.status}</Tag> },
                { title: '说明', key: 'reason', render: (_, n) => n.reason || '—' },
                { title: '收到时间', key: 'createdAt', render: (_, n) => shanghai(n.createdAt) },
              ]}
            />
          </Card>
        )}
      </Space>
      <RefundConfirm
        order={{ id: o.id, outTradeNo: o.outTradeNo, payableFen: o.payableFen, refundableFen: o.refundableFen }}
        open={refundOpen}
        onClose={() => setRefundOpen(false)}
        onDone={() => void q.refetch()}
      />
    </PageContainer>
  );
}
