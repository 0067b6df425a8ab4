import {
  ZAdminSessionBody,
  ZBatchQrCodesBody,
  ZCreateProductBody,
  ZCreateQrCodeBody,
  ZCreateStaffBody,
  ZCreateStoreBody,
  ZCreateTagBody,
  ZCustomerListQuery,
  ZHandoverBody,
  ZQueryId,
  ZScheduleTagBody,
  ZAdminOrderListQuery,
  ZCreateRefundBody,
  ZUpdateProductBody,
  ZCreateCouponTemplateBody,
  ZCouponTemplateStatusBody,
  ZRevokeCouponBody,
  ZScheduleQrCouponBody,
  z,
} from '@o2o/shared';
import { listPayNotifications } from '../../modules/payment/pay-notification-query';
import { getOrderForStaff, listOrders } from '../../modules/payment/order-query.service';
import { reconcileOnce } from '../../modules/payment/reconciliation';
import { requestRefund } from '../../modules/payment/refund.service';
import { createProduct, listProducts, updateProduct } from '../../modules/catalogue/catalogue.service';
import { getCustomerForStaff, listCustomers } from '../../modules/customer/customer-query.service';
import { handoverCustomers } from '../../modules/customer/handover.service';
import { batchQrCodes, createQrCode, listQrCodeTags, scheduleQrCodeTag } from '../../modules/qr-code/qr-code.service';
import { listQrCodes } from '../../modules/qr-code/qr-code-list';
import { listQrCodeCoupons, scheduleQrCodeCoupon } from '../../modules/qr-code/qr-code-coupon.service';
import { revokeCoupon } from '../../modules/coupon/revoke.service';
import { adminLogin, createStaff, listStaff, markStaffLeft } from '../../modules/staff/staff.service';
import { createStore, listStores } from '../../modules/store/store.service';
import { createTag, listTags } from '../../modules/tag/tag.service';
import { createCouponTemplate, getCouponTemplate, listCouponTemplates, updateCouponTemplateStatus } from '../../modules/coupon/template.service';
import { PUBLIC, STAFF } from '../policy';
import { idParam, route, staffOf } from '../route';

const CONSOLE = STAFF('marketer', 'admin');
const ADMIN = STAFF('admin');

/** Brand console routes, mounted under /api/admin. Staff management is admin-only; marketing data marketer + admin. */
export const adminRoutes = [
  route({ method: 'post', path: '/session', policy: PUBLIC('console login with username/password'), body: ZAdminSessionBody, handler: ({ ctx, body }) => adminLogin(ctx, body) }),

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

  route({ method: 'get', path: '/products', policy: CONSOLE, handler: async ({ ctx }) => ({ items: await listProducts(ctx) }) }),
  route({ method: 'post', path: '/products', policy: CONSOLE, body: ZCreateProductBody, status: 201, handler: async ({ ctx, body }) => ({ product: await createProduct(ctx, body) }) }),

  route({ method: 'get', path: '/tags', policy: CONSOLE, handler: async ({ ctx }) => ({ items: await listTags(ctx) }) }),
  route({ method: 'post', path: '/tags', policy: CONSOLE, body: ZCreateTagBody, status: 201, handler: async ({ ctx, body }) => ({ tag: await createTag(ctx, body) }) }),

  route({
    method: 'get',
    path: '/qr-codes',
    policy: CONSOLE,
    query: z.strictObject({ storeId: ZQueryId.optional() }),
    handler: async ({ ctx, query }) => ({ items: await listQrCodes(ctx, query.storeId) }),
  }),
  route({ method: 'post', path: '/qr-codes', policy: CONSOLE, body: ZCreateQrCodeBody, status: 201, handler: async ({ ctx, body }) => ({ qrCode: await createQrCode(ctx, body) }) }),
  route({ method: 'post', path: '/qr-codes/batch', policy: CONSOLE, body: ZBatchQrCodesBody, handler: ({ ctx, body }) => batchQrCodes(ctx, body) }),
  route({
    method: 'post',
    path: '/qr-codes/:id/tags',
    policy: CONSOLE,
    body: ZScheduleTagBody,
    status: 201,
    handler: async ({ ctx, actor, params, body }) => ({ schedule: await scheduleQrCodeTag(ctx, idParam(params), body, staffOf(actor).staffId) }),
  }),
  route({ method: 'get', path: '/qr-codes/:id/tags', policy: CONSOLE, handler: async ({ ctx, params }) => ({ items: await listQrCodeTags(ctx, idParam(params)) }) }),
  // A coupon granted on scan, scheduled next to the code's tags.
  route({
    method: 'post',
    path: '/qr-codes/:id/coupons',
    policy: CONSOLE,
    body: ZScheduleQrCouponBody,
    status: 201,
    handler: async ({ ctx, actor, params, body }) => ({ schedule: await scheduleQrCodeCoupon(ctx, idParam(params), body, staffOf(actor).staffId) }),
  }),
  route({ method: 'get', path: '/qr-codes/:id/coupons', policy: CONSOLE, handler: async ({ ctx, params }) => ({ items: await listQrCodeCoupons(ctx, idParam(params)) }) }),

  route({ method: 'get', path: '/customers', policy: CONSOLE, query: ZCustomerListQuery, handler: ({ ctx, query }) => listCustomers(ctx, {}, query) }),
  route({ method: 'get', path: '/customers/:id', policy: CONSOLE, handler: async ({ ctx, params }) => ({ customer: await getCustomerForStaff(ctx, {}, idParam(params)) }) }),

  route({
    method: 'patch',
    path: '/products/:sku',
    policy: CONSOLE,
    body: ZUpdateProductBody,
    handler: async ({ ctx, params, body }) => ({ product: await updateProduct(ctx, params.sku, body) }),
  }),

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

  route({
    method: 'get',
    path: '/coupon-templates',
    policy: CONSOLE,
    query: z.strictObject({ status: z.enum(['draft', 'active', 'paused', 'ended']).optional() }),
    handler: async ({ ctx, query }) => ({ items: await listCouponTemplates(ctx, query.status) }),
  }),
  route({
    method: 'post',
    path: '/coupon-templates',
    policy: CONSOLE,
    body: ZCreateCouponTemplateBody,
    status: 201,
    handler: async ({ ctx, actor, body }) => ({ template: await createCouponTemplate(ctx, staffOf(actor), body) }),
  }),
  route({ method: 'get', path: '/coupon-templates/:id', policy: CONSOLE, handler: async ({ ctx, params }) => ({ template: await getCouponTemplate(ctx, idParam(params)) }) }),
  route({
    method: 'post',
    path: '/coupon-templates/:id/status',
    policy: CONSOLE,
    body: ZCouponTemplateStatusBody,
    handler: async ({ ctx, params, body }) => ({ template: await updateCouponTemplateStatus(ctx, idParam(params), body) }),
  }),
  route({
    method: 'post',
    path: '/coupons/:id/revoke',
    policy: ADMIN,
    body: ZRevokeCouponBody,
    handler: async ({ ctx, actor, params, body }) => ({ coupon: await revokeCoupon(ctx, staffOf(actor), idParam(params), body.reason) }),
  }),
];
