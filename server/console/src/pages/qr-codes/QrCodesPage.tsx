import { FilePdfOutlined, QrcodeOutlined, TagsOutlined } from '@ant-design/icons';
import { PageContainer, type ActionType, type ProColumns } from '@ant-design/pro-components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Space, Tag, Typography } from 'antd';
import type { QrCodeRow } from '@o2o/shared';
import { useRef, useState } from 'react';
import { batchGenerate, listQrCodes, qrScopes } from '../../api/qr-codes';
import { useStaff } from '../../app/session';
import { ConsoleTable } from '../../components/ConsoleTable';
import { OWNER_TYPE, TAG_GROUP, yuan } from './format';
import { PostersModal } from './PostersModal';
import { QrCodeDrawer } from './QrCodeDrawer';
import { ScheduleModal } from './ScheduleModal';

/** A tag that takes a line of 12 px text: the list's type and current tags. */
const COMPACT_TAG = { marginInlineEnd: 0, paddingInline: 4, fontSize: 12, lineHeight: '18px' } as const;

/**
 * 二维码列表: every store and clerk code with what it did (scans, new fans, new members, orders, sales — figures kept
 * current by the server, never counted per request), the tags it gives now, filters in the URL. Marketers and admins
 * batch-generate codes and change the poster tag on picked rows, a store, a region or all stores; everyone here
 * prints poster PDFs (a store manager: their store) and opens a code's timeline.
 */
