import type Router from '@koa/router';
import type { Context } from 'koa';
import type { z } from '@o2o/shared';
import { AppError } from '../lib/app-error';
import type { Ctx } from '../context';
import type { Actor, Policy, StaffActor } from './policy';
import { authenticate } from './middleware/auth';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface HandlerArgs<B, Q> {
  ctx: Ctx;
  actor: Actor | null;
  body: B;
  query: Q;
  params: Record<string, string>;
  koa: Context;
}

export interface RouteDef<B = unknown, Q = unknown> {
  method: Method;
  path: string;
  policy: Policy;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  /** Returns the JSON body; or sets koa.body itself and returns undefined. */
  handler: (args: HandlerArgs<B, Q>) => Promise<unknown>;
  status?: number;
}

/** Keeps generic inference at the definition site: `route({...})`. */
export function route<B = undefined, Q = undefined>(def: RouteDef<B, Q>): RouteDef<B, Q> {
  return def;
}

export interface MountedRoute {
  method: Method;
  path: string;
  policy: Policy;
}

/** Registers routes on a router with auth → validation → handler, and records each in `table`. */
export function mountRoutes(router: Router, prefix: string, defs: RouteDef<any, any>[], table: MountedRoute[]): void {
  for (const def of defs) {
    const fullPath = `${prefix}${def.path}`;
    table.push({ method: def.method, path: fullPath, policy: def.policy });
    // The handler ends the chain: with @koa/router a `next()` here would also run every later route whose
    // pattern matches (e.g. GET /coupons/:id after GET /coupons/claimable). Declaration order decides.
    router[def.method](fullPath, authenticate(def.policy), async (koa: Context) => {
      const body = def.body ? parse(def.body, koa.request.body ?? {}, 'body') : undefined;
      const query = def.query ? parse(def.query, koa.query, 'query') : undefined;
      const result = await def.handler({
        ctx: koa.state.ctx,
        actor: koa.state.actor ?? null,
        body,
        query,
        params: koa.params,
        koa,
      });
      if (result !== undefined) {
        koa.status = def.status ?? 200;
        koa.body = result;
      }
    });
  }
}

function parse<T>(schema: z.ZodType<T>, input: unknown, where: 'body' | 'query'): T {
  const r = schema.safeParse(input);
  if (!r.success) {
    throw new AppError(
      'VALIDATION_FAILED',
      `Invalid ${where}`,
      r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code })),
    );
  }
  return r.data;
}

/** Narrowing helpers for handlers (the policy already guaranteed the kind). */
export function staffOf(actor: Actor | null): StaffActor {
  if (!actor || actor.kind !== 'staff') throw new AppError('UNAUTHENTICATED');
  return actor;
}
export function customerOf(actor: Actor | null): number {
  if (!actor || actor.kind !== 'customer') throw new AppError('UNAUTHENTICATED');
  return actor.customerId;
}

/** `:id` path parameters: positive safe integers, or a 404 (never a 500 or a 400 that reveals structure). */
export function idParam(params: Record<string, string>, name = 'id'): number {
  const v = params[name];
  if (!v || !/^[1-9]\d{0,15}$/.test(v) || !Number.isSafeInteger(Number(v))) throw new AppError('NOT_FOUND');
  return Number(v);
}
