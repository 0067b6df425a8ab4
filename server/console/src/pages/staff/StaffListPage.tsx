import { PlusOutlined, PrinterOutlined, UploadOutlined } from '@ant-design/icons';
import { ModalForm, PageContainer, ProFormDependency, ProFormSelect, ProFormText, ProTable, type ActionType, type ProColumns } from '@ant-design/pro-components';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Space, Tag, Tooltip, Typography } from 'antd';
import { USERNAME_PATTERN, ZCreateStaffBody, type StaffListItem, type StaffRole, type TCreateStaffBody } from '@o2o/shared';
import { useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { createStaff, listStaff, resetPassword } from '../../api/staff';
import { useStaff } from '../../app/session';
import { ConsoleTable } from '../../components/ConsoleTable';
import { compact, zodRule, zodSubmitErrors } from '../../components/zod-rules';
import { shanghai } from '../stores/format';
import { StoreSelect } from '../stores/StoreSelect';
import { STAFF_ROLE, STAFF_STATUS } from './format';
import { LeaveModal } from './LeaveModal';
import { MoveModal } from './MoveModal';

const valueEnumOf = <K extends string>(m: Record<K, { text: string }>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, { text: (v as { text: string }).text }]));
const STORE_ROLES: StaffRole[] = ['clerk', 'store_manager'];
/** Sum of the column widths below. */
const STAFF_TABLE_WIDTH = 100 + 72 + 190 + 84 + 72 + 96 + 140 + 132 + 188;

