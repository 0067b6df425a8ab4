import { TeamOutlined } from '@ant-design/icons';
import type { ConsoleArea } from '../../app/areas';

export const staffArea: ConsoleArea = {
  key: 'staff',
  name: '员工',
  icon: <TeamOutlined />,
  order: 30,
  pages: [],
};
