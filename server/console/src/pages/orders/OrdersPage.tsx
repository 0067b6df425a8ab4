import { PageContainer, ProTable, type ActionType, type ProColumns } from '@ant-design/pro-components';
import { App, Button, Space, Tag, Typography } from 'antd';
import type { ConsoleOrderRow } from '@o2o/shared';
import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { listOrders } from '../../api/orders';
import { useStaff } from '../../app/session';
import { RefundConfirm, type RefundTarget } from '../../components/RefundConfirm';
import { showTotal, tableRequest } from '../../components/table';
import { canRefund, dayRange, ORDER_CHANNEL, ORDER_STATUS, refundableOf, shanghai, valueEnumOf, yuan } from './format';
import { StoreSelect } from './StoreSelect';

/** 订单: every order of the brand (a store manager: their store), filtered, with the detail and the refund. */
export default function OrdersPage() {
  const { message } = App.useApp();
  const role = useStaff()?.role;
  const isManager = role === 'store_manager';
  const actionRef = useRef<ActionType>();
  const capped = useRef(false);
  const [refunding, setRefunding] = useState<RefundTarget | null>(null);

  const columns: ProColumns<ConsoleOrderRow>[] = [
    {
      title: '订单号',
      dataIndex: 'outTradeNo',
      copyable: true,
      width: 250,
      render: (_, r) => <Link to={`/orders/${r.id}`}>{r.outTradeNo}</Link>,
      fieldProps: { placeholder: '完整订单号' },
    },
    {
      title: '顾客',
      dataIndex: 'customerPhoneMasked',
      hideInSearch: true,
      render: (_, r) => <Link to={`/customers/${r.customerId}`}>{r.customerPhoneMasked ?? `粉丝 #${r.customerId}`}</Link>,
    },
    { title: '顾客 ID', dataIndex: 'customerId', hideInTable: true, valueType: 'digit' },
    {
      title: '门店',
      dataIndex: 'storeId',
      hideInSearch: isManager,
      render: (_, r) => r.storeName ?? `#${r.storeId}`,
      renderFormItem: () => <StoreSelect />,
    },
    { title: '渠道', dataIndex: 'channel', valueType: 'select', valueEnum: valueEnumOf(ORDER_CHANNEL), width: 90 },
    { title: '商品金额', dataIndex: 'totalFen', hideInSearch: true, align: 'right', render: (_, r) => yuan(r.totalFen) },
    {
      title: '优惠',
      key: 'discount',
      hideInSearch: true,
      align: 'right',
      render: (_, r) => (r.couponDiscountFen + r.pointsDeductionFen > 0 ? `−${yuan(r.couponDiscountFen + r.pointsDeductionFen)}` : '—'),
    },
    { title: '实付', dataIndex: 'payableFen', hideInSearch: true, align: 'right', render: (_, r) => <Typography.Text strong>{yuan(r.payableFen)}</Typography.Text> },
    {
      title: '已退款',
      dataIndex: 'refundedFen',
      hideInSearch: true,
      align: 'right',
      render: (_, r) => (
        <>
          {r.refundedFen > 0 ? yuan(r.refundedFen) : '—'}
          {r.refundPendingFen > 0 && <Typography.Text type="secondary">（退款中 {yuan(r.refundPendingFen)}）</Typography.Text>}
        </>
      ),
    },
    {
      title: '状态',
      dataIndex: 'status',
      valueType: 'select',
      valueEnum: valueEnumOf(ORDER_STATUS),
      render: (_, r) => <Tag color={ORDER_STATUS[r.status].color}>{ORDER_STATUS[r.status].text}</Tag>,
      width: 100,
    },
    { title: '下单时间', dataIndex: 'createdAt', hideInSearch: true, render: (_, r) => shanghai(r.createdAt), width: 150 },
    {
      title: '下单日期',
      dataIndex: 'created',
      valueType: 'dateRange',
      hideInTable: true,
      search: { transform: (v) => dayRange(v) },
    },
    { title: '支付时间', dataIndex: 'paidAt', hideInSearch: true, render: (_, r) => shanghai(r.paidAt), width: 150 },
    {
      title: '操作',
      valueType: 'option',
      key: 'actions',
      fixed: 'right',
      width: 120,
      render: (_, r) => {
        const refundable = refundableOf(r);
        return (
          <Space size="small">
            <Link to={`/orders/${r.id}`}>详情</Link>
            {canRefund(role) && refundable > 0 && (
              <Button
                type="link"
                size="small"
                danger
                data-testid="order-refund-button"
                data-order-id={r.id}
                onClick={() => setRefunding({ id: r.id, outTradeNo: r.outTradeNo, payableFen: r.payableFen, refundableFen: refundable })}
              >
                退款
              </Button>
            )}
          </Space>
        );
      },
    },
  ];

  return (
    <PageContainer title="订单" content={isManager ? '本门店的订单与退款。' : '全品牌订单：按门店、状态、渠道和日期筛选，查看详情并退款。'}>
      <div data-testid="orders-table">
        <ProTable<ConsoleOrderRow>
          rowKey="id"
          actionRef={actionRef}
          columns={columns}
          request={tableRequest(async (q) => {
            const res = await listOrders(q);
            capped.current = !!res.totalCapped;
            return res;
          })}
          form={{ syncToUrl: true }}
          search={{ labelWidth: 'auto', defaultCollapsed: false }}
          pagination={{ defaultPageSize: 20, showSizeChanger: true, showTotal: (t) => showTotal(t, capped.current) }}
          scroll={{ x: 1300 }}
          options={{ density: false, setting: true, reload: true }}
          headerTitle="订单列表"
          onRequestError={(e) => message.error(e.message)}
        />
      </div>
      <RefundConfirm order={refunding} open={!!refunding} onClose={() => setRefunding(null)} onDone={() => actionRef.current?.reload()} />
    </PageContainer>
  );
}
