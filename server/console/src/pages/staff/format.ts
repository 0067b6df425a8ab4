import type { StaffRole, StaffStatus } from '@o2o/shared';
import { ROLE_LABEL } from '../../app/areas';

export const STAFF_ROLE: Record<StaffRole, { text: string; color: string }> = {
  clerk: { text: ROLE_LABEL.clerk, color: 'blue' },
  store_manager: { text: ROLE_LABEL.store_manager, color: 'purple' },
  marketer: { text: ROLE_LABEL.marketer, color: 'cyan' },
  admin: { text: ROLE_LABEL.admin, color: 'gold' },
};
export const STAFF_STATUS: Record<StaffStatus, { text: string; color: string }> = {
  active: { text: '在职', color: 'green' },
  left: { text: '已离职', color: 'default' },
};
