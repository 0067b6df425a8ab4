import { ShopOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import { ADMIN_ONLY, ALL_STAFF, type ConsoleArea } from '../../app/areas';

/** 门店: the list (a store manager sees their own store) with create/edit, and the CSV import (admin). */
export const storesArea: ConsoleArea = {
  key: 'stores',
  name: '门店',
  icon: <ShopOutlined />,
  order: 20,
  pages: [
    { path: '/stores', name: '门店列表', roles: ALL_STAFF, component: lazy(() => import('./StoreListPage')) },
    { path: '/stores/import', name: '批量导入', roles: ADMIN_ONLY, component: lazy(() => import('./StoreImportPage')) },
  ],
};
