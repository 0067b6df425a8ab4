import { ZAppSessionBody, ZBindMemberBody, ZClaimCouponBody, ZClaimableQuery, ZCouponListQuery, ZCreateOrderBody, ZIdempotencyKey, ZOrderListQuery, ZOrderPreviewBody, ZPointsLedgerQuery, ZQueryId, z } from '@o2o/shared';
import { AppError } from '../../lib/app-error';
import { loadOrderView } from '../../modules/payment/order-view';
import { listOrders } from '../../modules/payment/order-query.service';
import { createOrder, initiatePayment } from '../../modules/payment/order.service';
import { createAppSession } from '../../modules/auth/app-session.service';
import { listProducts } from '../../modules/catalogue/catalogue.service';
import { getMe } from '../../modules/customer/customer-query.service';
import { bindMember } from '../../modules/customer/member.service';
import { listPointsLedger } from '../../modules/points/points.service';
import { claimCoupon } from '../../modules/coupon/issue.service';
import { couponCode, getMyCoupon, listMyCoupons } from '../../modules/coupon/wallet.service';
import { listClaimable } from '../../modules/coupon/claim-centre';
import { checkoutOptions } from '../../modules/coupon/checkout-options';
import { CONSUMER, PUBLIC } from '../policy';
import { customerOf, idParam, route } from '../route';

/** Consumer routes, mounted under /api/app. */
export const appRoutes = [
  route({
    method: 'post',
    path: '/session',
    policy: PUBLIC('login: exchanges a wx.login code for a session'),
    body: ZAppSessionBody,
    handler: ({ ctx, body }) => createAppSession(ctx, body),
  }),
  route({ method: 'get', path: '/me', policy: CONSUMER, handler: async ({ ctx, actor }) => ({ customer: await getMe(ctx, customerOf(actor)) }) }),
  route({
    method: 'post',
    path: '/member',
    policy: CONSUMER,
    body: ZBindMemberBody,
    handler: async ({ ctx, actor, body }) => ({ customer: await bindMember(ctx, customerOf(actor), body) }),
  }),
  route({
    method: 'get',
    path: '/points/ledger',
    policy: CONSUMER,
    query: ZPointsLedgerQuery,
    handler: ({ ctx, actor, query }) => listPointsLedger(ctx, customerOf(actor), query),
  }),
  route({
    method: 'get',
    path: '/products',
    policy: CONSUMER,
    query: z.strictObject({ storeId: ZQueryId.optional() }),
    // `category` (the name) is additive to the contract: the menu groups by it.
    handler: async ({ ctx }) => ({ items: await listProducts(ctx) }),
  }),

  route({
    method: 'get',
    path: '/coupons',
    policy: CONSUMER,
    query: ZCouponListQuery,
    handler: ({ ctx, actor, query }) => listMyCoupons(ctx, customerOf(actor), query),
  }),
  // Declared before /coupons/:id, which would otherwise match it.
  route({
    method: 'get',
    path: '/coupons/claimable',
    policy: CONSUMER,
    query: ZClaimableQuery,
    handler: ({ ctx, actor, query }) => listClaimable(ctx, customerOf(actor), query),
  }),
  route({
    method: 'post',
    path: '/coupons/claim',
    policy: CONSUMER,
    body: ZClaimCouponBody,
    status: 201,
    handler: async ({ ctx, actor, body, koa }) => ({ coupon: await claimCoupon(ctx, customerOf(actor), body.templateId, idempotencyKey(koa.get('idempotency-key'))) }),
  }),
  route({
    method: 'get',
    path: '/coupons/:id',
    policy: CONSUMER,
    handler: async ({ ctx, actor, params }) => ({ coupon: await getMyCoupon(ctx, customerOf(actor), idParam(params)) }),
  }),
  route({
    method: 'get',
    path: '/coupons/:id/code',
    policy: CONSUMER,
    handler: ({ ctx, actor, params }) => couponCode(ctx, customerOf(actor), idParam(params)),
  }),

  route({
    method: 'post',
    path: '/orders',
    policy: CONSUMER,
    body: ZCreateOrderBody,
    status: 201,
    handler: ({ ctx, actor, body, koa }) => createOrder(ctx, customerOf(actor), body, idempotencyKey(koa.get('idempotency-key'))),
  }),
  // The coupon picker: the exact priced order for this body plus every wallet coupon as a candidate (no effect).
  route({
    method: 'post',
    path: '/orders/preview',
    policy: CONSUMER,
    body: ZOrderPreviewBody,
    handler: ({ ctx, actor, body }) => checkoutOptions(ctx, customerOf(actor), body),
  }),
  route({
    method: 'get',
    path: '/orders',
    policy: CONSUMER,
    query: ZOrderListQuery,
    handler: ({ ctx, actor, query }) => listOrders(ctx, { customerId: customerOf(actor), cursor: query.cursor, limit: query.limit }),
  }),
  route({
    method: 'get',
    path: '/orders/:id',
    policy: CONSUMER,
    handler: async ({ ctx, actor, params }) => ({ order: await loadOrderView(ctx, idParam(params), customerOf(actor)) }),
  }),
  route({
    method: 'post',
    path: '/orders/:id/payment',
    policy: CONSUMER,
    handler: ({ ctx, actor, params }) => initiatePayment(ctx, customerOf(actor), idParam(params)),
  }),
];

function idempotencyKey(header: string): string {
  if (!header) throw new AppError('IDEMPOTENCY_KEY_REQUIRED');
  const parsed = ZIdempotencyKey.safeParse(header);
  if (!parsed.success) throw new AppError('VALIDATION_FAILED', 'Idempotency-Key must be 8–64 characters of [A-Za-z0-9_.:-]');
  return parsed.data;
}
