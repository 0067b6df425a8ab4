import { type RouteDef } from '../route';

/** The console's own pages: the signed-in staff member (/me), alerts and the audit log, mounted under /api/admin. */
export const consoleAdminRoutes: RouteDef<any, any>[] = [];
