import { AuditOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import { MANAGER_AND_ADMIN, type ConsoleArea } from '../../app/areas';

/** 操作日志: admins the brand's, store managers their store's (as GET /api/admin/audit scopes it). */
export const auditArea: ConsoleArea = {
  key: 'audit',
  name: '操作日志',
  icon: <AuditOutlined />,
  order: 100,
  pages: [{ path: '/audit', name: '操作日志', roles: MANAGER_AND_ADMIN, component: lazy(() => import('./AuditPage')) }],
};
