import Koa from 'koa';
import Router from '@koa/router';
import type { Deps } from './context';
import { errorHandler } from './http/middleware/error-handler';
import { jsonBody } from './http/middleware/body';
import { requestContext } from './http/middleware/request-context';
import { mountRoutes, type MountedRoute } from './http/route';
import { adminRoutes } from './http/routes/admin.routes';
import { appRoutes } from './http/routes/app.routes';
import { clerkRoutes } from './http/routes/clerk.routes';
import { notifyRoutes } from './http/routes/notify.routes';
import { systemRoutes, type Health } from './http/routes/system.routes';
import { segmentAdminRoutes } from './http/routes/segment.routes';
import { tagAdminRoutes } from './http/routes/tag.routes';
import { campaignAdminRoutes, campaignAppRoutes, campaignClerkRoutes } from './http/routes/campaign.routes';
import { analyticsAdminRoutes, analyticsClerkRoutes } from './http/routes/analytics.routes';
import { staticH5 } from './http/middleware/static-h5';
import './modules/coupon/order-coupon-hook'; // installs the coupon module's order hook (payment/order-coupons.ts)

export interface AppHandle {
  app: Koa;
  /** Every mounted route with its declared policy (walked by the authorization test). */
  routes: MountedRoute[];
  router: Router;
  health: Health;
}

export interface AppOptions {
  /** Serve the H5 build at /h5/ (development convenience; production puts it on a CDN). */
  h5Dir?: string;
  corsOrigins?: string[];
}

/** Builds the Koa app without listening: tests drive it with supertest, main.ts listens. */
export function createApp(deps: Deps, opts: AppOptions = {}): AppHandle {
  const app = new Koa({ proxy: true });
  const router = new Router();
  const routes: MountedRoute[] = [];
  const health: Health = { shuttingDown: false };

  mountRoutes(router, '', systemRoutes(health), routes);
  // One route file per area; each area's routes join its audience's prefix here.
  mountRoutes(router, '/api/app', [...appRoutes, ...campaignAppRoutes], routes);
  mountRoutes(router, '/api/clerk', [...clerkRoutes, ...campaignClerkRoutes, ...analyticsClerkRoutes], routes);
  mountRoutes(router, '/api/admin', [...adminRoutes, ...tagAdminRoutes, ...segmentAdminRoutes, ...campaignAdminRoutes, ...analyticsAdminRoutes], routes);
  mountRoutes(router, '/notify/wechat-pay', notifyRoutes, routes);

  // Koa's default error listener prints stacks to stderr; ours already logged the redacted error.
  app.silent = true;
  app.use(requestContext(deps));
  app.use(cors(opts.corsOrigins ?? []));
  app.use(errorHandler());
  if (opts.h5Dir) app.use(staticH5(opts.h5Dir));
  app.use(jsonBody(deps.config.http.bodyLimitKb));
  app.use(router.routes());
  return { app, routes, router, health };
}

function cors(origins: string[]): Koa.Middleware {
  const allowed = new Set(origins);
  return async (koa, next) => {
    const origin = koa.get('origin');
    if (origin && allowed.has(origin)) {
      koa.set('Access-Control-Allow-Origin', origin);
      koa.set('Vary', 'Origin');
      koa.set('Access-Control-Allow-Headers', 'Authorization, Content-Type, Idempotency-Key, X-Request-Id');
      koa.set('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
      koa.set('Access-Control-Expose-Headers', 'X-Request-Id');
      if (koa.method === 'OPTIONS') {
        koa.status = 204;
        return;
      }
    }
    await next();
  };
}
