import { Foundation1795376556564 } from './1795376556564-foundation';
import { Payments1795379304280 } from './1795379304280-payments';
import { Coupons1795383637563 } from './1795383637563-coupons';

/** Applied in order by `npm run db:migrate` and at dev start. Never edit a shipped migration; add one. */
export const MIGRATIONS = [Foundation1795376556564, Payments1795379304280, Coupons1795383637563];
