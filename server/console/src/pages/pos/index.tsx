import { DesktopOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import { ADMIN_ONLY, type ConsoleArea } from '../../app/areas';

/** 收银终端: the POS API's per-terminal credentials (admin only, as the server's pos-terminal routes). */
export const posArea: ConsoleArea = {
  key: 'pos',
  name: '收银终端',
  icon: <DesktopOutlined />,
  order: 25,
  pages: [{ path: '/pos-terminals', name: '收银终端', roles: ADMIN_ONLY, component: lazy(() => import('./PosTerminalsPage')) }],
};
