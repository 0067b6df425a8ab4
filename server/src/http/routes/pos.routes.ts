import type { RouteDef } from '../route';

/** The POS API for the brand's till software (`/api/pos/v1`), and the console's terminal credentials. */
export const posRoutes: RouteDef<any, any>[] = [];
export const posTerminalAdminRoutes: RouteDef<any, any>[] = [];
