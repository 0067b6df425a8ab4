import { QrcodeOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import { ALL_STAFF, type ConsoleArea } from '../../app/areas';

/**
 * 二维码: the code list with figures, batch generation and poster-tag changes (marketer, admin), poster PDFs and a
 * code's timeline (store managers too, for their store). The server scopes and refuses; this only lays out pages.
 */
export const qrCodesArea: ConsoleArea = {
  key: 'qr-codes',
  name: '二维码',
  icon: <QrcodeOutlined />,
  order: 40,
  pages: [{ path: '/qr-codes', name: '二维码列表', roles: ALL_STAFF, component: lazy(() => import('./QrCodesPage')) }],
};
