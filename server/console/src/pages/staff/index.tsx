import { TeamOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import { ADMIN_ONLY, ALL_STAFF, MANAGER_AND_ADMIN, type ConsoleArea } from '../../app/areas';

/**
 * 员工: the list (a store manager: their store's; leaving with handover for their clerks), the CSV import (admin) and
 * the printable invite codes (admin, a store manager for their store).
 */
export const staffArea: ConsoleArea = {
  key: 'staff',
  name: '员工',
  icon: <TeamOutlined />,
  order: 30,
  pages: [
    { path: '/staff', name: '员工列表', roles: ALL_STAFF, component: lazy(() => import('./StaffListPage')) },
    { path: '/staff/import', name: '批量导入', roles: ADMIN_ONLY, component: lazy(() => import('./StaffImportPage')) },
    { path: '/staff/invites', name: '邀请码打印', roles: MANAGER_AND_ADMIN, component: lazy(() => import('./InviteSheetPage')) },
  ],
};
