import Koa from 'koa';
import Router from '@koa/router';
import type { Deps } from './context';
import { errorHandler } from './http/middleware/error-handler';
import { jsonBody } from './http/middleware/body';
import { requestContext } from './http/middleware/request-context';
import { mountRoutes, type MountedRoute } from './http/route';
import { adminRoutes } from './http/routes/admin.routes';
import { storeAdminRoutes } from './http/routes/store.routes';
import { qrCodeAdminRoutes } from './http/routes/qr-code.routes';
import { customerAdminRoutes } from './http/routes/customer.routes';
import { catalogueAdminRoutes } from './http/routes/catalogue.routes';
import { orderAdminRoutes } from './http/routes/order.routes';
import { couponAdminRoutes } from './http/routes/coupon.routes';
import { consoleAdminRoutes } from './http/routes/console.routes';
import { jobAdminRoutes } from './http/routes/job.routes';
import { appRoutes } from './http/routes/app.routes';
import { clerkRoutes } from './http/routes/clerk.routes';
import { notifyRoutes } from './http/routes/notify.routes';
import { systemRoutes, type Health } from './http/routes/system.routes';
import { segmentAdminRoutes } from './http/routes/segment.routes';
import { tagAdminRoutes } from './http/routes/tag.routes';
import { campaignAdminRoutes, campaignAppRoutes, campaignClerkRoutes } from './http/routes/campaign.routes';
import { analyticsAdminRoutes, analyticsClerkRoutes } from './http/routes/analytics.routes';
import { saleAppRoutes, saleClerkRoutes } from './http/routes/sale.routes';
import { posRoutes, posTerminalAdminRoutes } from './http/routes/pos.routes';
import { pickupClerkRoutes, storeChoiceAppRoutes } from './http/routes/pickup.routes';
import { staticApp } from './http/middleware/static-app';
import { securityHeaders } from './http/middleware/security-headers';
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
  /** Serve the brand console build at /console/ (the server's own face; `main.js` serves it when built). */
  consoleDir?: string;
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
  mountRoutes(router, '/api/app', [...appRoutes, ...campaignAppRoutes, ...saleAppRoutes, ...storeChoiceAppRoutes], routes);
  mountRoutes(router, '/api/clerk', [...clerkRoutes, ...campaignClerkRoutes, ...analyticsClerkRoutes, ...saleClerkRoutes, ...pickupClerkRoutes], routes);
  mountRoutes(
    router,
    '/api/admin',
    [
      ...adminRoutes,
      ...consoleAdminRoutes,
      ...storeAdminRoutes,
      ...qrCodeAdminRoutes,
      ...customerAdminRoutes,
      ...tagAdminRoutes,
      ...catalogueAdminRoutes,
      ...orderAdminRoutes,
      ...couponAdminRoutes,
      ...jobAdminRoutes,
      ...segmentAdminRoutes,
      ...campaignAdminRoutes,
      ...analyticsAdminRoutes,
      ...posTerminalAdminRoutes,
    ],
    routes,
  );
  // The till software's API: per-terminal HMAC signatures instead of bearer tokens (http/routes/pos.routes.ts).
  mountRoutes(router, '/api/pos/v1', posRoutes, routes);
  mountRoutes(router, '/notify/wechat-pay', notifyRoutes, routes);

  // Koa's default error listener prints stacks to stderr; ours already logged the redacted error.
  app.silent = true;
  // While draining for a shutdown (main.ts), every answer closes its connection: clients reconnect elsewhere
  // instead of sending the next request on a socket that is about to close.
  app.use(async (koa, next) => {
    if (health.shuttingDown) koa.set('Connection', 'close');
    await next();
  });
  app.use(requestContext(deps));
  app.use(cors(opts.corsOrigins ?? []));
  app.use(securityHeaders());
  app.use(errorHandler());
  if (opts.consoleDir) app.use(staticApp({ prefix: '/console', root: opts.consoleDir, spaFallback: true }));
  if (opts.h5Dir) app.use(staticApp({ prefix: '/h5', root: opts.h5Dir, spaFallback: false }));
  app.use(jsonBody(deps.config.http.bodyLimitKb, deps.config.http.uploadLimitKb));
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
