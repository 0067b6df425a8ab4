import { HomeOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import { ALL_STAFF, type ConsoleArea } from '../../app/areas';

export const homeArea: ConsoleArea = {
  key: 'home',
  name: '工作台',
  icon: <HomeOutlined />,
  order: 10,
  pages: [{ path: '/home', name: '工作台', roles: ALL_STAFF, component: lazy(() => import('./HomePage')) }],
};
