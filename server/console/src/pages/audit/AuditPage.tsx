import { PageContainer, type ProColumns } from '@ant-design/pro-components';
import { Tag, Typography } from 'antd';
import type { AuditEntryView } from '@o2o/shared';
import { listAudit } from '../../api/console';
import { useStaff } from '../../app/session';
import { ConsoleTable } from '../../components/ConsoleTable';
import { dayRange, shanghai } from '../orders/format';
import { StoreSelect } from '../orders/StoreSelect';

/** The actions the console writes (`<area>.<verb>`), in the operator's words; unknown ones show as written. */
export const ACTION_LABEL: Record<string, string> = {
  'store.create': '新建门店',
  'store.update': '修改门店',
  'store.import': '导入门店',
  'staff.create': '新建员工',
  'product.create': '新建商品',
  'product.update': '修改商品',
  'pos_terminal.create': '新建收银终端',
  'pos_terminal.revoke': '停用收银终端',
  'staff.import': '导入员工',
  'staff.move': '员工调店',
  'staff.leave': '员工离职',
  'staff.password_reset': '重置密码',
  'qr_code.batch': '批量生成二维码',
  'qr_code.posters': '生成海报',
  'qr_code.schedule_tag': '二维码标签排期',
  'qr_code.schedule_coupon': '二维码券排期',
  'tag.create': '新建标签',
  'tag.rename': '重命名标签',
  'tag.bulk_phones': '按手机号打标签',
  'tag.bulk_add': '批量打标签',
  'tag.bulk_remove': '批量去标签',
  'coupon_template.create': '新建券模板',
  'coupon_template.status': '券模板状态',
  'points.adjust': '积分调整',
  'refund.request': '申请退款',
  'alert.resolve': '处理告警',
};
const TARGET_LABEL: Record<string, string> = {
  pos_terminal: '收银终端',
  product: '商品',
  store: '门店',
  staff: '员工',
  qr_code: '二维码',
  tag: '标签',
  coupon_template: '券模板',
  customer: '顾客',
  order: '订单',
  alert: '告警',
  job: '任务',
};

/** 操作日志: who changed what in the console (admins: the brand; store managers: their store). */
export default function AuditPage() {
  const isManager = useStaff()?.role === 'store_manager';

  const columns: ProColumns<AuditEntryView>[] = [
    { title: '时间', dataIndex: 'createdAt', hideInSearch: true, width: 150, render: (_, e) => shanghai(e.createdAt) },
    { title: '日期', dataIndex: 'created', valueType: 'dateRange', hideInTable: true, order: 8, search: { transform: (v) => dayRange(v) } },
    { title: '操作人', dataIndex: 'actorName', hideInSearch: true, width: 120, render: (_, e) => (e.actorStaffId === null ? <Typography.Text type="secondary">系统</Typography.Text> : e.actorName) },
    { title: '操作人 ID', dataIndex: 'actorStaffId', hideInTable: true, valueType: 'digit' },
    {
      title: '动作',
      dataIndex: 'action',
      order: 9,
      width: 140,
      valueType: 'select',
      fieldProps: { showSearch: true, options: Object.entries(ACTION_LABEL).map(([value, label]) => ({ value, label: `${label}（${value}）` })) },
      render: (_, e) => <Tag>{ACTION_LABEL[e.action] ?? e.action}</Tag>,
    },
    {
      title: '对象类型',
      dataIndex: 'targetType',
      valueType: 'select',
      width: 100,
      fieldProps: { options: Object.entries(TARGET_LABEL).map(([value, label]) => ({ value, label })) },
      render: (_, e) => TARGET_LABEL[e.targetType] ?? e.targetType,
    },
    { title: '对象 ID', dataIndex: 'targetId', width: 100, render: (_, e) => e.targetId ?? '—' },
    {
      title: '门店',
      dataIndex: 'storeId',
      hideInSearch: isManager,
      width: 140,
      ellipsis: true,
      // the store's name (a store since deleted: its id); entries of the whole brand have none
      render: (_, e) => (e.storeId === null ? <Typography.Text type="secondary">—</Typography.Text> : (e.storeName ?? `门店 #${e.storeId}`)),
      renderFormItem: () => <StoreSelect />,
    },
    { title: '摘要', dataIndex: 'summary', ellipsis: true, order: 10, search: { transform: (q) => ({ q }) }, fieldProps: { placeholder: '摘要包含' } },
  ];

  return (
    <PageContainer title="操作日志" content={isManager ? '本门店在控制台中的变更记录。' : '谁在控制台改了什么：门店、员工、排期、券模板、积分、退款、告警处理。'}>
      <div data-testid="audit-table">
        <ConsoleTable<AuditEntryView>
          columns={columns}
          fetch={listAudit}
          search={{ labelWidth: 'auto' }}
          expandable={{
            expandedRowRender: (e) => <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{JSON.stringify(e.details, null, 2)}</pre>,
            rowExpandable: (e) => e.details !== null && e.details !== undefined,
          }}
          headerTitle="变更记录"
        />
      </div>
    </PageContainer>
  );
}
