/**
 * The cart as plain data: SKU lines in the order they were added. Pure functions only (tested without a
 * page); `use-cart.ts` keeps it in state and storage, `quote.ts` prices it with the shared pricing.
 * Limits mirror `POST /api/app/orders`: at most 50 lines, quantity 1–99 per line.
 */
export interface CartLine {
  sku: string;
  quantity: number;
}
export type Cart = readonly CartLine[];

export const MAX_QUANTITY = 99;
export const MAX_LINES = 50;

export function quantityOf(cart: Cart, sku: string): number {
  return cart.find((l) => l.sku === sku)?.quantity ?? 0;
}

export function itemCount(cart: Cart): number {
  return cart.reduce((n, l) => n + l.quantity, 0);
}

/**
 * Sets a line's quantity: 0 or less removes it, more than 99 is capped, a new SKU beyond 50 lines is
 * refused (the cart comes back unchanged; compare with `===` to tell the user).
 */
export function setQuantity(cart: Cart, sku: string, quantity: number): Cart {
  const q = Math.min(Math.max(0, Math.floor(quantity)), MAX_QUANTITY);
  const i = cart.findIndex((l) => l.sku === sku);
  if (i === -1) {
    if (q === 0 || cart.length >= MAX_LINES) return cart;
    return [...cart, { sku, quantity: q }];
  }
  if (q === 0) return cart.filter((l) => l.sku !== sku);
  if (cart[i].quantity === q) return cart;
  return cart.map((l, j) => (j === i ? { sku, quantity: q } : l));
}

export function addItem(cart: Cart, sku: string, delta = 1): Cart {
  return setQuantity(cart, sku, quantityOf(cart, sku) + delta);
}

/** Drops lines whose SKU is no longer sold (the menu changed since the cart was saved). */
export function reconcile(cart: Cart, available: ReadonlySet<string>): Cart {
  const kept = cart.filter((l) => available.has(l.sku));
  return kept.length === cart.length ? cart : kept;
}

/** Accepts only what `setQuantity` could have produced (storage may hold anything). */
export function parseCart(value: unknown): Cart {
  if (!Array.isArray(value)) return [];
  let cart: Cart = [];
  for (const v of value) {
    if (v && typeof v === 'object' && typeof v.sku === 'string' && Number.isInteger(v.quantity)) {
      cart = setQuantity(cart, v.sku, v.quantity);
    }
  }
  return cart;
}

/** The body of `POST /api/app/orders` without the checkout choices (coupon, points), which checkout adds. */
export interface OrderDraft {
  storeId: number;
  items: { sku: string; quantity: number }[];
}

export function toOrderDraft(storeId: number, cart: Cart): OrderDraft {
  return { storeId, items: cart.map((l) => ({ sku: l.sku, quantity: l.quantity })) };
}