/** 员工列表: filters by store, role and status; actions 调店 (admin), 离职并交接, 重置密码 (admin). */
export default function StaffListPage() {
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const me = useStaff();
  const role = me?.role;
  const isAdmin = role === 'admin';
  const isManager = role === 'store_manager';
  const actionRef = useRef<ActionType>();
  const [leaving, setLeaving] = useState<StaffListItem | null>(null);
  const [moving, setMoving] = useState<StaffListItem | null>(null);
  const [creating, setCreating] = useState(false);
  const reload = () => {
    actionRef.current?.reload();
    qc.invalidateQueries({ queryKey: ['staff'] });
  };

  /** Shows a new password once (it is stored only as a hash). */
  const showPassword = (name: string, username: string, password: string) =>
    modal.success({
      title: `${name} 的新密码`,
      width: 480,
      content: (
        <Space direction="vertical">
          <span>
            用户名：<Typography.Text code>{username}</Typography.Text>
          </span>
          <span>
            密码：
            <Typography.Text code copyable={{ text: password }}>
              <span data-testid="staff-new-password">{password}</span>
            </Typography.Text>
          </span>
          <Typography.Text type="warning">密码只显示这一次，请现在复制交给本人；原有登录已全部失效。</Typography.Text>
        </Space>
      ),
    });

  const reset = (s: StaffListItem) => {
    let username = s.username ?? '';
    modal.confirm({
      title: `重置 ${s.name} 的后台登录密码？`,
      content: (
        <Space direction="vertical" style={{ width: '100%' }}>
          <span>将生成新密码，原密码和所有已登录的会话立即失效。</span>
          {!s.username && (
            <Input placeholder="该员工还没有用户名：请填写（3–64 位字母、数字、点、- 或 _）" onChange={(e) => (username = e.target.value.trim())} data-testid="staff-reset-username" />
          )}
        </Space>
      ),
      okText: '重置密码',
      okButtonProps: { danger: true, 'data-testid': 'staff-reset-confirm' },
      onOk: async () => {
        if (!s.username && !USERNAME_PATTERN.test(username)) {
          message.error('请填写正确的用户名');
          throw new Error('username');
        }
        try {
          const res = await resetPassword(s.id, s.username ? {} : { username });
          showPassword(res.staff.name, res.staff.username!, res.password);
          reload();
        } catch (e) {
          message.error((e as Error).message);
          throw e;
        }
      },
    });
  };

  const canLeave = (s: StaffListItem) => s.status === 'active' && s.id !== me?.id && (isAdmin || (isManager && s.role === 'clerk'));
  const columns: ProColumns<StaffListItem>[] = [
    { title: '姓名/用户名', dataIndex: 'q', hideInTable: true, fieldProps: { placeholder: '姓名或用户名（包含）' } },
    { title: '姓名', dataIndex: 'name', sorter: true, hideInSearch: true, width: 100, ellipsis: true },
    {
      title: '角色',
      dataIndex: 'role',
      valueType: 'select',
      valueEnum: valueEnumOf(STAFF_ROLE),
      render: (_, r) => <Tag color={STAFF_ROLE[r.role].color}>{STAFF_ROLE[r.role].text}</Tag>,
      width: 72,
    },
    {
      title: '门店',
      dataIndex: 'storeId',
      hideInSearch: isManager,
      width: 190,
      render: (_, r) =>
        r.storeId ? (
          <Typography.Text ellipsis={{ tooltip: `${r.storeName ?? ''} ${r.storeCode ?? `#${r.storeId}`}` }} style={{ maxWidth: '100%' }}>
            {r.storeName} <Typography.Text type="secondary">{r.storeCode ?? `#${r.storeId}`}</Typography.Text>
          </Typography.Text>
        ) : (
          '—'
        ),
      renderFormItem: () => <StoreSelect />,
    },
    { title: '专属顾客', dataIndex: 'customerCount', hideInSearch: true, align: 'right', width: 84 },
    {
      title: '状态',
      dataIndex: 'status',
      valueType: 'select',
      valueEnum: valueEnumOf(STAFF_STATUS),
      render: (_, r) => <Tag color={STAFF_STATUS[r.status].color}>{STAFF_STATUS[r.status].text}</Tag>,
      width: 72,
    },
    {
      title: '账号',
      key: 'accounts',
      hideInSearch: true,
      width: 96,
      render: (_, r) =>
        r.status === 'left' ? (
          '—'
        ) : (
          <Space size={4} wrap>
            {STORE_ROLES.includes(r.role) && (r.wechatBound ? <Tag color="green">已绑微信</Tag> : <Tag>待绑微信</Tag>)}
            {r.consoleLogin && <Tag color="blue">后台登录</Tag>}
          </Space>
        ),
    },
    {
      title: '用户名',
      dataIndex: 'username',
      hideInSearch: true,
      width: 140,
      // usernames run to 64 characters: a long one ends in … and shows whole on hover
      render: (_, r) => (r.username ? <Typography.Text ellipsis={{ tooltip: r.username }} style={{ maxWidth: '100%' }}>{r.username}</Typography.Text> : '—'),
    },
    { title: '创建时间', dataIndex: 'createdAt', sorter: true, hideInSearch: true, render: (_, r) => shanghai(r.createdAt), width: 132 },
    {
      title: '操作',
      valueType: 'option',
      key: 'actions',
      fixed: 'right',
      width: 188,
      render: (_, r) => {
        const actions = [];
        if (isAdmin && r.status === 'active' && STORE_ROLES.includes(r.role))
          actions.push(
            <a key="move" data-testid={`staff-move-${r.id}`} onClick={() => setMoving(r)}>
              调店
            </a>,
          );
        if (canLeave(r))
          actions.push(
            <Typography.Link key="leave" type="danger" data-testid={`staff-leave-${r.id}`} onClick={() => setLeaving(r)}>
              {STORE_ROLES.includes(r.role) ? '离职并交接' : '离职'}
            </Typography.Link>,
          );
        if (isAdmin && r.status === 'active' && r.role !== 'clerk')
          actions.push(
            <a key="reset" data-testid={`staff-reset-${r.id}`} onClick={() => reset(r)}>
              {r.consoleLogin ? '重置密码' : '开通登录'}
            </a>,
          );
        return actions.length ? actions : '—';
      },
    },
  ];

  return (
    <PageContainer title="员工列表" content={isManager ? '本门店的导购和店长；导购离职时可把顾客交给同事。' : '全品牌员工：按门店、角色和状态筛选；调店、离职交接、重置后台密码。'}>
      <div data-testid="staff-table">
        <ConsoleTable<StaffListItem>
          actionRef={actionRef}
          columns={columns}
          fetch={listStaff}
          search={{ labelWidth: 'auto', defaultCollapsed: false }}
          // the columns' widths add up to what a 1440 px screen leaves the table (no scrolling there); narrower scrolls
          scroll={{ x: STAFF_TABLE_WIDTH }}
          headerTitle="员工"
          toolBarRender={() => [
            (isAdmin || isManager) && (
              <Button key="invites" icon={<PrinterOutlined />} data-testid="staff-invites-button" onClick={() => navigate('/staff/invites')}>
                邀请码打印
              </Button>
            ),
            isAdmin && (
              <Button key="import" icon={<UploadOutlined />} data-testid="staff-import-button" onClick={() => navigate('/staff/import')}>
                批量导入
              </Button>
            ),
            isAdmin && (
              <Button key="new" type="primary" icon={<PlusOutlined />} data-testid="staff-create-button" onClick={() => setCreating(true)}>
                新建员工
              </Button>
            ),
          ]}
        />
      </div>
      {leaving && <LeaveModal staff={leaving} onClose={() => setLeaving(null)} onDone={reload} />}
      {moving && <MoveModal staff={moving} onClose={() => setMoving(null)} onDone={reload} />}
      <CreateStaffForm
        open={creating}
        onOpenChange={setCreating}
        onCreated={(res, body) => {
          reload();
          if (res.inviteCode) modal.success({ title: `已新建员工 ${res.staff.name}`, content: <span>导购端邀请码：<Typography.Text code copyable>{res.inviteCode}</Typography.Text>（也可在“邀请码打印”中打印）</span> });
          else message.success(`已新建员工 ${res.staff.name}${body.username ? `，用户名 ${body.username}` : ''}`);
        }}
      />
    </PageContainer>
  );
}

interface CreateValues {
  name: string;
  role: StaffRole;
  storeId?: number;
  username?: string;
  password?: string;
}

/** 新建员工 (admin): store roles pick a store and get an invite code; console roles (and managers who use it) a login. */
function CreateStaffForm({ open, onOpenChange, onCreated }: { open: boolean; onOpenChange: (o: boolean) => void; onCreated: (res: { staff: { name: string }; inviteCode: string | null }, body: TCreateStaffBody) => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<CreateValues>();
  return (
    <ModalForm<CreateValues>
      title="新建员工"
      form={form}
      open={open}
      onOpenChange={onOpenChange}
      modalProps={{ destroyOnHidden: true }}
      initialValues={{ role: 'clerk' }}
      onFinish={async (v) => {
        const body = compact({ ...v, storeId: v.storeId === undefined ? undefined : Number(v.storeId) }) as TCreateStaffBody;
        const problems = zodSubmitErrors(ZCreateStaffBody, body, {
          storeId: '导购和店长需要选择门店；营销和管理员不属于门店',
          username: '营销和管理员需要用户名和密码',
          password: '用户名和密码需一起填写，密码至少 10 位',
        });
        if (problems.length) {
          form.setFields(problems as Parameters<typeof form.setFields>[0]);
          return false;
        }
        try {
          onCreated(await createStaff(body), body);
          return true;
        } catch (e) {
          message.error((e as Error).message);
          return false;
        }
      }}
    >
      <ProFormText name="name" label="姓名" rules={zodRule(ZCreateStaffBody, 'name', '必填，最长 64 字')} />
      <ProFormSelect
        name="role"
        label="角色"
        options={(Object.keys(STAFF_ROLE) as StaffRole[]).map((r) => ({ value: r, label: STAFF_ROLE[r].text }))}
        rules={[{ required: true, message: '请选择角色' }]}
      />
      <ProFormDependency name={['role']}>
        {({ role }) => (
          <>
            {STORE_ROLES.includes(role) && (
              <Form.Item name="storeId" label="门店" rules={[{ required: true, message: '请选择门店' }]}>
                <StoreSelect placeholder="搜索门店编码或名称" onlyActive />
              </Form.Item>
            )}
            {role !== 'clerk' && (
              <>
                <ProFormText name="username" label="用户名" tooltip="后台登录用" placeholder={role === 'store_manager' ? '可选：填写后店长可登录后台' : '必填'} />
                <ProFormText.Password name="password" label="初始密码" placeholder="至少 10 位" />
              </>
            )}
            {role === 'clerk' && (
              <Tooltip title="导购用邀请码在小程序导购端绑定微信，不登录后台">
                <Typography.Text type="secondary">导购创建后获得邀请码，用于绑定导购端。</Typography.Text>
              </Tooltip>
            )}
          </>
        )}
      </ProFormDependency>
    </ModalForm>
  );
}
