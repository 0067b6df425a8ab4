import { ModalForm, PageContainer, ProFormSelect, ProFormText, ProTable, type ActionType, type ProColumns } from '@ant-design/pro-components';
import { useQueryClient } from '@tanstack/react-query';
import { App, type ButtonProps, Button, Space, Tag, Tooltip, Typography } from 'antd';
import { RULE_TAG_GROUPS, TAG_GROUPS, tagHint, tagLabel, ZCreateTagBody, ZRenameTagBody, type ConsoleTagRow, type TagGroup } from '@o2o/shared';
import { useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { createTag, listTags, renameTag } from '../../api/tags';
import { tableRequest } from '../../components/table';
import { zodRule } from '../../components/zod-rules';
import { shanghai } from '../orders/format';
import { TAG_GROUP } from '../customers/labels';

const GROUP_ENUM = Object.fromEntries(TAG_GROUPS.map((g) => [g, { text: TAG_GROUP[g] }]));
const MANUAL_GROUPS = TAG_GROUPS.filter((g) => !RULE_TAG_GROUPS.includes(g));

/**
 * 标签列表: every tag by group with how many customers hold it (from the segment index when it is ready, else a
 * database count refreshed every minute: the header says which), create and rename; lifecycle and RFM tags are
 * the rules' and cannot be renamed or put on by hand.
 */
export default function TagListPage() {
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const actionRef = useRef<ActionType>();
  const [source, setSource] = useState<{ source: 'index' | 'sql'; at: string } | null>(null);
  const [renaming, setRenaming] = useState<ConsoleTagRow | null>(null);
  const refresh = () => {
    actionRef.current?.reload();
    void queryClient.invalidateQueries({ queryKey: ['tags'] });
  };

  const columns: ProColumns<ConsoleTagRow>[] = [
    { title: '标签', dataIndex: 'q', hideInTable: true, fieldProps: { placeholder: '名称包含' } },
    {
      title: '标签',
      dataIndex: 'name',
      hideInSearch: true,
      // rule tags are stored as new / R5…: the shared words are shown, the meaning on hover
      render: (_, t) => (
        <Tooltip title={tagHint(t)}>
          <Tag color={t.ruleManaged ? 'cyan' : 'blue'}>{tagLabel(t)}</Tag>
        </Tooltip>
      ),
    },
    { title: '分组', dataIndex: 'group', valueType: 'select', valueEnum: GROUP_ENUM, width: 120 },
    {
      title: '顾客数',
      dataIndex: 'customerCount',
      hideInSearch: true,
      align: 'right',
      width: 120,
      render: (_, t) => <Link to={`/customers?tagId=${t.id}`}>{t.customerCount.toLocaleString('zh-CN')}</Link>,
    },
    {
      title: '维护方式',
      dataIndex: 'ruleManaged',
      hideInSearch: true,
      width: 110,
      render: (_, t) => (t.ruleManaged ? <Tooltip title="由规则每日计算，不能手动打或改名">规则计算</Tooltip> : '手动 / 扫码'),
    },
    { title: '创建时间', dataIndex: 'createdAt', hideInSearch: true, width: 150, render: (_, t) => shanghai(t.createdAt) },
    {
      title: '操作',
      valueType: 'option',
      key: 'actions',
      width: 180,
      render: (_, t) =>
        t.ruleManaged
          ? [<Typography.Text key="none" type="secondary">—</Typography.Text>]
          : [
              <a key="rename" data-testid={`tags-rename-${t.id}`} onClick={() => setRenaming(t)}>
                改名
              </a>,
              <a key="phones" onClick={() => navigate(`/tags/bulk-phones?tagId=${t.id}`)}>
                按手机号打标签
              </a>,
            ],
    },
  ];

  return (
    <PageContainer title="标签列表" content="标签按分组列出，人数为当前持有该标签的顾客数。">
      <div data-testid="tags-table">
        <ProTable<ConsoleTagRow>
          rowKey="id"
          actionRef={actionRef}
          columns={columns}
          request={tableRequest(async (q) => {
            const res = await listTags(q);
            setSource({ source: res.countSource, at: res.countedAt });
            return res;
          })}
          form={{ syncToUrl: true }}
          search={{ labelWidth: 'auto', defaultCollapsed: false }}
          pagination={{ defaultPageSize: 50, showSizeChanger: true, showTotal: (t) => `共 ${t} 个标签` }}
          options={{ density: false, setting: false, reload: true }}
          headerTitle={
            <Space>
              标签
              {source && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  人数{source.source === 'index' ? '来自人群索引（实时）' : `统计于 ${shanghai(source.at)}`}
                </Typography.Text>
              )}
            </Space>
          }
          toolBarRender={() => [
            <Button key="phones" data-testid="tags-bulk-phones-button" onClick={() => navigate('/tags/bulk-phones')}>
              按手机号打标签
            </Button>,
            <Button key="segment" onClick={() => navigate('/tags/by-segment')}>
              按人群打标签
            </Button>,
            <ModalForm<{ name: string; group: TagGroup }>
              key="create"
              title="新建标签"
              width={420}
              modalProps={{ destroyOnHidden: true }}
              trigger={
                <Button type="primary" data-testid="tags-create-button">
                  新建标签
                </Button>
              }
              submitter={{ submitButtonProps: { 'data-testid': 'tags-create-submit' } as ButtonProps }}
              onFinish={async (v) => {
                try {
                  const t = await createTag({ name: v.name.trim(), group: v.group });
                  message.success(`已新建标签「${t.name}」`);
                  refresh();
                  return true;
                } catch (e) {
                  message.error((e as Error).message);
                  return false;
                }
              }}
            >
              <ProFormText name="name" label="名称" placeholder="最多 32 字" fieldProps={{ maxLength: 32, 'data-testid': 'tags-create-name' } as object} rules={zodRule(ZCreateTagBody, 'name', '请输入 1–32 字的名称')} />
              <ProFormSelect
                name="group"
                label="分组"
                initialValue="custom"
                options={MANUAL_GROUPS.map((g) => ({ value: g, label: TAG_GROUP[g] }))}
                rules={[{ required: true, message: '请选择分组' }]}
              />
            </ModalForm>,
          ]}
          onRequestError={(e) => message.error(e.message)}
        />
      </div>
      <RenameModal tag={renaming} onClose={() => setRenaming(null)} onDone={refresh} />
    </PageContainer>
  );
}

function RenameModal({ tag, onClose, onDone }: { tag: ConsoleTagRow | null; onClose: () => void; onDone: () => void }) {
  const { message } = App.useApp();
  return (
    <ModalForm<{ name: string }>
      title={tag ? `标签改名：${tag.name}` : '标签改名'}
      width={420}
      open={!!tag}
      modalProps={{ destroyOnHidden: true, onCancel: onClose }}
      initialValues={{ name: tag?.name }}
      onFinish={async (v) => {
        if (!tag) return true;
        try {
          const t = await renameTag(tag.id, v.name.trim());
          message.success(`已改名为「${t.name}」`);
          onDone();
          onClose();
          return true;
        } catch (e) {
          message.error((e as Error).message);
          return false;
        }
      }}
    >
      <Typography.Paragraph type="secondary">顾客身上的标签、二维码排期和人群规则都按标签 ID 引用，改名后随之更新。</Typography.Paragraph>
      <ProFormText name="name" label="新名称" fieldProps={{ maxLength: 32 }} rules={zodRule(ZRenameTagBody, 'name', '请输入 1–32 字的名称')} />
    </ModalForm>
  );
}
