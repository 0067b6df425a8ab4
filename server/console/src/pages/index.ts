import type { ConsoleArea } from '../app/areas';
import { homeArea } from './home';
import { storesArea } from './stores';
import { staffArea } from './staff';
import { qrCodesArea } from './qr-codes';
import { tagsArea } from './tags';
import { couponsArea } from './coupons';
import { customersArea } from './customers';
import { ordersArea } from './orders';
import { alertsArea } from './alerts';
import { auditArea } from './audit';
import { posArea } from './pos';
import { productsArea } from './products';

/** Every area of the console. A new area (marketing, analytics) is one import and one entry here; the shell reads this list. */
export const AREAS: ConsoleArea[] = [homeArea, storesArea, staffArea, qrCodesArea, tagsArea, couponsArea, customersArea, ordersArea, alertsArea, auditArea, posArea, productsArea];
