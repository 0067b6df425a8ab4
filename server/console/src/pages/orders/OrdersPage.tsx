import { PageContainer, type ActionType, type ProColumns } from '@ant-design/pro-components';
import { Button, Space, Tag, Tooltip, Typography } from 'antd';
import type { ConsoleOrderRow } from '@o2o/shared';
import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { listOrders } from '../../api/orders';
import { useStaff } from '../../app/session';
import { RefundConfirm, type RefundTarget } from '../../components/RefundConfirm';
import { ConsoleTable } from '../../components/ConsoleTable';
import { ExportButton } from '../../components/ExportButton';
import type { Query } from '../../api/request';
import { canRefund, dayRange, isInStore, minusYuan, ORDER_CHANNEL, ORDER_CHANNEL_COLOR, ORDER_STATUS, refundableOf, shanghai, valueEnumOf, WORDS, yuan } from './format';
import { StoreSelect } from './StoreSelect';

/** An instant in two short lines (date, then time): the row keeps room for the channel. */
function dateOverTime(iso: string | null) {
  if (!iso) return '—';
  const [date, time] = shanghai(iso).split(' ');
  return (
    <Space direction="vertical" size={0} style={{ whiteSpace: 'nowrap', lineHeight: 1.35 }}>
      <span>{date}</span>
      <Typography.Text type="secondary">{time}</Typography.Text>
    </Space>
  );
}

