import { ShoppingOutlined } from '@ant-design/icons';
import type { ConsoleArea } from '../../app/areas';

export const ordersArea: ConsoleArea = {
  key: 'orders',
  name: '订单',
  icon: <ShoppingOutlined />,
  order: 80,
  pages: [],
};
