import type { CustomerView } from '@o2o/shared';

/**
 * The store the customer orders from: the one they last scanned or chose (`orderingStore`; the server already falls
 * back to the home store), else the home store.
 */
export function orderingStoreOf(customer: CustomerView | null | undefined): { id: number; name: string } | null {
  if (!customer) return null;
  return customer.orderingStore ?? customer.store ?? null;
}
