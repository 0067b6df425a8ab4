import type { RouteDef } from '../route';

/** A clerk's own performance figures, mounted under /api/clerk. */
export const analyticsClerkRoutes: RouteDef<any, any>[] = [];
/** Brand-wide and per-store/per-clerk analytics, mounted under /api/admin. */
export const analyticsAdminRoutes: RouteDef<any, any>[] = [];
