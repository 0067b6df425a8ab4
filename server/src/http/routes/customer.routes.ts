import { ZCustomerListQuery } from '@o2o/shared';
import { getCustomerForStaff, listCustomers } from '../../modules/customer/customer-query.service';
import { STAFF } from '../policy';
import { idParam, route, type RouteDef } from '../route';

const CONSOLE = STAFF('marketer', 'admin');

/** Customers in the console (find, detail), mounted under /api/admin. */
export const customerAdminRoutes: RouteDef<any, any>[] = [

  route({ method: 'get', path: '/customers', policy: CONSOLE, query: ZCustomerListQuery, handler: ({ ctx, query }) => listCustomers(ctx, {}, query) }),
  route({ method: 'get', path: '/customers/:id', policy: CONSOLE, handler: async ({ ctx, params }) => ({ customer: await getCustomerForStaff(ctx, {}, idParam(params)) }) }),
];
