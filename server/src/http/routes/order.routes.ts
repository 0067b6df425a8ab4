import { ZAdminOrderListQuery, ZCreateRefundBody, z } from '@o2o/shared';
import { listPayNotifications } from '../../modules/payment/pay-notification-query';
import { getOrderForStaff, listOrders } from '../../modules/payment/order-query.service';
import { reconcileOnce } from '../../modules/payment/reconciliation';
import { requestRefund } from '../../modules/payment/refund.service';
import { STAFF } from '../policy';
import { idParam, route, staffOf, type RouteDef } from '../route';

const CONSOLE = STAFF('marketer', 'admin');
const ADMIN = STAFF('admin');

/** Orders, refunds, payment notifications and reconciliation, mounted under /api/admin. */
export const orderAdminRoutes: RouteDef<any, any>[] = [

  route({
    method: 'get',
    path: '/orders',
    policy: CONSOLE,
    query: ZAdminOrderListQuery,
    handler: ({ ctx, query }) => listOrders(ctx, { storeId: query.storeId, status: query.status, cursor: query.cursor, limit: query.limit }),
  }),
  route({ method: 'get', path: '/orders/:id', policy: CONSOLE, handler: ({ ctx, actor, params }) => getOrderForStaff(ctx, staffOf(actor), idParam(params)) }),
  route({
    method: 'post',
    path: '/orders/:id/refunds',
    policy: ADMIN,
    body: ZCreateRefundBody,
    status: 201,
    handler: async ({ ctx, actor, params, body }) => ({ refund: await requestRefund(ctx, staffOf(actor), idParam(params), body) }),
  }),
  route({
    method: 'get',
    path: '/pay-notifications',
    policy: ADMIN,
    query: z.strictObject({ status: z.enum(['processed', 'quarantined', 'ignored']).optional(), cursor: z.string().max(64).optional() }),
    handler: ({ ctx, query }) => listPayNotifications(ctx, query),
  }),
  /** Runs a reconciliation pass now (operators after an incident; the job also runs on its own). */
  route({ method: 'post', path: '/payments/reconcile', policy: ADMIN, handler: async ({ ctx }) => ({ report: await reconcileOnce(ctx) }) }),
];
