import { AlertOutlined } from '@ant-design/icons';
import type { ConsoleArea } from '../../app/areas';

export const alertsArea: ConsoleArea = {
  key: 'alerts',
  name: '告警',
  icon: <AlertOutlined />,
  order: 90,
  pages: [],
};
