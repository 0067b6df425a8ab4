import { QrcodeOutlined } from '@ant-design/icons';
import type { ConsoleArea } from '../../app/areas';

export const qrCodesArea: ConsoleArea = {
  key: 'qr-codes',
  name: '二维码',
  icon: <QrcodeOutlined />,
  order: 40,
  pages: [],
};
