import { ZBatchQrCodesBody, ZCreateQrCodeBody, ZQueryId, ZScheduleTagBody, ZScheduleQrCouponBody, z } from '@o2o/shared';
import { batchQrCodes, createQrCode, listQrCodeTags, scheduleQrCodeTag } from '../../modules/qr-code/qr-code.service';
import { listQrCodes } from '../../modules/qr-code/qr-code-list';
import { listQrCodeCoupons, scheduleQrCodeCoupon } from '../../modules/qr-code/qr-code-coupon.service';
import { STAFF } from '../policy';
import { idParam, route, staffOf, type RouteDef } from '../route';

const CONSOLE = STAFF('marketer', 'admin');

/** QR codes (store and clerk codes), their tag and coupon schedules, mounted under /api/admin. */
export const qrCodeAdminRoutes: RouteDef<any, any>[] = [

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
];
