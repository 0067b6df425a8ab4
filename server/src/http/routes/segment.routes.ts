import type { RouteDef } from '../route';

/** Segments (rule preview, saved segments, exports), mounted under /api/admin. */
export const segmentAdminRoutes: RouteDef<any, any>[] = [];
