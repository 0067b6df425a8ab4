import { CUSTOMER_TABS, ZConsoleCustomerListQuery, ZCustomerTabQuery, ZPointsAdjustmentBody, type CustomerTab } from '@o2o/shared';
import { getCustomerDetail, getCustomerTab } from '../../modules/customer/customer-detail.service';
import { findCustomers } from '../../modules/customer/customer-list.service';
import { scopeOf } from '../../modules/customer/customer-query.service';
import { adjustPoints } from '../../modules/points/points-adjust.service';
import { STAFF } from '../policy';
import { idParam, route, staffOf, type RouteDef } from '../route';

/** Customers are read by the brand (marketer, admin) and by store managers, who see their home store's only (404 otherwise). */
const READERS = STAFF('store_manager', 'marketer', 'admin');
const ADMIN = STAFF('admin');

/** Customers in the console (find, detail and its tabs, manual points adjustment), mounted under /api/admin. */
export const customerAdminRoutes: RouteDef<any, any>[] = [
  route({
    method: 'get',
    path: '/customers',
    policy: READERS,
    query: ZConsoleCustomerListQuery,
    handler: ({ ctx, actor, query }) => findCustomers(ctx, scopeOf(staffOf(actor)), query),
  }),
  // The detail (profile, tags, first page of every tab); `/detail` is the same answer under its own name.
  ...['/customers/:id', '/customers/:id/detail'].map((path) =>
    route({ method: 'get', path, policy: READERS, handler: async ({ ctx, actor, params }) => ({ customer: await getCustomerDetail(ctx, scopeOf(staffOf(actor)), idParam(params)) }) }),
  ),
  ...CUSTOMER_TABS.map((tab: CustomerTab) =>
    route({
      method: 'get',
      path: `/customers/:id/${tab}`,
      policy: READERS,
      query: ZCustomerTabQuery,
      handler: ({ ctx, actor, params, query }) => getCustomerTab(ctx, scopeOf(staffOf(actor)), idParam(params), tab, query),
    }),
  ),
  route({
    method: 'post',
    path: '/customers/:id/points-adjustments',
    policy: ADMIN,
    body: ZPointsAdjustmentBody,
    handler: async ({ ctx, actor, params, body }) => ({ adjustment: await adjustPoints(ctx, staffOf(actor), idParam(params), body) }),
  }),
];
