import { ShopOutlined } from '@ant-design/icons';
import type { ConsoleArea } from '../../app/areas';

export const storesArea: ConsoleArea = {
  key: 'stores',
  name: '门店',
  icon: <ShopOutlined />,
  order: 20,
  pages: [],
};
