import type { RouteDef } from '../route';

/** Campaigns and reports, mounted under /api/admin. */
export const campaignAdminRoutes: RouteDef<any, any>[] = [];
/** Inbox and subscribe-message consent, mounted under /api/app. */
export const campaignAppRoutes: RouteDef<any, any>[] = [];
/** Clerk offers to own customers, mounted under /api/clerk. */
export const campaignClerkRoutes: RouteDef<any, any>[] = [];
