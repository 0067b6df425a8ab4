import { PageContainer, type ProColumns } from '@ant-design/pro-components';
import { Button, Tag, Typography } from 'antd';
import { normalizeMainlandPhone, type ConsoleCustomerRow } from '@o2o/shared';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { listCustomers } from '../../api/customers';
import { useStaff } from '../../app/session';
import { ConsoleTable } from '../../components/ConsoleTable';
import { ExportButton } from '../../components/ExportButton';
import type { Query } from '../../api/request';
import { shanghai, yuan } from '../orders/format';
import { StoreSelect } from '../orders/StoreSelect';
import { TagSelect } from '../tags/TagSelect';
import { ClerkSelect } from './ClerkSelect';

const MEMBER_ENUM = { true: { text: '会员' }, false: { text: '粉丝' } };
/** 'YYYY-MM-DD HH:mm' and the header's sort arrows. */
const DATE_WIDTH = 132;

/**
 * 顾客: find customers by exact phone number (the server looks it up through the blind index), filter by store,
 * clerk, tag and member or fan; sort by last visit, last purchase, spend or sign-up. A row opens the detail.
 * The phone stays out of the URL (the other filters and the page are synced to it).
 */
export default function CustomerListPage() {
  const navigate = useNavigate();
  const isManager = useStaff()?.role === 'store_manager';
  // The filters of the rows on screen: an export takes exactly these.
  const [filters, setFilters] = useState<Query>({});

  const columns: ProColumns<ConsoleCustomerRow>[] = [
    {
      title: '手机号',
      dataIndex: 'phone',
      hideInTable: true,
      fieldProps: { placeholder: '完整 11 位手机号', 'data-testid': 'customers-phone-search', allowClear: true },
      formItemProps: {
        rules: [{ validator: async (_r, v) => (!v || normalizeMainlandPhone(String(v)) ? undefined : Promise.reject(new Error('请输入 11 位手机号'))) }],
      },
    },
    {
      title: '顾客',
      dataIndex: 'phoneMasked',
      hideInSearch: true,
      width: 120,
      render: (_, r) => (
        <Link to={`/customers/${r.id}`} data-testid={`customer-row-${r.id}`} onClick={(e) => e.stopPropagation()}>
          {r.phoneMasked ?? `粉丝 #${r.id}`}
        </Link>
      ),
    },
    {
      title: '类型',
      dataIndex: 'isMember',
      valueType: 'select',
      valueEnum: MEMBER_ENUM,
      fieldProps: { placeholder: '会员和粉丝' },
      width: 64,
      render: (_, r) => (r.isMember ? <Tag color="red">会员</Tag> : <Tag>粉丝</Tag>),
    },
    // hidden at first (the ⚙ column setting shows it): levels matter less than where and when a customer buys
    { title: '等级', dataIndex: 'level', key: 'level', hideInSearch: true, width: 56, align: 'right' },
    { title: '积分', dataIndex: 'pointsBalance', hideInSearch: true, width: 72, align: 'right' },
    {
      title: '门店',
      dataIndex: 'storeId',
      // a store manager's customers are all of their store
      hideInSearch: isManager,
      hideInTable: isManager,
      width: 150,
      render: (_, r) => (r.store ? <Typography.Text ellipsis={{ tooltip: r.store.name }} style={{ maxWidth: '100%' }}>{r.store.name}</Typography.Text> : '—'),
      renderFormItem: () => <StoreSelect />,
    },
    {
      title: '专属导购',
      dataIndex: 'clerkId',
      width: 96,
      render: (_, r) => (r.clerk ? <Typography.Text ellipsis={{ tooltip: r.clerk.name }} style={{ maxWidth: '100%' }}>{r.clerk.name}</Typography.Text> : '—'),
      renderFormItem: () => <ClerkSelect />,
    },
    { title: '标签', dataIndex: 'tagId', hideInTable: true, renderFormItem: () => <TagSelect placeholder="全部标签" testId="customers-tag-filter" /> },
    { title: '订单数', dataIndex: 'orderCount', hideInSearch: true, width: 64, align: 'right' },
    { title: '累计消费', dataIndex: 'totalSpendFen', hideInSearch: true, sorter: true, align: 'right', width: 104, render: (_, r) => yuan(r.totalSpendFen) },
    { title: '最近到店', dataIndex: 'lastVisitAt', hideInSearch: true, sorter: true, width: DATE_WIDTH, render: (_, r) => shanghai(r.lastVisitAt) },
    { title: '最近购买', dataIndex: 'lastPurchaseAt', hideInSearch: true, sorter: true, width: DATE_WIDTH, render: (_, r) => shanghai(r.lastPurchaseAt) },
    { title: '首次到访', dataIndex: 'createdAt', hideInSearch: true, sorter: true, width: DATE_WIDTH, render: (_, r) => shanghai(r.createdAt) },
  ];
  // Shown columns' widths: they fit what a 1440 px screen leaves the table, so nothing scrolls there.
  const tableWidth = 120 + 64 + 72 + (isManager ? 0 : 150) + 96 + 64 + 104 + 3 * DATE_WIDTH;

  return (
    <PageContainer title="顾客" content={isManager ? '本门店的顾客：按手机号查找，按导购、标签、会员筛选。' : '按手机号查找顾客（完整号码），按门店、导购、标签、会员或粉丝筛选。'}>
      <div data-testid="customers-table">
        <ConsoleTable<ConsoleCustomerRow>
          columns={columns}
          fetch={async (q) => {
            if (typeof q.phone === 'string') q.phone = normalizeMainlandPhone(q.phone) ?? q.phone;
            setFilters(q);
            return listCustomers(q);
          }}
          toolBarRender={() => [<ExportButton key="export" kind="customers" filters={filters} />]}
          // A phone number is personal data: it never goes into the address bar or the history.
          form={{ syncToUrl: (values, type) => (type === 'get' ? values : { ...values, phone: undefined }) }}
          search={{
            labelWidth: 'auto',
            defaultCollapsed: false,
            optionRender: ({ form }) => [
              <Button key="reset" onClick={() => (form?.resetFields(), form?.submit())}>
                重置
              </Button>,
              <Button key="submit" type="primary" data-testid="customers-search-submit" onClick={() => form?.submit()}>
                查询
              </Button>,
            ],
          }}
          onRow={(r) => ({ onClick: () => navigate(`/customers/${r.id}`), style: { cursor: 'pointer' } })}
          scroll={{ x: tableWidth }}
          columnsState={{ defaultValue: { level: { show: false } } }}
          headerTitle="顾客列表"
          locale={{ emptyText: <Typography.Text type="secondary">没有符合条件的顾客</Typography.Text> }}
        />
      </div>
    </PageContainer>
  );
}
