import { UserOutlined } from '@ant-design/icons';
import type { ConsoleArea } from '../../app/areas';

export const customersArea: ConsoleArea = {
  key: 'customers',
  name: '顾客',
  icon: <UserOutlined />,
  order: 70,
  pages: [],
};