/** 订单: every order of the brand (a store manager: their store), filtered, with the detail and the refund. */
export default function OrdersPage() {
  const role = useStaff()?.role;
  const isManager = role === 'store_manager';
  const actionRef = useRef<ActionType>();
  // The filters of the rows on screen (dates already as Shanghai day bounds): an export takes exactly these.
  const [filters, setFilters] = useState<Query>({});
  const [refunding, setRefunding] = useState<RefundTarget | null>(null);

  // Widths sum to ~1,080 px with the middle density: at 1440 × 900 the whole row (the fixed 操作 included) fits the
  // card without scrolling. 支付时间 starts hidden (the column setting shows it; the table scrolls then).
  const columns: ProColumns<ConsoleOrderRow>[] = [
    {
      title: '订单号',
      dataIndex: 'outTradeNo',
      width: 240,
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <Typography.Text copyable={{ text: r.outTradeNo, tooltips: ['复制订单号', '已复制'] }} style={{ whiteSpace: 'nowrap' }}>
            <Link to={`/orders/${r.id}`}>{r.outTradeNo}</Link>
          </Typography.Text>
          {r.receiptNo && (
            <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }} data-testid="order-receipt-no">
              小票号 {r.receiptNo}
            </Typography.Text>
          )}
        </Space>
      ),
      fieldProps: { placeholder: '完整订单号' },
    },
    {
      title: '顾客',
      dataIndex: 'customerPhoneMasked',
      hideInSearch: true,
      width: 106,
      render: (_, r) => (
        <Link to={`/customers/${r.customerId}`} style={{ whiteSpace: 'nowrap' }}>
          {r.customerPhoneMasked ?? `粉丝 #${r.customerId}`}
        </Link>
      ),
    },
    { title: '顾客 ID', dataIndex: 'customerId', hideInTable: true, valueType: 'digit' },
    {
      title: '门店',
      dataIndex: 'storeId',
      hideInSearch: isManager,
      width: 110,
      ellipsis: true,
      render: (_, r) => r.storeName ?? `#${r.storeId}`,
      renderFormItem: () => <StoreSelect />,
    },
    {
      title: '渠道',
      dataIndex: 'channel',
      valueType: 'select',
      valueEnum: valueEnumOf(ORDER_CHANNEL),
      width: 84,
      render: (_, r) => <Tag color={ORDER_CHANNEL_COLOR[r.channel]}>{ORDER_CHANNEL[r.channel]}</Tag>,
    },
    { title: WORDS.list, dataIndex: 'listFen', hideInSearch: true, align: 'right', width: 95, render: (_, r) => yuan(r.listFen) },
    {
      title: '优惠',
      key: 'discount',
      hideInSearch: true,
      align: 'right',
      width: 80,
      render: (_, r) => {
        const parts: [string, number][] = [
          [WORDS.memberSaving, r.listFen - r.totalFen],
          [WORDS.coupon, r.couponDiscountFen],
          [WORDS.pointsCash, r.pointsDeductionFen],
        ];
        const total = parts.reduce((sum, [, fen]) => sum + fen, 0);
        if (total <= 0) return '—';
        const title = parts.filter(([, fen]) => fen > 0).map(([label, fen]) => `${label} ${minusYuan(fen)}`).join('\n');
        return (
          <Tooltip title={<span style={{ whiteSpace: 'pre-line' }}>{title}</span>}>
            <span style={{ whiteSpace: 'nowrap' }}>{minusYuan(total)}</span>
          </Tooltip>
        );
      },
    },
    {
      title: WORDS.payable,
      dataIndex: 'payableFen',
      hideInSearch: true,
      align: 'right',
      width: 92,
      render: (_, r) => (
        <Space direction="vertical" size={0} style={{ alignItems: 'flex-end' }}>
          <Typography.Text strong>{yuan(r.payableFen)}</Typography.Text>
          {r.refundedFen > 0 && (
            <Typography.Text type="danger" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
              已退 {yuan(r.refundedFen)}
            </Typography.Text>
          )}
          {r.refundPendingFen > 0 && (
            <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
              退款中 {yuan(r.refundPendingFen)}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: '状态',
      dataIndex: 'status',
      valueType: 'select',
      valueEnum: valueEnumOf(ORDER_STATUS),
      render: (_, r) => (
        <Space direction="vertical" size={2}>
          <Tag color={ORDER_STATUS[r.status].color}>{ORDER_STATUS[r.status].text}</Tag>
          {r.pickedUpAt && <Tag color="green">已取货</Tag>}
        </Space>
      ),
      width: 90,
    },
    { title: '下单时间', dataIndex: 'createdAt', hideInSearch: true, render: (_, r) => dateOverTime(r.createdAt), width: 96 },
    {
      title: '下单日期',
      dataIndex: 'created',
      valueType: 'dateRange',
      hideInTable: true,
      search: { transform: (v) => dayRange(v) },
    },
    { title: '支付时间', dataIndex: 'paidAt', hideInSearch: true, render: (_, r) => dateOverTime(r.paidAt), width: 96 },
    {
      title: '操作',
      valueType: 'option',
      key: 'actions',
      fixed: 'right',
      width: 92,
      render: (_, r) => {
        // An in-store sale was paid at the till: it is returned by receipt there, not refunded through WeChat Pay.
        const refundable = isInStore(r.channel) ? 0 : refundableOf(r);
        return (
          <Space size="small">
            <Link to={`/orders/${r.id}`}>详情</Link>
            {canRefund(role) && refundable > 0 && (
              <Button
                type="link"
                size="small"
                danger
                style={{ padding: 0 }}
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
    <PageContainer title="订单" content={isManager ? '本门店的订单（预订单和到店收银）与退款。' : '全品牌订单：预订单、收银机和导购收银的销售。按门店、状态、渠道和日期筛选，查看详情并退款。'}>
      <div data-testid="orders-table">
        <ConsoleTable<ConsoleOrderRow>
          actionRef={actionRef}
          columns={columns}
          fetch={(q) => {
            setFilters(q);
            return listOrders(q);
          }}
          toolBarRender={() => [<ExportButton key="export" kind="orders" filters={filters} />]}
          search={{ labelWidth: 'auto', defaultCollapsed: false }}
          size="middle"
          scroll={{ x: 'max-content' }}
          columnsState={{ defaultValue: { paidAt: { show: false } } }}
          headerTitle="订单列表"
        />
      </div>
      <RefundConfirm order={refunding} open={!!refunding} onClose={() => setRefunding(null)} onDone={() => actionRef.current?.reload()} />
    </PageContainer>
  );
}