export default function QrCodesPage() {
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const staff = useStaff();
  const brand = staff?.role === 'marketer' || staff?.role === 'admin';
  const manager = staff?.role === 'store_manager';
  const actionRef = useRef<ActionType>();
  const [selected, setSelected] = useState<number[]>([]);
  const [scheduling, setScheduling] = useState(false);
  const [printing, setPrinting] = useState(false);
  const [detail, setDetail] = useState<number | null>(null);
  const scopes = useQuery({ queryKey: ['qr-codes', 'scopes'], queryFn: qrScopes, staleTime: 60_000 });

  const batch = useMutation({
    mutationFn: () => batchGenerate({ includeClerks: true }),
    onSuccess: (res) => {
      message.success(res.created ? `已生成 ${res.created} 个新二维码，已有的保持不变` : '每家门店和在职导购都已有二维码，没有新生成');
      actionRef.current?.reload();
      qc.invalidateQueries({ queryKey: ['qr-codes'] });
    },
    onError: (e) => message.error((e as Error).message),
  });
  const confirmBatch = async () => {
    const ok = await modal.confirm({
      title: '批量生成二维码',
      content: '为全部营业门店生成门店码，并为每位在职导购和店长生成导购码；已有二维码的不会重复生成。',
      okText: '生成',
      okButtonProps: { 'data-testid': 'qr-batch-confirm' } as never,
    });
    if (ok) batch.mutate();
  };

  const options = (values: string[] = []) => values.map((v) => ({ label: v, value: v }));
  // The figures the issue asks for (扫码 … 销售额) come right after who the code belongs to, before the tags: with
  // these widths (~1,090 px with the selection column) the whole row, the fixed 操作 included, fits the card at
  // 1440 × 900. 区域 is a filter and the second line of 门店.
  const columns: ProColumns<QrCodeRow>[] = [
    { title: '搜索', dataIndex: 'q', hideInTable: true, fieldProps: { placeholder: '编号、门店编码/名称或导购姓名' } },
    {
      title: '编号',
      dataIndex: 'code',
      hideInSearch: true,
      width: 118,
      render: (_, r) => (
        <a onClick={() => setDetail(r.id)} style={{ whiteSpace: 'nowrap' }}>
          {r.code}
        </a>
      ),
    },
    {
      title: '类型',
      dataIndex: 'ownerType',
      valueType: 'select',
      valueEnum: { store: { text: '门店码' }, clerk: { text: '导购码' } },
      width: 76,
      render: (_, r) => (
        <Tag color={OWNER_TYPE[r.ownerType].color} style={COMPACT_TAG}>
          {OWNER_TYPE[r.ownerType].text}
        </Tag>
      ),
    },
    {
      title: '门店',
      dataIndex: 'storeId',
      valueType: 'select',
      hideInSearch: manager,
      width: 150,
      fieldProps: { options: (scopes.data?.stores ?? []).map((s) => ({ label: `${s.code} ${s.name}`, value: s.id })), showSearch: true, optionFilterProp: 'label' },
      render: (_, r) => (
        <Space direction="vertical" size={0} style={{ maxWidth: 126 }}>
          <Typography.Text ellipsis={{ tooltip: r.storeName }} style={{ maxWidth: 126 }}>
            {r.storeName}
          </Typography.Text>
          <Typography.Text type="secondary" ellipsis style={{ fontSize: 12, maxWidth: 126 }}>
            {[r.storeCode, r.region].filter(Boolean).join(' · ')}
          </Typography.Text>
        </Space>
      ),
    },
    { title: '区域', dataIndex: 'region', valueType: 'select', hideInTable: true, hideInSearch: manager, fieldProps: { options: options(scopes.data?.regions), showSearch: true } },
    { title: '导购', dataIndex: 'staffName', hideInSearch: true, ellipsis: true, renderText: (v) => v ?? '—', width: 82 },
    { title: '扫码', dataIndex: 'scans', sorter: true, hideInSearch: true, align: 'right', width: 72, renderText: (v) => v ?? 0 },
    { title: '新粉丝', dataIndex: 'newFans', sorter: true, hideInSearch: true, align: 'right', width: 84, renderText: (v) => v ?? 0 },
    {
      title: '新会员',
      dataIndex: 'newMembers',
      sorter: true,
      hideInSearch: true,
      align: 'right',
      width: 100,
      render: (_, r) => (
        <span title="新会员 / 新粉丝" style={{ whiteSpace: 'nowrap' }}>
          {r.newMembers ?? 0}
          {r.conversion !== null && r.conversion !== undefined && <Typography.Text type="secondary"> ({Math.round(r.conversion * 100)}%)</Typography.Text>}
        </span>
      ),
    },
    { title: '成交', dataIndex: 'orders', sorter: true, hideInSearch: true, align: 'right', width: 72, renderText: (v) => v ?? 0 },
    {
      title: '销售额',
      dataIndex: 'salesFen',
      sorter: true,
      hideInSearch: true,
      align: 'right',
      width: 104,
      render: (_, r) => (
        <span title={r.refundedFen ? `已退款 ${yuan(r.refundedFen)}` : undefined} style={{ whiteSpace: 'nowrap' }}>
          {yuan(r.salesFen)}
        </span>
      ),
    },
    {
      title: '当前标签',
      dataIndex: 'currentTags',
      hideInSearch: true,
      width: 132,
      render: (_, r) =>
        r.currentTags.length ? (
          <Space size={[4, 4]} wrap>
            {r.currentTags.map((t) => (
              <Tag key={t.id} title={TAG_GROUP[t.group]} style={COMPACT_TAG}>
                {t.name}
              </Tag>
            ))}
          </Space>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    {
      title: '操作',
      valueType: 'option',
      key: 'actions',
      width: 64,
      fixed: 'right',
      render: (_, r) => [
        <a key="detail" data-testid={`qr-detail-${r.id}`} onClick={() => setDetail(r.id)}>
          详情
        </a>,
      ],
    },
  ];

  return (
    <PageContainer
      title="二维码列表"
      content={manager ? '本店的门店码和导购码，以及它们带来的扫码、粉丝、会员和销售。' : '门店码和导购码的效果数据；勾选后或按门店、区域、全部更换海报标签，生成可打印的海报。'}
    >
      <div data-testid="qr-table">
        <ConsoleTable<QrCodeRow>
          actionRef={actionRef}
          columns={columns}
          fetch={listQrCodes}
          search={{ labelWidth: 'auto', defaultCollapsed: false }}
          scroll={{ x: 'max-content' }}
          headerTitle="二维码"
          rowSelection={brand ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(Number)), preserveSelectedRowKeys: true } : undefined}
          tableAlertOptionRender={() => (
            <a onClick={() => setSelected([])} data-testid="qr-clear-selection">
              清空选择
            </a>
          )}
          toolBarRender={() => [
            brand && (
              <Button key="batch" icon={<QrcodeOutlined />} loading={batch.isPending} data-testid="qr-batch-generate" onClick={confirmBatch}>
                批量生成
              </Button>
            ),
            brand && (
              <Button key="schedule" icon={<TagsOutlined />} data-testid="qr-schedule-button" onClick={() => setScheduling(true)}>
                换海报标签{selected.length ? `（已选 ${selected.length}）` : ''}
              </Button>
            ),
            <Button key="posters" type="primary" icon={<FilePdfOutlined />} data-testid="qr-posters-button" onClick={() => setPrinting(true)}>
              生成海报 PDF
            </Button>,
          ]}
        />
      </div>
      {brand && (
        <ScheduleModal
          open={scheduling}
          onOpenChange={setScheduling}
          selectedIds={selected}
          scopes={scopes.data}
          onDone={() => {
            actionRef.current?.reload();
            qc.invalidateQueries({ queryKey: ['qr-codes', 'timeline'] });
          }}
        />
      )}
      <PostersModal open={printing} onOpenChange={setPrinting} scopes={scopes.data} ownStoreId={manager ? (staff?.storeId ?? null) : null} />
      <QrCodeDrawer id={detail} onClose={() => setDetail(null)} />
    </PageContainer>
  );
}
