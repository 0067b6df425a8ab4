import { PageContainer, type ActionType, type ProColumns } from '@ant-design/pro-components';
import { App, Button, Popconfirm, Popover, Progress, Space, Switch, Tag, Typography } from 'antd';
import type { ConsoleCouponTemplateView, CouponTemplateStatus } from '@o2o/shared';
import { useRef, useState } from 'react';
import { listCouponTemplates, setClerkOfferable, setCouponTemplateStatus } from '../../api/coupons';
import { ConsoleTable } from '../../components/ConsoleTable';
import { shanghai, valueEnumOf } from '../orders/format';
import { KIND_LABEL, TEMPLATE_STATUS, termsText, validityLine } from './coupon-text';
import { TemplateCreateDrawer } from './TemplateForm';
import { CardButton, WalletCard } from './WalletCard';

/** The moves a template allows (the server's NEXT table), with what the operator is told before each. */
const MOVES: Record<CouponTemplateStatus, { to: 'active' | 'paused' | 'ended'; label: string; confirm: string; danger?: boolean }[]> = {
  draft: [
    { to: 'active', label: '发布', confirm: '发布后立即开始发放（领券中心、新人券、活动均可发放）。' },
    { to: 'ended', label: '结束', confirm: '结束后不可恢复。', danger: true },
  ],
  active: [
    { to: 'paused', label: '暂停', confirm: '暂停后不再发放，已发出的券照常可用。' },
    { to: 'ended', label: '结束', confirm: '结束后不可恢复；已发出的券在有效期内照常可用。', danger: true },
  ],
  paused: [
    { to: 'active', label: '恢复', confirm: '恢复后继续发放。' },
    { to: 'ended', label: '结束', confirm: '结束后不可恢复；已发出的券在有效期内照常可用。', danger: true },
  ],
  ended: [],
};

/**
 * Stock: "issued / total" as text over a thin bar (the bar's own label is 2 em wide and ran into the next column),
 * or the issued count when unlimited.
 */
export function StockBar({ issued, total }: { issued: number; total: number | null }) {
  if (total === null)
    return (
      <Typography.Text style={{ whiteSpace: 'nowrap' }}>
        {issued.toLocaleString('zh-CN')} <Typography.Text type="secondary">/ 不限</Typography.Text>
      </Typography.Text>
    );
  const pct = total > 0 ? Math.min(100, (issued / total) * 100) : 0;
  return (
    <div data-testid="coupon-template-stock">
      <Typography.Text style={{ whiteSpace: 'nowrap' }}>
        {issued.toLocaleString('zh-CN')} <Typography.Text type="secondary">/ {total.toLocaleString('zh-CN')}</Typography.Text>
      </Typography.Text>
      <Progress percent={Math.round(pct * 10) / 10} size="small" showInfo={false} status={issued >= total ? 'exception' : 'normal'} style={{ margin: 0 }} />
    </div>
  );
}

