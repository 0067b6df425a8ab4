import { useCallback, useEffect, useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { addItem, parseCart, reconcile, setQuantity, type Cart } from './cart';

const keyOf = (storeId: number | undefined) => `o2o.cart.v1.${storeId ?? 'any'}`;

export interface UseCart {
  cart: Cart;
  add: (sku: string, delta?: number) => boolean;
  set: (sku: string, quantity: number) => void;
  clear: () => void;
  /** Forget SKUs the menu no longer has. */
  keepOnly: (skus: ReadonlySet<string>) => void;
}

/** The cart of one store, kept across page visits in Taro storage. */
export function useCart(storeId: number | undefined): UseCart {
  const [cart, setCart] = useState<Cart>(() => load(storeId));
  // The latest cart, updated synchronously so quick taps build on each other.
  const current = useRef(cart);

  useEffect(() => {
    current.current = load(storeId);
    setCart(current.current);
  }, [storeId]);

  const update = useCallback(
    (next: (c: Cart) => Cart): boolean => {
      const prev = current.current;
      const c = next(prev);
      if (c === prev) return false;
      current.current = c;
      save(storeId, c);
      setCart(c);
      return true;
    },
    [storeId],
  );

  const add = useCallback((sku: string, delta = 1) => update((c) => addItem(c, sku, delta)), [update]);
  const set = useCallback((sku: string, quantity: number) => void update((c) => setQuantity(c, sku, quantity)), [update]);
  const clear = useCallback(() => void update((c) => (c.length ? [] : c)), [update]);
  const keepOnly = useCallback((skus: ReadonlySet<string>) => void update((c) => reconcile(c, skus)), [update]);
  return { cart, add, set, clear, keepOnly };
}

function load(storeId: number | undefined): Cart {
  try {
    return parseCart(Taro.getStorageSync(keyOf(storeId)));
  } catch {
    return [];
  }
}

function save(storeId: number | undefined, cart: Cart): void {
  try {
    Taro.setStorageSync(keyOf(storeId), cart);
  } catch {
    // storage unavailable: the cart still lives for this visit
  }
}
