import { PageContainer } from '@ant-design/pro-components';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Descriptions, Result, Skeleton, Space, Table, Tag, Typography } from 'antd';
import type { ConsoleOrderDetail, CouponStatus, OrderLineView, RefundView } from '@o2o/shared';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { getOrder } from '../../api/orders';
import { useStaff } from '../../app/session';
import { RefundConfirm } from '../../components/RefundConfirm';
import { KIND_LABEL } from '../coupons/coupon-text';
import { canRefund, ORDER_CHANNEL, ORDER_STATUS, REFUND_STATUS, shanghai, yuan } from './format';

const COUPON_STATUS: Record<CouponStatus, string> = { issued: '未使用', locked: '下单占用', redeemed: '已使用', expired: '已过期', revoked: '已作废' };
const NOTIFY_STATUS: Record<string, { text: string; color: string }> = {
  processed: { text: '已处理', color: 'green' },
  quarantined: { text: '已隔离', color: 'red' },
  ignored: { text: '已忽略', color: 'default' },
};

/** 订单详情: lines, amounts, points, coupon, refunds and the payment notifications of one order; the refund action. */
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
  return (
    <PageContainer
      title={`订单 ${o.outTradeNo}`}
      tags={<Tag color={status.color}>{status.text}</Tag>}
      onBack={() => navigate('/orders')}
      extra={
        canRefund(role) && o.refundableFen > 0 ? (
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
            <Descriptions.Item label="渠道">{ORDER_CHANNEL[o.channel]}</Descriptions.Item>
            <Descriptions.Item label="门店">{d.store ? d.store.name : `#${o.storeId}`}</Descriptions.Item>
            <Descriptions.Item label="顾客">
              <Link to={`/customers/${d.customer.id}`}>{d.customer.phoneMasked ?? `粉丝 #${d.customer.id}`}</Link>
              {d.customer.isMember && <Tag style={{ marginLeft: 8 }}>会员</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label="导购">{d.clerk ? d.clerk.name : '—'}</Descriptions.Item>
            <Descriptions.Item label="顾客当前积分">{d.customer.pointsBalance}</Descriptions.Item>
            <Descriptions.Item label="下单时间">{shanghai(o.createdAt)}</Descriptions.Item>
            <Descriptions.Item label="支付时间">{shanghai(o.paidAt)}</Descriptions.Item>
            {o.closedAt && <Descriptions.Item label="关闭时间">{shanghai(o.closedAt)}</Descriptions.Item>}
          </Descriptions>
        </Card>
        <Card title="金额与积分" size="small">
          <Descriptions column={3} size="small">
            <Descriptions.Item label="商品金额">{yuan(o.totalFen)}</Descriptions.Item>
            <Descriptions.Item label="会员价优惠">{o.memberSavingFen > 0 ? yuan(o.memberSavingFen) : '—'}</Descriptions.Item>
            <Descriptions.Item label="优惠券抵扣">{o.couponDiscountFen > 0 ? `−${yuan(o.couponDiscountFen)}` : '—'}</Descriptions.Item>
            <Descriptions.Item label="积分抵现">{o.pointsDeductionFen > 0 ? `−${yuan(o.pointsDeductionFen)}` : '—'}</Descriptions.Item>
            <Descriptions.Item label="实付">
              <Typography.Text strong>{yuan(o.payableFen)}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label="已退款">
              {yuan(o.refundedFen)}
              {o.refundPendingFen > 0 && <Typography.Text type="secondary">（退款中 {yuan(o.refundPendingFen)}）</Typography.Text>}
            </Descriptions.Item>
            <Descriptions.Item label="可退金额">{yuan(o.refundableFen)}</Descriptions.Item>
            <Descriptions.Item label="使用积分">
              {o.pointsUsed} 分{o.pointsUsedReturned > 0 && <Typography.Text type="secondary">（已退还 {o.pointsUsedReturned}）</Typography.Text>}
            </Descriptions.Item>
            <Descriptions.Item label="赠送积分">
              {o.pointsEarned} 分{o.pointsEarnedReversed > 0 && <Typography.Text type="secondary">（已扣回 {o.pointsEarnedReversed}）</Typography.Text>}
            </Descriptions.Item>
            <Descriptions.Item label="优惠券">
              {d.coupon ? (
                <>
                  {d.coupon.title} <Tag>{KIND_LABEL[d.coupon.kind]}</Tag>
                  <Typography.Text type="secondary">{COUPON_STATUS[d.coupon.status]}</Typography.Text>
                </>
              ) : (
                '未使用'
              )}
            </Descriptions.Item>
          </Descriptions>
        </Card>
        <Card title="商品" size="small">
          <Table<OrderLineView>
            rowKey="sku"
            size="small"
            pagination={false}
            dataSource={o.items}
            columns={[
              { title: 'SKU', dataIndex: 'sku' },
              { title: '商品', dataIndex: 'name' },
              { title: '数量', dataIndex: 'quantity', align: 'right' },
              { title: '单价', key: 'price', align: 'right', render: (_, l) => yuan(l.unitPriceFen) },
              { title: '现金 + 积分', key: 'member', align: 'right', render: (_, l) => (l.unitPoints > 0 ? `${yuan(l.unitCashFen)} + ${l.unitPoints} 分` : yuan(l.unitCashFen)) },
              { title: '小计', key: 'line', align: 'right', render: (_, l) => yuan(l.unitCashFen * l.quantity) },
            ]}
          />
        </Card>
        <Card title="退款记录" size="small">
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
                  r.status === 'success' ? `退还 ${r.pointsReturned}，扣回 ${r.pointsReversed}${r.pointsUnrecovered > 0 ? `，未追回 ${r.pointsUnrecovered}` : ''}` : '—',
              },
              { title: '申请时间', key: 'createdAt', render: (_, r) => shanghai(r.createdAt) },
              { title: '完成时间', key: 'completedAt', render: (_, r) => shanghai(r.completedAt) },
            ]}
          />
        </Card>
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
