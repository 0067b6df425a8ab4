import { AlertOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import { BRAND, type ConsoleArea } from '../../app/areas';

/** 告警: marketers and admins read them (the header bell), admins resolve them. */
export const alertsArea: ConsoleArea = {
  key: 'alerts',
  name: '告警',
  icon: <AlertOutlined />,
  order: 90,
  pages: [{ path: '/alerts', name: '告警', roles: BRAND, component: lazy(() => import('./AlertsPage')) }],
};
