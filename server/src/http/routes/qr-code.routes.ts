import {
  ZBatchQrCodesBody,
  ZCreateQrCodeBody,
  ZQrCodeListQuery,
  ZQrPostersBody,
  ZQrScheduleQuery,
  ZScheduleQrCouponSetBody,
  ZScheduleQrCouponBody,
  ZScheduleQrTagSetBody,
  ZScheduleTagBody,
} from '@o2o/shared';
import { batchQrCodes, createQrCode, listQrCodeTags, scheduleQrCodeTag } from '../../modules/qr-code/qr-code.service';
import { listQrCodeRows, qrScopes } from '../../modules/qr-code/qr-code-list';
import { listQrCodeCoupons, scheduleQrCodeCoupon } from '../../modules/qr-code/qr-code-coupon.service';
import { qrCodeTimeline, scheduleQrCouponSet, scheduleQrTagSet } from '../../modules/qr-code/qr-code-schedule';
import { requestPosters } from '../../modules/qr-code/poster-job';
import { STAFF } from '../policy';
import { idParam, route, staffOf, type RouteDef } from '../route';

const CONSOLE = STAFF('marketer', 'admin');
/** Reading codes, their timeline and printing posters: store managers too, scoped to their store in the use case. */
const READERS = STAFF('store_manager', 'marketer', 'admin');

/** QR codes (store and clerk codes), their figures, tag and coupon schedules and posters, mounted under /api/admin. */
export const qrCodeAdminRoutes: RouteDef<any, any>[] = [
  route({
    method: 'get',
    path: '/qr-codes',
    policy: READERS,
    query: ZQrCodeListQuery,
    // Without paging parameters: the pre-console answer (every code of the filter, up to 5,000) in the same row shape.
    handler: ({ ctx, actor, query, koa }) => listQrCodeRows(ctx, staffOf(actor), query, !('current' in koa.query) && !('pageSize' in koa.query)),
  }),
  route({ method: 'get', path: '/qr-codes/scopes', policy: READERS, handler: ({ ctx, actor }) => qrScopes(ctx, staffOf(actor)) }),
  route({ method: 'post', path: '/qr-codes', policy: CONSOLE, body: ZCreateQrCodeBody, status: 201, handler: async ({ ctx, actor, body }) => ({ qrCode: await createQrCode(ctx, body, staffOf(actor)) }) }),
  route({
    method: 'post',
    path: '/qr-codes/batch',
    policy: CONSOLE,
    body: ZBatchQrCodesBody,
    handler: ({ ctx, actor, body }) => batchQrCodes(ctx, body, { actor: staffOf(actor) }),
  }),
  // The poster change on a set of codes (picked rows, a store, a region, all): one transaction; ?dryRun=1 counts.
  route({
    method: 'post',
    path: '/qr-codes/schedules',
    policy: CONSOLE,
    query: ZQrScheduleQuery,
    body: ZScheduleQrTagSetBody,
    handler: ({ ctx, actor, query, body }) => scheduleQrTagSet(ctx, staffOf(actor), body, query.dryRun),
  }),
  route({
    method: 'post',
    path: '/qr-codes/coupon-schedules',
    policy: CONSOLE,
    query: ZQrScheduleQuery,
    body: ZScheduleQrCouponSetBody,
    handler: ({ ctx, actor, query, body }) => scheduleQrCouponSet(ctx, staffOf(actor), body, query.dryRun),
  }),
  // Printable posters as a job (poll GET /jobs/:id, download GET /jobs/:id/file).
  route({
    method: 'post',
    path: '/qr-codes/posters',
    policy: READERS,
    body: ZQrPostersBody,
    status: 202,
    handler: async ({ ctx, actor, body }) => ({ job: await requestPosters(ctx, staffOf(actor), body) }),
  }),
  route({ method: 'get', path: '/qr-codes/:id/timeline', policy: READERS, handler: ({ ctx, actor, params }) => qrCodeTimeline(ctx, staffOf(actor), idParam(params)) }),
  route({
    method: 'post',
    path: '/qr-codes/:id/tags',
    policy: CONSOLE,
    body: ZScheduleTagBody,
    status: 201,
    handler: async ({ ctx, actor, params, body }) => ({ schedule: await scheduleQrCodeTag(ctx, idParam(params), body, staffOf(actor).staffId, staffOf(actor)) }),
  }),
  route({ method: 'get', path: '/qr-codes/:id/tags', policy: CONSOLE, handler: async ({ ctx, params }) => ({ items: await listQrCodeTags(ctx, idParam(params)) }) }),
  // A coupon granted on scan, scheduled next to the code's tags.
  route({
    method: 'post',
    path: '/qr-codes/:id/coupons',
    policy: CONSOLE,
    body: ZScheduleQrCouponBody,
    status: 201,
    handler: async ({ ctx, actor, params, body }) => ({ schedule: await scheduleQrCodeCoupon(ctx, idParam(params), body, staffOf(actor).staffId, staffOf(actor)) }),
  }),
  route({ method: 'get', path: '/qr-codes/:id/coupons', policy: CONSOLE, handler: async ({ ctx, params }) => ({ items: await listQrCodeCoupons(ctx, idParam(params)) }) }),
];
