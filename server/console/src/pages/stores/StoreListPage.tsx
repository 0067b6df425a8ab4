import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { DrawerForm, PageContainer, ProFormRadio, ProFormText, ProTable, type ActionType, type ProColumns } from '@ant-design/pro-components';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Modal, Tag } from 'antd';
import { IMPORT_TEMPLATES, STORE_IMPORT_COLUMNS, ZCreateStoreBody, type StoreStatus, type StoreView, type TCreateStoreBody, type TUpdateStoreBody } from '@o2o/shared';
import { useRef, useState } from 'react';
import { createStore, importStores, listStores, storeFacets, updateStore } from '../../api/stores';
import { useStaff } from '../../app/session';
import { CsvImport } from '../../components/CsvImport';
import { ConsoleTable } from '../../components/ConsoleTable';
import { compact, zodRule } from '../../components/zod-rules';
import { shanghai, STORE_STATUS } from './format';

interface StoreFormValues {
  code?: string;
  name: string;
  city?: string;
  region?: string;
  address?: string;
  status?: StoreStatus;
}

/** 门店列表: filters synced to the URL, create/edit in a drawer (admin), CSV import in a dialog (admin). */
export default function StoreListPage() {
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const role = useStaff()?.role;
  const isAdmin = role === 'admin';
  const actionRef = useRef<ActionType>();
  const [editing, setEditing] = useState<StoreView | 'new' | null>(null);
  const [importing, setImporting] = useState(false);
  const facets = useQuery({ queryKey: ['stores', 'facets'], queryFn: storeFacets, staleTime: 60_000 });
  const options = (values?: string[]) => (values ?? []).map((v) => ({ label: v, value: v }));

  const columns: ProColumns<StoreView>[] = [
    { title: '编码/名称', dataIndex: 'q', hideInTable: true, fieldProps: { placeholder: '门店编码或名称（包含）' } },
    { title: '门店编码', dataIndex: 'code', sorter: true, hideInSearch: true, copyable: true, width: 140 },
    { title: '门店名称', dataIndex: 'name', sorter: true, hideInSearch: true },
    { title: '城市', dataIndex: 'city', valueType: 'select', fieldProps: { options: options(facets.data?.cities), showSearch: true }, renderText: (v) => v ?? '—', width: 100 },
    { title: '区域', dataIndex: 'region', valueType: 'select', fieldProps: { options: options(facets.data?.regions), showSearch: true }, renderText: (v) => v ?? '—', width: 120 },
    { title: '地址', dataIndex: 'address', hideInSearch: true, ellipsis: true, renderText: (v) => v ?? '—' },
    {
      title: '状态',
      dataIndex: 'status',
      valueType: 'select',
      valueEnum: { active: { text: '营业' }, closed: { text: '停业' } },
      render: (_, r) => <Tag color={STORE_STATUS[r.status].color}>{STORE_STATUS[r.status].text}</Tag>,
      width: 90,
    },
    { title: '创建时间', dataIndex: 'createdAt', sorter: true, hideInSearch: true, render: (_, r) => shanghai(r.createdAt), width: 150 },
    {
      title: '操作',
      valueType: 'option',
      key: 'actions',
      hideInTable: !isAdmin,
      width: 80,
      render: (_, r) => [
        <a key="edit" data-testid={`stores-edit-${r.id}`} onClick={() => setEditing(r)}>
          编辑
        </a>,
      ],
    },
  ];

  const editingStore = editing && editing !== 'new' ? editing : null;
  const save = async (v: StoreFormValues): Promise<boolean> => {
    try {
      if (editingStore) {
        if (v.status === 'closed' && editingStore.status !== 'closed') {
          const ok = await modal.confirm({ title: `确认将 ${editingStore.name} 设为停业？`, content: '停业门店不能再新增或调入员工，员工导入中该门店的行会报错。', okText: '设为停业', okButtonProps: { danger: true } });
          if (!ok) return false;
        }
        const body: TUpdateStoreBody = { name: v.name, city: v.city || null, region: v.region || null, address: v.address || null, status: v.status };
        await updateStore(editingStore.id, body);
        message.success('已保存');
      } else {
        const store = await createStore(compact({ ...v }) as TCreateStoreBody);
        message.success(`已新建门店 ${store.code}`);
      }
      actionRef.current?.reload();
      qc.invalidateQueries({ queryKey: ['stores'] });
      return true;
    } catch (e) {
      message.error((e as Error).message);
      return false;
    }
  };

  return (
    <PageContainer title="门店列表" content={role === 'store_manager' ? '你所在的门店。' : '全品牌门店：按编码、名称、城市、区域和状态筛选。'}>
      <div data-testid="stores-table">
        <ConsoleTable<StoreView>
          actionRef={actionRef}
          columns={columns}
          fetch={listStores}
          search={role === 'store_manager' ? false : { labelWidth: 'auto', defaultCollapsed: false }}
          headerTitle="门店"
          toolBarRender={() =>
            isAdmin
              ? [
                  <Button key="import" icon={<UploadOutlined />} data-testid="stores-import-button" onClick={() => setImporting(true)}>
                    导入
                  </Button>,
                  <Button key="new" type="primary" icon={<PlusOutlined />} data-testid="stores-create-button" onClick={() => setEditing('new')}>
                    新建门店
                  </Button>,
                ]
              : []
          }
        />
      </div>

      <DrawerForm<StoreFormValues>
        key={editingStore ? `edit-${editingStore.id}` : 'new'}
        title={editingStore ? `编辑门店 ${editingStore.code}` : '新建门店'}
        open={editing !== null}
        onOpenChange={(open) => !open && setEditing(null)}
        initialValues={
          editingStore
            ? { name: editingStore.name, city: editingStore.city ?? undefined, region: editingStore.region ?? undefined, address: editingStore.address ?? undefined, status: editingStore.status }
            : {}
        }
        drawerProps={{ destroyOnHidden: true }}
        onFinish={save}
        submitter={{ submitButtonProps: { 'data-testid': 'stores-form-submit' } }}
      >
        {editingStore ? (
          <ProFormText label="门店编码" fieldProps={{ value: editingStore.code }} disabled extra="门店编码是门店的唯一标识，印在海报上，不能修改" />
        ) : (
          <ProFormText name="code" label="门店编码" placeholder="留空自动生成" rules={zodRule(ZCreateStoreBody, 'code', '字母、数字、- 或 _，最长 32 位')} />
        )}
        <ProFormText name="name" label="门店名称" rules={zodRule(ZCreateStoreBody, 'name', '必填，最长 64 字')} />
        <ProFormText name="city" label="城市" rules={zodRule(ZCreateStoreBody, 'city', '最长 64 字')} />
        <ProFormText name="region" label="区域" placeholder="如 华东一区" rules={zodRule(ZCreateStoreBody, 'region', '最长 64 字')} extra="区域用于按区域批量换海报标签" />
        <ProFormText name="address" label="地址" rules={zodRule(ZCreateStoreBody, 'address', '最长 200 字')} />
        {editingStore && (
          <ProFormRadio.Group
            name="status"
            label="状态"
            options={[
              { label: '营业', value: 'active' },
              { label: '停业', value: 'closed' },
            ]}
          />
        )}
      </DrawerForm>

      <Modal title="导入门店" open={importing} onCancel={() => setImporting(false)} footer={null} width={1000} destroyOnHidden>
        <CsvImport
          columns={STORE_IMPORT_COLUMNS}
          template={IMPORT_TEMPLATES.stores}
          run={importStores}
          onApplied={() => {
            actionRef.current?.reload();
            qc.invalidateQueries({ queryKey: ['stores'] });
          }}
        />
      </Modal>
    </PageContainer>
  );
}
