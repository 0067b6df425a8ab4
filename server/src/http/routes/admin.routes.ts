import { ZAdminSessionBody } from '@o2o/shared';
import { adminLogin } from '../../modules/staff/staff.service';
import { PUBLIC } from '../policy';
import { route, type RouteDef } from '../route';


/** Console session (login), mounted under /api/admin. */
export const adminRoutes: RouteDef<any, any>[] = [
  route({ method: 'post', path: '/session', policy: PUBLIC('console login with username/password'), body: ZAdminSessionBody, handler: ({ ctx, body, koa }) => adminLogin(ctx, body, koa.ip) }),
];
