import type { CategoryView, ConsoleProductView, PagedList, TCreateProductBody, TUpdateProductBody } from '@o2o/shared';
import { get, patch, post, type Query } from './request';

/** Products (商品): marketers and admins. A SKU is addressed by its code (`sku`), which never changes. */
export const listProducts = (q: Query) => get<PagedList<ConsoleProductView>>('/products', q);
export const listCategories = () => get<{ items: CategoryView[] }>('/products/categories').then((r) => r.items);
export const createProduct = (body: TCreateProductBody) => post<{ product: ConsoleProductView }>('/products', body).then((r) => r.product);
export const updateProduct = (sku: string, body: TUpdateProductBody) => patch<{ product: ConsoleProductView }>(`/products/${encodeURIComponent(sku)}`, body).then((r) => r.product);
