import { ZCreateProductBody, ZProductListQuery, ZUpdateProductBody } from '@o2o/shared';
import type { Context } from 'koa';
import { createProduct, listCategories, listConsoleProducts, listProducts, updateProduct } from '../../modules/catalogue/catalogue.service';
import { STAFF } from '../policy';
import { route, staffOf, type RouteDef } from '../route';

const CONSOLE = STAFF('marketer', 'admin');

/** Callers that send no paging parameter (the coupon form's pickers) get every active SKU, as before paging. */
const unpaged = (koa: Context) => koa.query.current === undefined && koa.query.pageSize === undefined;

/** Products (商品), mounted under /api/admin: marketers and admins; every write audited. */
export const catalogueAdminRoutes: RouteDef<any, any>[] = [
  route({
    method: 'get',
    path: '/products',
    policy: CONSOLE,
    query: ZProductListQuery,
    handler: async ({ ctx, query, koa }) => {
      if (!unpaged(koa)) return listConsoleProducts(ctx, query);
      const items = await listProducts(ctx);
      return { items, total: items.length };
    },
  }),
  route({ method: 'get', path: '/products/categories', policy: CONSOLE, handler: async ({ ctx }) => ({ items: await listCategories(ctx) }) }),
  route({
    method: 'post',
    path: '/products',
    policy: CONSOLE,
    body: ZCreateProductBody,
    status: 201,
    handler: async ({ ctx, actor, body }) => ({ product: await createProduct(ctx, body, staffOf(actor)) }),
  }),
  route({
    method: 'patch',
    path: '/products/:sku',
    policy: CONSOLE,
    body: ZUpdateProductBody,
    handler: async ({ ctx, actor, params, body }) => ({ product: await updateProduct(ctx, params.sku, body, staffOf(actor)) }),
  }),
];
