import type { RouteDef } from '../route';

/** Tag management beyond create/list (manual tagging in bulk, rule-tag settings), mounted under /api/admin. */
export const tagAdminRoutes: RouteDef<any, any>[] = [];
