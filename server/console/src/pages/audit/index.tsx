import { AuditOutlined } from '@ant-design/icons';
import type { ConsoleArea } from '../../app/areas';

export const auditArea: ConsoleArea = {
  key: 'audit',
  name: '操作日志',
  icon: <AuditOutlined />,
  order: 100,
  pages: [],
};
