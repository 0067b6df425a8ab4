import { GiftOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import { BRAND, type ConsoleArea } from '../../app/areas';

/** 优惠券: coupon templates (marketers and admins, as the server's coupon-template routes). */
export const couponsArea: ConsoleArea = {
  key: 'coupons',
  name: '优惠券',
  icon: <GiftOutlined />,
  order: 60,
  pages: [{ path: '/coupons/templates', name: '优惠券模板', roles: BRAND, component: lazy(() => import('./TemplatesPage')) }],
};
