import type { RouteDef } from '../route';

/** Pre-order pickup in the clerk app, and the consumer's store choice (the store pre-orders are placed at). */
export const pickupClerkRoutes: RouteDef<any, any>[] = [];
export const storeChoiceAppRoutes: RouteDef<any, any>[] = [];
