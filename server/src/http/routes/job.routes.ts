import { type RouteDef } from '../route';

/** Long console jobs (posters, exports): progress and the result file, mounted under /api/admin. */
export const jobAdminRoutes: RouteDef<any, any>[] = [];
