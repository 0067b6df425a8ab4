import { PlusOutlined } from '@ant-design/icons';
import { PageContainer, type ActionType, type ProColumns } from '@ant-design/pro-components';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Popconfirm, Space, Tag, Typography } from 'antd';
import type { ConsoleProductView } from '@o2o/shared';
import { useRef, useState } from 'react';
import { listCategories, listProducts, updateProduct } from '../../api/products';
import { ConsoleTable } from '../../components/ConsoleTable';
import { shanghai, yuan } from '../orders/format';
import { MEMBER_PRICE_KIND, memberPriceKind, memberPriceText, PRODUCT_STATUS } from './format';
import { ProductFormDrawer } from './ProductForm';

/**
 * 商品: every SKU of the brand with its sale price and member price as the price tag reads it ("¥1.90 + 6 积分",
 * "¥29.90 送 30 积分"); create and edit in a drawer, 上架/下架 in the row. Marketers and admins (the server's policy).
 */
export default function ProductsPage() {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const actionRef = useRef<ActionType>();
  const [editing, setEditing] = useState<ConsoleProductView | 'new' | null>(null);
  const categories = useQuery({ queryKey: ['products', 'categories'], queryFn: listCategories, staleTime: 60_000 });

  const setStatus = async (p: ConsoleProductView, status: 'active' | 'inactive') => {
    try {
      await updateProduct(p.sku, { status });
      message.success(status === 'active' ? `已上架 ${p.name}` : `已下架 ${p.name}`);
      actionRef.current?.reload();
      qc.invalidateQueries({ queryKey: ['products'] });
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  const columns: ProColumns<ConsoleProductView>[] = [
    { title: 'SKU/名称', dataIndex: 'q', hideInTable: true, fieldProps: { placeholder: 'SKU 或名称（包含）' } },
    { title: 'SKU', dataIndex: 'sku', sorter: true, hideInSearch: true, width: 130, render: (_, p) => <Typography.Text copyable={{ text: p.sku }}>{p.sku}</Typography.Text> },
    { title: '商品名称', dataIndex: 'name', hideInSearch: true, ellipsis: true },
    {
      title: '品类',
      dataIndex: 'categoryId',
      valueType: 'select',
      width: 100,
      fieldProps: { options: (categories.data ?? []).map((c) => ({ value: c.id, label: c.name })), showSearch: true, optionFilterProp: 'label' },
      render: (_, p) => p.category,
    },
    { title: '售价', dataIndex: 'priceFen', sorter: true, hideInSearch: true, align: 'right', width: 100, render: (_, p) => yuan(p.priceFen) },
    {
      title: '会员价',
      dataIndex: 'memberPrice',
      valueType: 'select',
      valueEnum: Object.fromEntries(Object.entries(MEMBER_PRICE_KIND).map(([k, text]) => [k, { text }])),
      width: 190,
      render: (_, p) => {
        const kind = memberPriceKind(p);
        if (kind === 'none') return <Typography.Text type="secondary">—</Typography.Text>;
        return (
          <Space size={6} style={{ whiteSpace: 'nowrap' }} data-testid={`product-member-price-${p.sku}`}>
            <span>{memberPriceText(p)}</span>
            {kind === 'give' && <Tag color="gold">送积分</Tag>}
          </Space>
        );
      },
    },
    {
      title: '状态',
      dataIndex: 'status',
      valueType: 'select',
      valueEnum: { active: { text: '在售' }, inactive: { text: '已下架' } },
      width: 90,
      render: (_, p) => <Tag color={PRODUCT_STATUS[p.status].color}>{PRODUCT_STATUS[p.status].text}</Tag>,
    },
    { title: '更新时间', dataIndex: 'updatedAt', sorter: true, hideInSearch: true, width: 150, render: (_, p) => shanghai(p.updatedAt) },
    {
      title: '操作',
      valueType: 'option',
      key: 'actions',
      width: 120,
      render: (_, p) => [
        <a key="edit" data-testid={`product-edit-${p.sku}`} onClick={() => setEditing(p)}>
          编辑
        </a>,
        p.status === 'active' ? (
          <Popconfirm
            key="off"
            title={`下架「${p.name}」？`}
            description="下架后小程序菜单和收银机不再售卖此商品；已有订单不受影响，可随时重新上架。"
            okText="下架"
            okButtonProps={{ danger: true }}
            onConfirm={() => setStatus(p, 'inactive')}
          >
            <a data-testid={`product-deactivate-${p.sku}`}>下架</a>
          </Popconfirm>
        ) : (
          <a key="on" data-testid={`product-activate-${p.sku}`} onClick={() => void setStatus(p, 'active')}>
            上架
          </a>
        ),
      ],
    },
  ];

  return (
    <PageContainer title="商品" content="全品牌商品：售价与会员价（现金+积分，或现金送积分）。改价只影响新订单；下架的商品不再出现在小程序菜单和收银机。">
      <div data-testid="products-table">
        <ConsoleTable<ConsoleProductView>
          rowKey="sku"
          actionRef={actionRef}
          columns={columns}
          fetch={listProducts}
          headerTitle="商品列表"
          toolBarRender={() => [
            <Button key="new" type="primary" icon={<PlusOutlined />} data-testid="product-create-button" onClick={() => setEditing('new')}>
              新建商品
            </Button>,
          ]}
        />
      </div>
      <ProductFormDrawer
        product={editing && editing !== 'new' ? editing : null}
        open={editing !== null}
        categories={categories.data ?? []}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          actionRef.current?.reload();
          qc.invalidateQueries({ queryKey: ['products'] });
        }}
      />
    </PageContainer>
  );
}
