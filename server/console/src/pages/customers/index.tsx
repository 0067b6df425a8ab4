import { UserOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import { ALL_STAFF, type ConsoleArea } from '../../app/areas';

/** 顾客: find customers (store managers: their store's), the detail with its tabs, the admin's points adjustment. */
export const customersArea: ConsoleArea = {
  key: 'customers',
  name: '顾客',
  icon: <UserOutlined />,
  order: 70,
  pages: [
    { path: '/customers', name: '顾客', roles: ALL_STAFF, component: lazy(() => import('./CustomerListPage')) },
    { path: '/customers/:id', name: '顾客详情', roles: ALL_STAFF, component: lazy(() => import('./CustomerDetailPage')), hideInMenu: true },
  ],
};
