import { ZCreateProductBody, ZUpdateProductBody } from '@o2o/shared';
import { createProduct, listProducts, updateProduct } from '../../modules/catalogue/catalogue.service';
import { STAFF } from '../policy';
import { route, type RouteDef } from '../route';

const CONSOLE = STAFF('marketer', 'admin');

/** Products, mounted under /api/admin. */
export const catalogueAdminRoutes: RouteDef<any, any>[] = [

  route({ method: 'get', path: '/products', policy: CONSOLE, handler: async ({ ctx }) => ({ items: await listProducts(ctx) }) }),
  route({ method: 'post', path: '/products', policy: CONSOLE, body: ZCreateProductBody, status: 201, handler: async ({ ctx, body }) => ({ product: await createProduct(ctx, body) }) }),

  route({
    method: 'patch',
    path: '/products/:sku',
    policy: CONSOLE,
    body: ZUpdateProductBody,
    handler: async ({ ctx, params, body }) => ({ product: await updateProduct(ctx, params.sku, body) }),
  }),
];
