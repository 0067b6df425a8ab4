import type { CustomerView } from '@o2o/shared';

/** The badge on the member card: fans are 粉丝, members show their level number from the server. */
export function memberBadge(customer: Pick<CustomerView, 'isMember' | 'level'>): string {
  if (!customer.isMember) return '粉丝';
  return customer.level > 0 ? `会员 · V${customer.level}` : '会员';
}
