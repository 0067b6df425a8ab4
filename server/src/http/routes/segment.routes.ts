import {
  segmentRuleSize,
  SEGMENT_RULE_TOO_LARGE_MESSAGE,
  ZCreateSegmentBody,
  ZCursor,
  ZLimit,
  ZSegmentPreviewBody,
  ZSegmentPreviewQuery,
  ZUpdateSegmentBody,
  z,
} from '@o2o/shared';
import { AppError } from '../../lib/app-error';
import { getExport, openExportCsv, requestExport } from '../../modules/segment/export.service';
import { createSegment, deleteSegment, getSegment, listSegments, previewSegment, updateSegment } from '../../modules/segment/segment.service';
import { STAFF } from '../policy';
import { idParam, route, staffOf, type RouteDef } from '../route';

const CONSOLE = STAFF('marketer', 'admin');

/**
 * A body whose `rule` is measured before it is parsed: too deep or too large is its own 400
 * (SEGMENT_RULE_TOO_LARGE) and never reaches the recursive parser.
 */
function bounded<T>(schema: z.ZodType<T>): z.ZodType<T> {
  return z
    .unknown()
    .transform((b) => {
      if (b && typeof b === 'object' && 'rule' in b && segmentRuleSize((b as { rule: unknown }).rule).tooLarge)
        throw new AppError('SEGMENT_RULE_TOO_LARGE', SEGMENT_RULE_TOO_LARGE_MESSAGE);
      return b;
    })
    .pipe(schema) as unknown as z.ZodType<T>;
}

const ZListQuery = z.strictObject({ cursor: ZCursor.regex(/^\d+$/).transform(Number).optional(), limit: ZLimit });

/** Segments (rule preview, saved segments, exports), mounted under /api/admin. */
export const segmentAdminRoutes: RouteDef<any, any>[] = [
  route({
    method: 'post',
    path: '/segments/preview',
    policy: CONSOLE,
    body: bounded(ZSegmentPreviewBody),
    query: ZSegmentPreviewQuery,
    handler: ({ ctx, body, query }) => previewSegment(ctx, body.rule, query.engine ?? 'auto'),
  }),
  route({ method: 'get', path: '/segments', policy: CONSOLE, query: ZListQuery, handler: ({ ctx, query }) => listSegments(ctx, query.cursor, query.limit) }),
  route({
    method: 'post',
    path: '/segments',
    policy: CONSOLE,
    body: bounded(ZCreateSegmentBody),
    status: 201,
    handler: async ({ ctx, actor, body }) => ({ segment: await createSegment(ctx, staffOf(actor), body) }),
  }),
  route({ method: 'get', path: '/segments/:id', policy: CONSOLE, handler: async ({ ctx, params }) => ({ segment: await getSegment(ctx, idParam(params)) }) }),
  route({
    method: 'patch',
    path: '/segments/:id',
    policy: CONSOLE,
    body: bounded(ZUpdateSegmentBody),
    handler: async ({ ctx, params, body }) => ({ segment: await updateSegment(ctx, idParam(params), body) }),
  }),
  route({
    method: 'delete',
    path: '/segments/:id',
    policy: CONSOLE,
    handler: async ({ ctx, params, koa }) => {
      await deleteSegment(ctx, idParam(params));
      koa.status = 204;
      return undefined;
    },
  }),
  route({
    method: 'post',
    path: '/segments/:id/exports',
    policy: CONSOLE,
    status: 202,
    handler: async ({ ctx, actor, params }) => ({ export: await requestExport(ctx, staffOf(actor), idParam(params)) }),
  }),
  route({
    method: 'get',
    path: '/segments/:id/exports/:exportId',
    policy: CONSOLE,
    handler: async ({ ctx, params }) => ({ export: await getExport(ctx, idParam(params), idParam(params, 'exportId')) }),
  }),
  route({
    method: 'get',
    path: '/segments/:id/exports/:exportId/download',
    policy: CONSOLE,
    handler: async ({ ctx, params, koa }) => {
      const { stream, filename } = await openExportCsv(ctx, idParam(params), idParam(params, 'exportId'));
      koa.type = 'text/csv; charset=utf-8';
      koa.set('Content-Disposition', `attachment; filename="${filename}"`);
      koa.set('Cache-Control', 'no-store');
      koa.body = stream;
      return undefined;
    },
  }),
];
