import { ShoppingOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import { ALL_STAFF, type ConsoleArea } from '../../app/areas';

/** 订单: the list (store managers: their store's) and the detail with the refund confirmation. */
export const ordersArea: ConsoleArea = {
  key: 'orders',
  name: '订单',
  icon: <ShoppingOutlined />,
  order: 80,
  pages: [
    { path: '/orders', name: '订单', roles: ALL_STAFF, component: lazy(() => import('./OrdersPage')) },
    { path: '/orders/:id', name: '订单详情', roles: ALL_STAFF, component: lazy(() => import('./OrderDetailPage')), hideInMenu: true },
  ],
};
