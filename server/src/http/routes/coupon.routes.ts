import { ZCouponTemplateListQuery, ZCreateCouponTemplateBody, ZCouponTemplateStatusBody, ZRevokeCouponBody } from '@o2o/shared';
import { revokeCoupon } from '../../modules/coupon/revoke.service';
import { createCouponTemplate, getCouponTemplate, listCouponTemplates, updateCouponTemplateStatus } from '../../modules/coupon/template.service';
import { STAFF } from '../policy';
import { idParam, route, staffOf, type RouteDef } from '../route';

const CONSOLE = STAFF('marketer', 'admin');
const ADMIN = STAFF('admin');

/** Coupon templates and coupon revocation, mounted under /api/admin. */
export const couponAdminRoutes: RouteDef<any, any>[] = [

  route({
    method: 'get',
    path: '/coupon-templates',
    policy: CONSOLE,
    query: ZCouponTemplateListQuery,
    handler: ({ ctx, query }) => listCouponTemplates(ctx, query),
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
    handler: async ({ ctx, actor, params, body }) => ({ template: await updateCouponTemplateStatus(ctx, staffOf(actor), idParam(params), body) }),
  }),
  route({
    method: 'post',
    path: '/coupons/:id/revoke',
    policy: ADMIN,
    body: ZRevokeCouponBody,
    handler: async ({ ctx, actor, params, body }) => ({ coupon: await revokeCoupon(ctx, staffOf(actor), idParam(params), body.reason) }),
  }),
];
