import { Foundation1795376556564 } from './1795376556564-foundation';
import { Payments1795379304280 } from './1795379304280-payments';
import { Coupons1795383637563 } from './1795383637563-coupons';
import { CouponGrants1795388893062 } from './1795388893062-coupon-grants';
import { Campaigns1795389000001 } from './1795389000001-campaigns';
import { TagExpiry1795389300017 } from './1795389300017-tag-expiry';
import { Segments1795389611203 } from './1795389611203-segments';
import { Console1796673269637 } from './1796673269637-console';
import { ConsoleIndexes1796676543301 } from './1796676543301-console-indexes';
import { StoreCounter1796685032527 } from './1796685032527-store-counter';
import { AttemptCounter1796685601703 } from './1796685601703-attempt-counter';

/** Applied in order by `npm run db:migrate` and at dev start. Never edit a shipped migration; add one. */
export const MIGRATIONS = [Foundation1795376556564, Payments1795379304280, Coupons1795383637563, CouponGrants1795388893062, Campaigns1795389000001, TagExpiry1795389300017, Segments1795389611203, Console1796673269637, ConsoleIndexes1796676543301, StoreCounter1796685032527, AttemptCounter1796685601703];
