import { randomBytes } from 'node:crypto';
import type { ParameterizedContext } from 'koa';
import type { EmulatorEnv } from './plugin';
import type { EmulatorApi } from './state';

type Ctx = ParameterizedContext;

/** WeChat's request id: three 8-hex-digit groups, appended to every errmsg. */
export function rid(): string {
  const hex = randomBytes(12).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 16)}-${hex.slice(16, 24)}`;
}

/** URL-safe random credential; base64url of `bytes` random bytes. */
export function randomId(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** WeChat answers errors with HTTP 200 and `{errcode, errmsg}`; clients must not rely on the status. */
export function wxError(ctx: Ctx, errcode: number, errmsg: string): void {
  ctx.status = 200;
  ctx.type = 'application/json';
  ctx.body = { errcode, errmsg: `${errmsg}, rid: ${rid()}` };
}

/** Control-endpoint error (our own API, so a normal 4xx is fine). */
export function controlError(ctx: Ctx, status: number, error: string): void {
  ctx.status = status;
  ctx.body = { error };
}

/** Counts the call and, if a fault is armed for this API, answers with it. Returns true when it answered. */
export function countAndMaybeFail(ctx: Ctx, env: EmulatorEnv, api: EmulatorApi): boolean {
  env.state.calls[api] += 1;
  const fault = env.state.faults.get(api);
  if (!fault || fault.remaining <= 0) return false;
  fault.remaining -= 1;
  if (fault.remaining <= 0) env.state.faults.delete(api);
  wxError(ctx, fault.errcode, fault.errmsg);
  return true;
}

/**
 * The JSON body of a WeChat POST, or undefined after answering 47001 (WeChat's "data format error",
 * which is what a form post or broken JSON gets).
 */
export function wxJsonBody(ctx: Ctx): Record<string, unknown> | undefined {
  const body = ctx.request.body;
  if (isRecord(body)) return body;
  wxError(ctx, 47001, 'data format error hint');
  return undefined;
}

/** The JSON body of a control request, or undefined after answering 400. */
export function controlJsonBody(ctx: Ctx): Record<string, unknown> | undefined {
  const body = ctx.request.body;
  if (isRecord(body)) return body;
  controlError(ctx, 400, 'expected a JSON object body');
  return undefined;
}

/**
 * Validates `?access_token=` the way WeChat does for every token API. Returns false after answering
 * 41001 (missing) or 40001 (unknown, revoked or expired).
 */
export function requireAccessToken(ctx: Ctx, env: EmulatorEnv): boolean {
  const token = ctx.query.access_token;
  if (typeof token !== 'string' || !token) {
    wxError(ctx, 41001, 'access_token missing');
    return false;
  }
  const record = env.state.accessTokens.get(token);
  if (!record || record.expiresAt <= env.now()) {
    wxError(ctx, 40001, 'invalid credential, access_token is invalid or not latest');
    return false;
  }
  return true;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function queryString(ctx: Ctx, name: string): string | undefined {
  const v = ctx.query[name];
  return typeof v === 'string' ? v : undefined;
}