/** 优惠券模板: list with stock and flags, create (drawer with the card preview), status changes, clerk-offerable. */
export default function TemplatesPage() {
  const { message } = App.useApp();
  const actionRef = useRef<ActionType>();
  const [busy, setBusy] = useState<number | null>(null);

  const move = async (t: ConsoleCouponTemplateView, to: 'active' | 'paused' | 'ended', label: string) => {
    setBusy(t.id);
    try {
      await setCouponTemplateStatus(t.id, to);
      message.success(`已${label}「${t.title}」`);
      actionRef.current?.reload();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  const offerable = async (t: ConsoleCouponTemplateView, on: boolean) => {
    setBusy(t.id);
    try {
      await setClerkOfferable(t.id, on);
      message.success(on ? `导购可发放「${t.title}」` : `导购不再可发放「${t.title}」`);
      actionRef.current?.reload();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  // Widths sum to ~1,090 px: at 1440 × 900 every column (the fixed 操作 included) fits the card without scrolling.
  // 有效期 sits under the terms; 创建时间 starts hidden (the column setting shows it).
  const columns: ProColumns<ConsoleCouponTemplateView>[] = [
    {
      title: '标题',
      dataIndex: 'title',
      width: 170,
      search: { transform: (q) => ({ q }) },
      render: (_, t) => (
        <Popover
          title="券面预览"
          content={<WalletCard coupon={t} validity={validityLine(t)} action={<CardButton>去使用</CardButton>} />}
        >
          <Typography.Link>{t.title}</Typography.Link>
        </Popover>
      ),
    },
    { title: '类型', dataIndex: 'kind', valueType: 'select', valueEnum: valueEnumOf(KIND_LABEL), width: 72, render: (_, t) => <Tag style={{ marginInlineEnd: 0 }}>{KIND_LABEL[t.kind]}</Tag> },
    {
      title: '优惠 / 有效期',
      key: 'terms',
      hideInSearch: true,
      width: 180,
      render: (_, t) => (
        <Space direction="vertical" size={0}>
          <span>{termsText(t)}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {validityLine(t) || '—'}
          </Typography.Text>
        </Space>
      ),
    },
    { title: '库存（已发 / 总量）', key: 'stock', hideInSearch: true, width: 150, render: (_, t) => <StockBar issued={t.issuedCount} total={t.totalStock} /> },
    { title: '每人限领', dataIndex: 'perCustomerLimit', hideInSearch: true, align: 'right', width: 88, render: (_, t) => t.perCustomerLimit },
    {
      title: '状态',
      dataIndex: 'status',
      valueType: 'select',
      valueEnum: valueEnumOf(TEMPLATE_STATUS),
      width: 84,
      render: (_, t) => <Tag color={TEMPLATE_STATUS[t.status].color}>{TEMPLATE_STATUS[t.status].text}</Tag>,
    },
    {
      title: '发放方式',
      key: 'flags',
      hideInSearch: true,
      width: 130,
      render: (_, t) =>
        t.welcome || t.claimable || t.storeIds.length > 0 ? (
          <Space size={4} wrap>
            {t.welcome && <Tag color="magenta">新人券</Tag>}
            {t.claimable && <Tag color="blue">领券中心</Tag>}
            {t.storeIds.length > 0 && <Tag>{t.storeIds.length} 家门店</Tag>}
          </Space>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    {
      title: '导购可发',
      dataIndex: 'clerkOfferable',
      hideInSearch: true,
      width: 96,
      render: (_, t) => (
        <Switch size="small" checked={t.clerkOfferable} loading={busy === t.id} onChange={(on) => void offerable(t, on)} data-testid={`coupon-template-offerable-${t.id}`} />
      ),
    },
    { title: '创建时间', dataIndex: 'createdAt', hideInSearch: true, width: 150, render: (_, t) => shanghai(t.createdAt) },
    {
      title: '操作',
      valueType: 'option',
      key: 'actions',
      fixed: 'right',
      width: 110,
      render: (_, t) => (
        <Space size="middle">
          {MOVES[t.status].map((m) => (
            <Popconfirm key={m.to} title={`${m.label}「${t.title}」？`} description={m.confirm} okText={m.label} okButtonProps={{ danger: m.danger }} onConfirm={() => move(t, m.to, m.label)}>
              <Button type="link" size="small" danger={m.danger} disabled={busy === t.id} style={{ padding: 0 }} data-testid={`coupon-template-${m.to}-${t.id}`}>
                {m.label}
              </Button>
            </Popconfirm>
          ))}
        </Space>
      ),
    },
  ];

  return (
    <PageContainer title="优惠券模板" content="满减、代金、折扣、兑换券：新建时预览顾客看到的券面；发布、暂停、结束都会记录在操作日志。">
      <div data-testid="coupon-templates-table">
        <ConsoleTable<ConsoleCouponTemplateView>
          actionRef={actionRef}
          columns={columns}
          fetch={listCouponTemplates}
          search={{ labelWidth: 'auto' }}
          scroll={{ x: 'max-content' }}
          columnsState={{ defaultValue: { createdAt: { show: false } } }}
          headerTitle="模板列表"
          toolBarRender={() => [<TemplateCreateDrawer key="create" onCreated={() => actionRef.current?.reload()} />]}
        />
      </div>
    </PageContainer>
  );
}
