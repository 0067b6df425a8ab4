import { GiftOutlined } from '@ant-design/icons';
import type { ConsoleArea } from '../../app/areas';

export const couponsArea: ConsoleArea = {
  key: 'coupons',
  name: '优惠券',
  icon: <GiftOutlined />,
  order: 60,
  pages: [],
};
