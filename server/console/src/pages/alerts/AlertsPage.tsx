import { ModalForm, PageContainer, ProFormTextArea, ProTable, type ActionType, type ProColumns } from '@ant-design/pro-components';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Space, Tag, Typography } from 'antd';
import { ZResolveAlertBody, type AlertKind, type AlertView } from '@o2o/shared';
import { useRef } from 'react';
import { Link } from 'react-router';
import { listAlerts, resolveAlert } from '../../api/console';
import { useStaff } from '../../app/session';
import { ConsoleTable } from '../../components/ConsoleTable';
import { zodRule } from '../../components/zod-rules';
import { shanghai, valueEnumOf } from '../orders/format';

export const ALERT_KIND: Record<AlertKind, string> = {
  payment_quarantined: '支付通知异常（已隔离）',
  refund_failed: '退款失败',
  refund_stuck: '退款超时未完成',
  points_unrecovered: '积分未能追回',
  login_locked: '登录锁定',
  outbox_dead: '事件投递失败',
};
const ALERT_STATUS = { open: { text: '待处理', color: 'red' }, resolved: { text: '已处理', color: 'green' } } as const;

/** Where an alert points: its order (payments, refunds, points) when the details name one. */
export function alertTarget(a: AlertView): { to: string; label: string } | null {
  const d = (a.details ?? {}) as { orderId?: number | null; outTradeNo?: string | null; refundId?: number | null };
  if (typeof d.orderId === 'number') {
    const refund = a.refType === 'refund' ? ` · 退款 #${a.refId}` : '';
    return { to: `/orders/${d.orderId}`, label: `订单 ${d.outTradeNo ?? `#${d.orderId}`}${refund}` };
  }
  return null;
}

/** 处理: the resolution note, sent once (a second resolve answers 409 ALERT_ALREADY_RESOLVED, shown as such). */
function ResolveButton({ alert, onDone }: { alert: AlertView; onDone: () => void }) {
  const { message } = App.useApp();
  return (
    <ModalForm<{ resolution: string }>
      title={`处理告警 #${alert.id}`}
      width={520}
      modalProps={{ destroyOnHidden: true }}
      trigger={
        <Button type="link" size="small" data-testid={`alert-resolve-${alert.id}`}>
          处理
        </Button>
      }
      submitter={{ searchConfig: { submitText: '标记为已处理' } }}
      onFinish={async ({ resolution }) => {
        try {
          await resolveAlert(alert.id, { resolution: resolution.trim() });
          message.success('已标记为已处理');
          onDone();
          return true;
        } catch (e) {
          message.error((e as Error).message);
          onDone(); // already resolved elsewhere: the list shows it
          return (e as { code?: string }).code === 'ALERT_ALREADY_RESOLVED';
        }
      }}
    >
      <Typography.Paragraph>{alert.summary}</Typography.Paragraph>
      <ProFormTextArea
        name="resolution"
        label="处理说明"
        placeholder="如：已在商户平台核实并人工退款"
        rules={zodRule(ZResolveAlertBody, 'resolution', '请填写处理说明（500 字以内）')}
        fieldProps={{ maxLength: 500, showCount: true, rows: 4, 'data-testid': 'alert-resolution' } as Record<string, unknown>}
      />
    </ModalForm>
  );
}

/** 告警: what needs an operator (payments, refunds, points, event delivery); admins mark them handled. */
export default function AlertsPage() {
  const { message } = App.useApp();
  const isAdmin = useStaff()?.role === 'admin';
  const queryClient = useQueryClient();
  const actionRef = useRef<ActionType>();
  const refresh = () => {
    actionRef.current?.reload();
    void queryClient.invalidateQueries({ queryKey: ['alerts'] }); // the header bell's count too
  };

  const columns: ProColumns<AlertView>[] = [
    { title: '类型', dataIndex: 'kind', valueType: 'select', valueEnum: valueEnumOf(ALERT_KIND), width: 170, render: (_, a) => <Tag color="volcano">{ALERT_KIND[a.kind] ?? a.kind}</Tag> },
    { title: '内容', dataIndex: 'summary', hideInSearch: true, ellipsis: true },
    {
      title: '关联',
      key: 'target',
      hideInSearch: true,
      width: 260,
      render: (_, a) => {
        const t = alertTarget(a);
        return t ? <Link to={t.to}>{t.label}</Link> : <Typography.Text type="secondary">{`${a.refType} #${a.refId}`}</Typography.Text>;
      },
    },
    {
      title: '状态',
      dataIndex: 'status',
      valueType: 'select',
      valueEnum: valueEnumOf(ALERT_STATUS),
      width: 90,
      render: (_, a) => <Tag color={ALERT_STATUS[a.status].color}>{ALERT_STATUS[a.status].text}</Tag>,
    },
    { title: '发生时间', dataIndex: 'createdAt', hideInSearch: true, width: 150, render: (_, a) => shanghai(a.createdAt) },
    {
      title: '处理结果',
      key: 'resolution',
      hideInSearch: true,
      render: (_, a) =>
        a.status === 'resolved' ? (
          <Space direction="vertical" size={0}>
            <span>{a.resolution}</span>
            <Typography.Text type="secondary">{shanghai(a.resolvedAt)}</Typography.Text>
          </Space>
        ) : (
          '—'
        ),
    },
    {
      title: '操作',
      valueType: 'option',
      key: 'actions',
      width: 80,
      hideInTable: !isAdmin,
      render: (_, a) => (a.status === 'open' ? <ResolveButton alert={a} onDone={refresh} /> : null),
    },
  ];

  return (
    <PageContainer title="告警" content="支付通知异常、退款失败或超时、积分未能追回、事件投递失败：需要人工核实的事项。同一事项只告警一次。">
      <div data-testid="alerts-table">
        <ConsoleTable<AlertView>
          actionRef={actionRef}
          columns={columns}
          fetch={listAlerts}
          form={{ syncToUrl: true, initialValues: { status: 'open' } }}
          search={{ labelWidth: 'auto' }}
          expandable={{
            expandedRowRender: (a) => <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{JSON.stringify(a.details, null, 2)}</pre>,
            rowExpandable: (a) => a.details !== null,
          }}
          headerTitle="告警列表"
        />
      </div>
    </PageContainer>
  );
}
