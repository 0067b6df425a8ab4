import type { PickupView } from '@o2o/shared';

/** What the clerk typed, spaces dropped (people type codes in groups). */
export function pickupQuery(text: string): string {
  return text.replace(/\s/g, '');
}

/** The pre-orders whose code starts with what was typed (the counter reads codes out digit by digit). */
export function filterPickups(items: readonly PickupView[], query: string): PickupView[] {
  const q = pickupQuery(query);
  return q ? items.filter((p) => p.pickupCode.startsWith(q)) : [...items];
}

/** A full code that is not in today's list (an older pre-order): the page offers to look it up by code. */
export function isCompleteCode(query: string): boolean {
  return /^\d{4,8}$/.test(pickupQuery(query));
}

/** Replaces one pickup in the list with the server's newer view of it. */
export function replacePickup(items: readonly PickupView[], updated: PickupView): PickupView[] {
  return items.some((p) => p.orderId === updated.orderId) ? items.map((p) => (p.orderId === updated.orderId ? updated : p)) : [updated, ...items];
}

export function itemsText(p: Pick<PickupView, 'items'>): string {
  return p.items.map((i) => `${i.name}×${i.quantity}`).join('、');
}
