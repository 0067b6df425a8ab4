import { AppstoreOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import { BRAND, type ConsoleArea } from '../../app/areas';

/** 商品: SKUs, sale and member prices (现金+积分 / 现金送积分), 上架/下架 (marketers and admins, as the product routes). */
export const productsArea: ConsoleArea = {
  key: 'products',
  name: '商品',
  icon: <AppstoreOutlined />,
  order: 55,
  pages: [{ path: '/products', name: '商品', roles: BRAND, component: lazy(() => import('./ProductsPage')) }],
};
