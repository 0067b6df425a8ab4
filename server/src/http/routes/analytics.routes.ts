import { ZPerformanceQuery } from '@o2o/shared';
import { performance } from '../../modules/analytics/performance.service';
import { STAFF } from '../policy';
import { route, staffOf, type RouteDef } from '../route';

/** A clerk's own performance figures (a store manager's: the store's), mounted under /api/clerk. */
export const analyticsClerkRoutes: RouteDef<any, any>[] = [
  route({
    method: 'get',
    path: '/performance',
    policy: STAFF('clerk', 'store_manager'),
    query: ZPerformanceQuery,
    handler: async ({ ctx, actor, query }) => ({ performance: await performance(ctx, staffOf(actor), query.days) }),
  }),
];
/** Brand-wide and per-store/per-clerk analytics, mounted under /api/admin. */
export const analyticsAdminRoutes: RouteDef<any, any>[] = [];
