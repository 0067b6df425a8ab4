import type { RouteDef } from '../route';

/**
 * The store counter in the apps: the consumer's member code (`/api/app/member-code`) and the clerk cashier
 * (`/api/clerk/members/identify`, `/api/clerk/sales/quote`, `/api/clerk/sales`, returns), channel `clerk`.
 * The same use cases as the POS API (modules/sale/sale.service.ts).
 */
export const saleAppRoutes: RouteDef<any, any>[] = [];
export const saleClerkRoutes: RouteDef<any, any>[] = [];
