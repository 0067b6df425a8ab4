import type { ProductView } from '@o2o/shared';
import { request } from './request';

/**
 * One product as `GET /api/app/products` lists it. `category` (the name) is not in API.md's list yet:
 * the menu groups by `categoryId` and shows the name when the server sends it.
 */
export type MenuProduct = Omit<ProductView, 'category'> & { category?: string };

/** `GET /api/app/products?storeId=`: the store's active products, ordered by category then SKU. */
export async function listProducts(storeId?: number): Promise<MenuProduct[]> {
  const res = await request<{ items: MenuProduct[] }>('/api/app/products', { query: { storeId } });
  return res.items;
}
