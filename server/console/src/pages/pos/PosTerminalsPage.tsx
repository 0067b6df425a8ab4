import { PlusOutlined } from '@ant-design/icons';
import { ModalForm, PageContainer, ProFormText, type ActionType, type ProColumns } from '@ant-design/pro-components';
import { App, Button, Form, Popconfirm, Tag, Tooltip, Typography } from 'antd';
import { ZCreatePosTerminalBody, type PosTerminalView } from '@o2o/shared';
import { useRef, useState } from 'react';
import { createPosTerminal, listPosTerminals, revokePosTerminal } from '../../api/pos';
import { ConsoleTable } from '../../components/ConsoleTable';
import { zodRule } from '../../components/zod-rules';
import { shanghai } from '../orders/format';
import { StoreSelect } from '../stores/StoreSelect';
import { GUIDE_PATH, SecretModal } from './SecretModal';

/**
 * 收银终端: one credential (Key ID + secret) per till, for the POS API. Create shows the secret once; 停用 takes
 * effect on the till's next request. Admin only (the server's policy).
 */
export default function PosTerminalsPage() {
  const { message } = App.useApp();
  const actionRef = useRef<ActionType>();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ terminal: PosTerminalView; secret: string } | null>(null);

  const revoke = async (t: PosTerminalView) => {
    try {
      await revokePosTerminal(t.id);
      message.success(`已停用 ${t.name}（${t.keyId}）`);
    } catch (e) {
      message.error((e as Error).message);
    }
    actionRef.current?.reload();
  };

  const columns: ProColumns<PosTerminalView>[] = [
    { title: '门店', dataIndex: 'storeId', width: 150, ellipsis: true, render: (_, t) => t.storeName || `#${t.storeId}`, renderFormItem: () => <StoreSelect /> },
    { title: '终端名称', dataIndex: 'name', hideInSearch: true, width: 120, ellipsis: true },
    {
      title: 'Key ID',
      dataIndex: 'keyId',
      hideInSearch: true,
      width: 230,
      render: (_, t) => (
        <Typography.Text code copyable={{ text: t.keyId, tooltips: ['复制 Key ID', '已复制'] }} style={{ whiteSpace: 'nowrap' }}>
          {t.keyId}
        </Typography.Text>
      ),
    },
    {
      title: (
        <Tooltip title="密钥 SHA-256 的前 8 位：核对厂商手上的是哪把密钥，不能用来还原密钥">
          <span>密钥指纹</span>
        </Tooltip>
      ),
      dataIndex: 'secretFingerprint',
      hideInSearch: true,
      width: 110,
      render: (_, t) => <Typography.Text code>{t.secretFingerprint}</Typography.Text>,
    },
    { title: '创建时间', dataIndex: 'createdAt', hideInSearch: true, width: 140, render: (_, t) => shanghai(t.createdAt) },
    {
      title: '最近使用',
      dataIndex: 'lastUsedAt',
      hideInSearch: true,
      width: 140,
      render: (_, t) => (t.lastUsedAt ? shanghai(t.lastUsedAt) : <Typography.Text type="secondary">从未使用</Typography.Text>),
    },
    {
      title: '状态',
      dataIndex: 'status',
      valueType: 'select',
      valueEnum: { active: { text: '启用中' }, revoked: { text: '已停用' } },
      width: 110,
      render: (_, t) =>
        t.revokedAt ? (
          <Tooltip title={`停用于 ${shanghai(t.revokedAt)}`}>
            <Tag>已停用</Tag>
          </Tooltip>
        ) : (
          <Tag color="green">启用中</Tag>
        ),
    },
    {
      title: '操作',
      valueType: 'option',
      key: 'actions',
      width: 80,
      render: (_, t) =>
        t.revokedAt
          ? []
          : [
              <Popconfirm
                key="revoke"
                title={`停用「${t.name}」？`}
                description={
                  <div style={{ maxWidth: 320 }}>
                    立即生效：这台收银机的下一个请求就会被拒绝，不能再识别会员、计价或记账。停用不能撤销，恢复收银需新建终端并在收银机上换用新密钥。
                  </div>
                }
                okText="停用"
                okButtonProps={{ danger: true, 'data-testid': 'pos-revoke-confirm' } as never}
                cancelText="取消"
                onConfirm={() => revoke(t)}
              >
                <a data-testid={`pos-revoke-${t.id}`} style={{ color: '#cf1322' }}>
                  停用
                </a>
              </Popconfirm>,
            ],
    },
  ];

  return (
    <PageContainer title="收银终端" content={`每台收银机一把密钥（Key ID + 密钥），用于签名调用 POS 接口 /api/pos/v1：识别会员、计价、记账和退货。接入说明见 ${GUIDE_PATH}。`}>
      <div data-testid="pos-terminals-table">
        <ConsoleTable<PosTerminalView>
          actionRef={actionRef}
          columns={columns}
          fetch={listPosTerminals}
          headerTitle="终端列表"
          scroll={{ x: 'max-content' }}
          toolBarRender={() => [
            <Button key="new" type="primary" icon={<PlusOutlined />} data-testid="pos-create-button" onClick={() => setCreating(true)}>
              新建终端
            </Button>,
          ]}
        />
      </div>

      <ModalForm<{ storeId?: number; name?: string }>
        title="新建收银终端"
        open={creating}
        width={520}
        modalProps={{ destroyOnHidden: true, onCancel: () => setCreating(false) }}
        submitter={{ searchConfig: { submitText: '创建并显示密钥', resetText: '取消' }, submitButtonProps: { 'data-testid': 'pos-create-submit' } as never }}
        onFinish={async (v) => {
          try {
            const res = await createPosTerminal({ storeId: Number(v.storeId), name: (v.name ?? '').trim() });
            setCreating(false);
            setCreated(res);
            actionRef.current?.reload();
            return true;
          } catch (e) {
            message.error((e as Error).message);
            return false;
          }
        }}
      >
        <Form.Item name="storeId" label="门店" rules={[{ required: true, message: '请选择门店' }]} extra="终端只能为这家门店收银：以其他门店的名义提交会被拒绝">
          <StoreSelect onlyActive placeholder="搜索门店名称或编码" testId="pos-create-store" />
        </Form.Item>
        <ProFormText
          name="name"
          label="终端名称"
          required
          placeholder="如 1 号收银台"
          rules={zodRule(ZCreatePosTerminalBody, 'name', '请填写终端名称（40 字以内）')}
          fieldProps={{ maxLength: 40, 'data-testid': 'pos-create-name' } as never}
          extra="便于在列表和操作日志中认出这台收银机"
        />
      </ModalForm>

      <SecretModal created={created} onClose={() => setCreated(null)} />
    </PageContainer>
  );
}
