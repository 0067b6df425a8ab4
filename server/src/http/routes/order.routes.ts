import { ZConsoleOrderListQuery, ZCreateRefundBody, ZRefundPreviewBody, z } from '@o2o/shared';
import { listPayNotifications } from '../../modules/payment/pay-notification-query';
import { getConsoleOrder, listConsoleOrders, listOrders } from '../../modules/payment/order-query.service';
import { reconcileOnce } from '../../modules/payment/reconciliation';
import { previewRefund } from '../../modules/payment/refund-preview.service';
import { requestRefund } from '../../modules/payment/refund.service';
import { STAFF } from '../policy';
import { idParam, route, staffOf, type RouteDef } from '../route';

/** Orders are read by the brand (marketers, admins) and by store managers, who see their own store's only. */
const ORDER_READERS = STAFF('store_manager', 'marketer', 'admin');
/** Refunds: admins any order, store managers their store's (the use case scopes them; another store's → 404). */
const REFUNDERS = STAFF('store_manager', 'admin');
const ADMIN = STAFF('admin');

/** Orders, refunds, payment notifications and reconciliation, mounted under /api/admin. */
export const orderAdminRoutes: RouteDef<any, any>[] = [

  route({
    method: 'get',
    path: '/orders',
    policy: ORDER_READERS,
    query: ZConsoleOrderListQuery,
    handler: ({ ctx, actor, query }) => {
      const staff = staffOf(actor);
      // Callers from before the console page by cursor (`cursor`/`limit`): same filters, keyset answer.
      if (query.cursor !== undefined || query.limit !== undefined) {
        const storeId = staff.role === 'store_manager' ? (query.storeId === undefined || query.storeId === staff.storeId ? (staff.storeId ?? -1) : -1) : query.storeId;
        return listOrders(ctx, { storeId, status: query.status, cursor: query.cursor, limit: query.limit ?? 20 });
      }
      return listConsoleOrders(ctx, staff, query);
    },
  }),
  route({ method: 'get', path: '/orders/:id', policy: ORDER_READERS, handler: ({ ctx, actor, params }) => getConsoleOrder(ctx, staffOf(actor), idParam(params)) }),
  /** The refund confirmation: the points and coupon effects of a refund of that amount. Changes nothing. */
  route({
    method: 'post',
    path: '/orders/:id/refunds/preview',
    policy: REFUNDERS,
    body: ZRefundPreviewBody,
    handler: async ({ ctx, actor, params, body }) => ({ preview: await previewRefund(ctx, staffOf(actor), idParam(params), body) }),
  }),
  route({
    method: 'post',
    path: '/orders/:id/refunds',
    policy: REFUNDERS,
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
