import { ZCreateStaffBody, ZCreateStoreBody, ZHandoverBody, ZQueryId, z } from '@o2o/shared';
import { handoverCustomers } from '../../modules/customer/handover.service';
import { createStaff, listStaff, markStaffLeft } from '../../modules/staff/staff.service';
import { createStore, listStores } from '../../modules/store/store.service';
import { STAFF } from '../policy';
import { idParam, route, staffOf, type RouteDef } from '../route';

const CONSOLE = STAFF('marketer', 'admin');
const ADMIN = STAFF('admin');

/** Stores and staff in the console, mounted under /api/admin. */
export const storeAdminRoutes: RouteDef<any, any>[] = [

  route({ method: 'get', path: '/stores', policy: CONSOLE, handler: async ({ ctx }) => ({ items: await listStores(ctx) }) }),
  route({ method: 'post', path: '/stores', policy: ADMIN, body: ZCreateStoreBody, status: 201, handler: async ({ ctx, body }) => ({ store: await createStore(ctx, body) }) }),

  route({
    method: 'get',
    path: '/staff',
    policy: ADMIN,
    query: z.strictObject({ storeId: ZQueryId.optional() }),
    handler: async ({ ctx, actor, query }) => ({ items: await listStaff(ctx, staffOf(actor), query.storeId) }),
  }),
  route({ method: 'post', path: '/staff', policy: ADMIN, body: ZCreateStaffBody, status: 201, handler: ({ ctx, body }) => createStaff(ctx, body) }),
  route({ method: 'post', path: '/staff/:id/leave', policy: ADMIN, handler: async ({ ctx, actor, params }) => ({ staff: await markStaffLeft(ctx, staffOf(actor), idParam(params)) }) }),
  route({
    method: 'post',
    path: '/staff/:id/handover',
    policy: ADMIN,
    body: ZHandoverBody,
    handler: ({ ctx, actor, params, body }) => handoverCustomers(ctx, staffOf(actor), idParam(params), body.toStaffId, body.reason ?? null),
  }),
];
