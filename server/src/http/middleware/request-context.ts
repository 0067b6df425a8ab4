import crypto from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Deps } from '../../context';

const INCOMING_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Request id (accepted from a proxy when sane, else generated), per-request logger and use-case ctx, access log. */
export function requestContext(deps: Deps) {
  return async (koa: Context, next: Next) => {
    const incoming = koa.get('x-request-id');
    const requestId = INCOMING_ID.test(incoming) ? incoming : crypto.randomUUID();
    const log = deps.log.child({ requestId });
    koa.state.ctx = { ...deps, requestId, log };
    koa.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // path only: query strings may carry cursors or signed-URL signatures
      log.info({ method: koa.method, path: koa.path, status: koa.status, ms: Math.round(ms * 10) / 10 }, 'request');
    }
  };
}
