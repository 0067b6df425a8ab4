import { ZAlertListQuery, ZAuditListQuery, ZResolveAlertBody } from '@o2o/shared';
import { countOpenAlerts, listAlerts, resolveAlert } from '../../modules/alert/alert.service';
import { listAuditLog } from '../../modules/audit/audit-list.service';
import { STAFF } from '../policy';
import { idParam, route, staffOf, type RouteDef } from '../route';

/** Alerts are the brand's (the header bell shows for marketers and admins); only admins resolve them. */
const ALERT_READERS = STAFF('marketer', 'admin');
const ADMIN = STAFF('admin');
/** The audit log: admins brand-wide, store managers their store's entries (scoped in the use case). */
const AUDIT_READERS = STAFF('store_manager', 'admin');

/** The console's own pages: the signed-in staff member (/me), alerts and the audit log, mounted under /api/admin. */
export const consoleAdminRoutes: RouteDef<any, any>[] = [
  route({ method: 'get', path: '/alerts', policy: ALERT_READERS, query: ZAlertListQuery, handler: ({ ctx, query }) => listAlerts(ctx, query) }),
  route({ method: 'get', path: '/alerts/count', policy: ALERT_READERS, handler: ({ ctx }) => countOpenAlerts(ctx) }),
  route({
    method: 'post',
    path: '/alerts/:id/resolve',
    policy: ADMIN,
    body: ZResolveAlertBody,
    handler: async ({ ctx, actor, params, body }) => ({ alert: await resolveAlert(ctx, staffOf(actor), idParam(params), body) }),
  }),
  route({ method: 'get', path: '/audit', policy: AUDIT_READERS, query: ZAuditListQuery, handler: ({ ctx, actor, query }) => listAuditLog(ctx, staffOf(actor), query) }),
];
