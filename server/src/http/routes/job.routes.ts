import { ZCustomerExportBody, ZOrderExportBody } from '@o2o/shared';
import { requestCustomerExport, requestOrderExport } from '../../modules/job/csv-export';
import { contentDisposition, getJob, openJobFile } from '../../modules/job/job.service';
import { STAFF } from '../policy';
import { idParam, route, staffOf, type RouteDef } from '../route';

/** Who may ask about a job is decided per job in the use case (its requester or an admin; a manager's own store). */
const STAFF_CONSOLE = STAFF('store_manager', 'marketer', 'admin');

/** Long console jobs (posters, exports): progress and the result file, mounted under /api/admin. */
export const jobAdminRoutes: RouteDef<any, any>[] = [
  route({ method: 'get', path: '/jobs/:id', policy: STAFF_CONSOLE, handler: async ({ ctx, actor, params }) => ({ job: await getJob(ctx, staffOf(actor), idParam(params)) }) }),
  route({
    method: 'get',
    path: '/jobs/:id/file',
    policy: STAFF_CONSOLE,
    // 409 JOB_NOT_READY until done; the chunks are streamed as they are read.
    handler: async ({ ctx, actor, params, koa }) => {
      const id = idParam(params);
      const file = await openJobFile(ctx, staffOf(actor), id);
      koa.type = file.contentType;
      koa.length = file.bytes;
      koa.set('Content-Disposition', contentDisposition(file.fileName, `job-${id}${file.fileName.match(/\.[A-Za-z0-9]{1,5}$/)?.[0] ?? ''}`));
      koa.set('Cache-Control', 'no-store');
      koa.body = file.stream;
      return undefined;
    },
  }),
  // CSV exports of the long lists with their filters (a store manager's: their store, forced in the use case).
  route({
    method: 'post',
    path: '/customers/export',
    policy: STAFF_CONSOLE,
    body: ZCustomerExportBody,
    status: 202,
    handler: async ({ ctx, actor, body }) => ({ job: await requestCustomerExport(ctx, staffOf(actor), body.filters) }),
  }),
  route({
    method: 'post',
    path: '/orders/export',
    policy: STAFF_CONSOLE,
    body: ZOrderExportBody,
    status: 202,
    handler: async ({ ctx, actor, body }) => ({ job: await requestOrderExport(ctx, staffOf(actor), body.filters) }),
  }),
];
