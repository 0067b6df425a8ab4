import { ZAdminOrderListQuery, ZClerkBindBody, ZClerkCustomerListQuery, ZClerkSessionBody, ZCreateRefundBody, ZHandoverBody, ZRedeemBody, ZRedemptionListQuery, ZRedemptionLookupBody, ZReverseRedemptionBody } from '@o2o/shared';
import { getOrderForStaff, listOrders } from '../../modules/payment/order-query.service';
import { requestRefund } from '../../modules/payment/refund.service';
import { getCustomerForStaff, listCustomers, scopeOf } from '../../modules/customer/customer-query.service';
import { handoverCustomers } from '../../modules/customer/handover.service';
import { bindClerk, clerkSession, listStaff, markStaffLeft, staffView } from '../../modules/staff/staff.service';
import { Staff } from '../../modules/staff/staff.entity';
import { Store } from '../../modules/store/store.entity';
import { myClerkQrCode } from '../../modules/qr-code/qr-code-list';
import { lookupRedemption, redeemCoupon, reverseRedemption } from '../../modules/coupon/redemption.service';
import { listRedemptions } from '../../modules/coupon/redemption-list';
import { AppError } from '../../lib/app-error';
import { PUBLIC, STAFF } from '../policy';
import { idParam, route, staffOf } from '../route';

const STORE_STAFF = STAFF('clerk', 'store_manager');
const MANAGER = STAFF('store_manager');

/** Clerk subpackage routes, mounted under /api/clerk. Data is scoped to the caller's store (managers) or own customers (clerks). */
export const clerkRoutes = [
  route({
    method: 'post',
    path: '/bind',
    policy: PUBLIC('first clerk login: invite code + wx.login code'),
    body: ZClerkBindBody,
    handler: ({ ctx, body, koa }) => bindClerk(ctx, body, koa.ip),
  }),
  route({ method: 'post', path: '/session', policy: PUBLIC('clerk login with wx.login code'), body: ZClerkSessionBody, handler: ({ ctx, body }) => clerkSession(ctx, body) }),
  route({
    method: 'get',
    path: '/me',
    policy: STORE_STAFF,
    handler: async ({ ctx, actor }) =>
      ctx.db.read(async (em) => {
        const staff = await em.getRepository(Staff).findOneByOrFail({ id: staffOf(actor).staffId });
        const store = staff.storeId ? await em.getRepository(Store).findOneBy({ id: staff.storeId }) : null;
        return { staff: staffView(staff), store: store ? { id: store.id, name: store.name } : null };
      }),
  }),
  route({
    method: 'get',
    path: '/qr-code',
    policy: STORE_STAFF,
    handler: async ({ ctx, actor }) => {
      const me = staffOf(actor);
      if (!me.storeId) throw new AppError('NOT_FOUND', 'No store');
      return { qrCode: await myClerkQrCode(ctx, me.staffId, me.storeId) };
    },
  }),
  route({
    method: 'get',
    path: '/customers',
    policy: STORE_STAFF,
    query: ZClerkCustomerListQuery,
    handler: ({ ctx, actor, query }) => listCustomers(ctx, scopeOf(staffOf(actor)), query),
  }),
  route({
    method: 'get',
    path: '/customers/:id',
    policy: STORE_STAFF,
    handler: async ({ ctx, actor, params }) => ({ customer: await getCustomerForStaff(ctx, scopeOf(staffOf(actor)), idParam(params)) }),
  }),
  route({ method: 'get', path: '/staff', policy: MANAGER, handler: async ({ ctx, actor }) => ({ items: await listStaff(ctx, staffOf(actor)) }) }),
  route({
    method: 'post',
    path: '/staff/:id/leave',
    policy: MANAGER,
    handler: async ({ ctx, actor, params }) => ({ staff: await markStaffLeft(ctx, staffOf(actor), idParam(params)) }),
  }),
  route({
    method: 'post',
    path: '/staff/:id/handover',
    policy: MANAGER,
    body: ZHandoverBody,
    handler: ({ ctx, actor, params, body }) => handoverCustomers(ctx, staffOf(actor), idParam(params), body.toStaffId, body.reason ?? null),
  }),

  route({
    method: 'get',
    path: '/orders',
    policy: STORE_STAFF,
    query: ZAdminOrderListQuery.omit({ storeId: true }),
    handler: ({ ctx, actor, query }) => listOrders(ctx, { storeId: staffOf(actor).storeId ?? -1, status: query.status, cursor: query.cursor, limit: query.limit }),
  }),
  route({ method: 'get', path: '/orders/:id', policy: STORE_STAFF, handler: ({ ctx, actor, params }) => getOrderForStaff(ctx, staffOf(actor), idParam(params)) }),
  route({
    method: 'post',
    path: '/orders/:id/refunds',
    policy: MANAGER,
    body: ZCreateRefundBody,
    status: 201,
    handler: async ({ ctx, actor, params, body }) => ({ refund: await requestRefund(ctx, staffOf(actor), idParam(params), body) }),
  }),

  // 核销: the store comes from the clerk's session, never from the body.
  route({
    method: 'post',
    path: '/redemptions/lookup',
    policy: STORE_STAFF,
    body: ZRedemptionLookupBody,
    handler: ({ ctx, actor, body }) => lookupRedemption(ctx, staffOf(actor), body),
  }),
  // Recent redemptions of the caller's store: a clerk's own, a manager's whole store.
  route({
    method: 'get',
    path: '/redemptions',
    policy: STORE_STAFF,
    query: ZRedemptionListQuery,
    handler: ({ ctx, actor, query }) => listRedemptions(ctx, staffOf(actor), query),
  }),
  route({
    method: 'post',
    path: '/redemptions',
    policy: STORE_STAFF,
    body: ZRedeemBody,
    status: 201,
    handler: async ({ ctx, actor, body }) => ({ redemption: await redeemCoupon(ctx, staffOf(actor), body) }),
  }),
  route({
    method: 'post',
    path: '/redemptions/:id/reverse',
    policy: STORE_STAFF,
    body: ZReverseRedemptionBody,
    handler: async ({ ctx, actor, params, body }) => ({ redemption: await reverseRedemption(ctx, staffOf(actor), idParam(params), body.reason) }),
  }),
];
