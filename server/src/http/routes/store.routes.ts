import {
  ZCreateStaffBody,
  ZCreateStoreBody,
  ZHandoverBody,
  ZImportBody,
  ZImportQuery,
  ZInviteSheetQuery,
  ZLeaveStaffBody,
  ZMoveStaffBody,
  ZResetPasswordBody,
  ZStaffListQuery,
  ZStoreListQuery,
  ZUpdateStoreBody,
} from '@o2o/shared';
import type { Context } from 'koa';
import { handoverCustomers } from '../../modules/customer/handover.service';
import { inviteSheet, leaveWithHandover, listStaffPage, moveStaff, resetPassword } from '../../modules/staff/staff-console.service';
import { importStaff } from '../../modules/staff/staff-import.service';
import { createStaff } from '../../modules/staff/staff.service';
import { importStores } from '../../modules/store/store-import.service';
import { createStore, listStores, storeFacets, updateStore } from '../../modules/store/store.service';
import { STAFF } from '../policy';
import { idParam, route, staffOf, type RouteDef } from '../route';

/** Store lists: a store manager reads their own store, marketers and admins the brand. */
const READ = STAFF('store_manager', 'marketer', 'admin');
/** Invite sheets and leaving with handover: a store manager for their store's clerks, admins for everyone. */
const MANAGE = STAFF('store_manager', 'admin');
const ADMIN = STAFF('admin');

/**
 * Before paging existed, `GET /stores` and `GET /staff` answered every row; callers that send no paging
 * parameter still get that (up to 5,000), with `total`.
 */
const unpaged = (koa: Context) => koa.query.current === undefined && koa.query.pageSize === undefined;

/** Stores and staff in the console, mounted under /api/admin. */
export const storeAdminRoutes: RouteDef<any, any>[] = [
  route({ method: 'get', path: '/stores', policy: READ, query: ZStoreListQuery, handler: ({ ctx, actor, query, koa }) => listStores(ctx, staffOf(actor), query, unpaged(koa)) }),
  route({ method: 'get', path: '/stores/facets', policy: READ, handler: ({ ctx, actor }) => storeFacets(ctx, staffOf(actor)) }),
  route({ method: 'post', path: '/stores', policy: ADMIN, body: ZCreateStoreBody, status: 201, handler: async ({ ctx, actor, body }) => ({ store: await createStore(ctx, body, staffOf(actor)) }) }),
  route({
    method: 'post',
    path: '/stores/import',
    policy: ADMIN,
    query: ZImportQuery,
    body: ZImportBody,
    handler: ({ ctx, actor, query, body }) => importStores(ctx, staffOf(actor), { csv: body.csv, dryRun: query.dryRun }),
  }),
  route({
    method: 'patch',
    path: '/stores/:id',
    policy: ADMIN,
    body: ZUpdateStoreBody,
    handler: async ({ ctx, actor, params, body }) => ({ store: await updateStore(ctx, staffOf(actor), idParam(params), body) }),
  }),

  route({
    method: 'get',
    path: '/staff',
    policy: READ,
    query: ZStaffListQuery,
    handler: ({ ctx, actor, query, koa }) => listStaffPage(ctx, staffOf(actor), unpaged(koa) ? { ...query, pageSize: 5000 } : query),
  }),
  route({ method: 'get', path: '/staff/invites', policy: MANAGE, query: ZInviteSheetQuery, handler: ({ ctx, actor, query }) => inviteSheet(ctx, staffOf(actor), query) }),
  route({ method: 'post', path: '/staff', policy: ADMIN, body: ZCreateStaffBody, status: 201, handler: ({ ctx, actor, body }) => createStaff(ctx, body, staffOf(actor)) }),
  route({
    method: 'post',
    path: '/staff/import',
    policy: ADMIN,
    query: ZImportQuery,
    body: ZImportBody,
    handler: ({ ctx, actor, query, body }) => importStaff(ctx, staffOf(actor), { csv: body.csv, dryRun: query.dryRun }),
  }),
  route({
    method: 'post',
    path: '/staff/:id/leave',
    policy: MANAGE,
    body: ZLeaveStaffBody,
    handler: ({ ctx, actor, params, body }) => leaveWithHandover(ctx, staffOf(actor), idParam(params), body),
  }),
  route({ method: 'post', path: '/staff/:id/move', policy: ADMIN, body: ZMoveStaffBody, handler: ({ ctx, actor, params, body }) => moveStaff(ctx, staffOf(actor), idParam(params), body) }),
  route({
    method: 'post',
    path: '/staff/:id/password',
    policy: ADMIN,
    body: ZResetPasswordBody,
    handler: ({ ctx, actor, params, body }) => resetPassword(ctx, staffOf(actor), idParam(params), body),
  }),
  route({
    method: 'post',
    path: '/staff/:id/handover',
    policy: ADMIN,
    body: ZHandoverBody,
    handler: ({ ctx, actor, params, body }) => handoverCustomers(ctx, staffOf(actor), idParam(params), body.toStaffId, body.reason ?? null),
  }),
];
