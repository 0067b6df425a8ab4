import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyParser } from '@koa/bodyparser';
import { Router } from '@koa/router';
import Koa from 'koa';
import { systemClock, type Clock } from '../lib/clock';
import type { EmulatorEnv, EmulatorPlugin } from './plugin';
import { accessTokenPlugin } from './routes/access-token';
import { controlPlugin } from './routes/control';
import { loginPlugin } from './routes/login';
import { phonePlugin } from './routes/phone';
import { qrCodePlugin } from './routes/qrcode';
import { subscribePlugin } from './routes/subscribe';
import { createState, type EmulatorState } from './state';
import { wxError } from './wx';

export interface EmulatorLogger {
  info(obj: object, msg: string): void;
}

export interface EmulatorOptions {
  appid: string;
  secret: string;
  clock?: Clock;
  /** Lifetime of login and phone codes. Default 5 minutes, as on WeChat. */
  codeTtlMs?: number;
  /** Lifetime of access tokens. Default 7200 s, as on WeChat. */
  tokenTtlSeconds?: number;
  /** Extra endpoint groups (e.g. WeChat Pay), registered after the built-in ones. */
  plugins?: EmulatorPlugin[];
  /** One line per request: method, path (never the query: it carries secrets and tokens), status, ms. */
  logger?: EmulatorLogger;
}

export interface EmulatorHandle {
  /** A Node request listener, for mounting on your own server or supertest. */
  callback(): http.RequestListener;
  /** Starts a loopback server (host default 127.0.0.1); port 0 picks a free port. */
  listen(port: number, host?: string): Promise<{ port: number; url: string }>;
  /** Stops the server started by listen(), dropping keep-alive connections. No-op if not listening. */
  close(): Promise<void>;
  state: EmulatorState;
  env: EmulatorEnv;
}

/** Built-in WeChat mini-program endpoints, in registration order. */
export const BUILTIN_PLUGINS: readonly EmulatorPlugin[] = [
  controlPlugin,
  loginPlugin,
  accessTokenPlugin,
  phonePlugin,
  qrCodePlugin,
  subscribePlugin,
];

/** A local stand-in for api.weixin.qq.com. Development and tests only: it accepts anyone as anyone. */
export function createEmulator(opts: EmulatorOptions): EmulatorHandle {
  const clock = opts.clock ?? systemClock;
  const env: EmulatorEnv = {
    appid: opts.appid,
    secret: opts.secret,
    clock,
    codeTtlMs: opts.codeTtlMs ?? 5 * 60_000,
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 7200,
    state: createState(),
    now: () => clock.now().getTime(),
  };

  const app = new Koa();
  app.silent = true; // errors are answered below; Koa's default stderr dump would only add noise to tests
  app.use(requestLog(opts.logger));
  app.use(errorReply);
  app.use(controlCors);
  app.use(
    bodyParser({
      enableTypes: ['json'],
      // WeChat reads the body as JSON whatever the content-type says; a parse failure leaves body
      // undefined so each endpoint can answer the way WeChat would (47001) instead of a generic 400.
      detectJSON: () => true,
      onError: () => undefined,
    }),
  );

  const router = new Router();
  for (const plugin of [...BUILTIN_PLUGINS, ...(opts.plugins ?? [])]) plugin.register(router, env);
  app.use(router.routes());
  app.use(router.allowedMethods());

  let server: http.Server | undefined;
  const callback = () => app.callback();

  return {
    callback,
    state: env.state,
    env,
    listen(port: number, host = '127.0.0.1') {
      if (server) return Promise.reject(new Error('emulator is already listening'));
      const srv = http.createServer(callback());
      server = srv;
      return new Promise((resolve, reject) => {
        srv.once('error', (err) => {
          server = undefined;
          reject(err);
        });
        srv.listen(port, host, () => {
          const actual = (srv.address() as AddressInfo).port;
          const hostPart = host.includes(':') ? `[${host}]` : host;
          resolve({ port: actual, url: `http://${hostPart}:${actual}` });
        });
      });
    },
    close() {
      const srv = server;
      if (!srv) return Promise.resolve();
      server = undefined;
      return new Promise<void>((resolve, reject) => {
        srv.close((err) => (err ? reject(err) : resolve()));
        // fetch keeps connections alive; without this close() would wait for them to idle out.
        srv.closeAllConnections();
      });
    },
  };
}

/** Any unexpected throw still looks like WeChat (errcode -1 "system error") on API paths. */
async function errorReply(ctx: Koa.Context, next: Koa.Next): Promise<void> {
  try {
    await next();
  } catch (err) {
    if (ctx.path.startsWith('/__emulator/')) {
      ctx.status = 500;
      ctx.body = { error: err instanceof Error ? err.message : 'internal error' };
    } else {
      wxError(ctx, -1, 'system error');
    }
  }
}

/** The H5 build calls the control endpoints from a browser page on another origin. */
async function controlCors(ctx: Koa.Context, next: Koa.Next): Promise<void> {
  if (!ctx.path.startsWith('/__emulator/')) return next();
  ctx.set('Access-Control-Allow-Origin', ctx.get('Origin') || '*');
  ctx.set('Vary', 'Origin');
  ctx.set('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  ctx.set('Access-Control-Allow-Headers', ctx.get('Access-Control-Request-Headers') || 'Content-Type');
  ctx.set('Access-Control-Max-Age', '600');
  if (ctx.method === 'OPTIONS') {
    ctx.status = 204;
    return;
  }
  await next();
}

function requestLog(logger: EmulatorLogger | undefined): Koa.Middleware {
  return async (ctx, next) => {
    if (!logger) return next();
    const started = Date.now();
    try {
      await next();
    } finally {
      logger.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Date.now() - started }, 'emulator request');
    }
  };
}
