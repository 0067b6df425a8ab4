import { randomBytes } from 'node:crypto';
import type { Middleware, ParameterizedContext } from 'koa';
import type { PayRuntime } from './runtime';
import { checkAuthorization, wechatpayHeaders, type SigningKey } from './signing';

type Ctx = ParameterizedContext;

/** What a /v3 handler answers; the wrapper serializes and signs it. `body` undefined = empty (204). */
export interface V3Reply {
  status: number;
  body?: unknown;
}

/** A WeChat Pay error answer, thrown from handlers: `{"code":…,"message":…,"detail"?:…}`. */
export class PayApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail?: Record<string, unknown>,
  ) {
    super(message);
  }

  reply(): V3Reply {
    return { status: this.status, body: { code: this.code, message: this.message, ...(this.detail ? { detail: this.detail } : {}) } };
  }
}

export type V3Handler = (ctx: Ctx) => V3Reply | Promise<V3Reply>;

/**
 * Wraps a /v3 endpoint the way WeChat Pay fronts all of them: verify the merchant's Authorization first
 * (401 SIGN_ERROR), then run the handler, and sign whatever goes back — errors and empty 204s included.
 */
export function v3(rt: PayRuntime, handler: V3Handler): Middleware {
  return async (ctx) => {
    let reply: V3Reply;
    try {
      reply = await handle(rt, ctx, handler);
    } catch (err) {
      reply = err instanceof PayApiError ? err.reply() : new PayApiError(500, 'SYSTEM_ERROR', '系统错误').reply();
    }
    sendSigned(rt, ctx, reply);
  };
}

async function handle(rt: PayRuntime, ctx: Ctx, handler: V3Handler): Promise<V3Reply> {
  const hasBody = ctx.method !== 'GET' && ctx.method !== 'HEAD' && ctx.method !== 'DELETE';
  const raw = ctx.request.rawBody;
  if (hasBody && raw === undefined) {
    // The shared body parser drops the raw text of unparsable JSON, so the signature cannot be checked.
    throw new PayApiError(400, 'PARAM_ERROR', '请求体无法解析，请检查是否为合法的JSON');
  }
  const denied = checkAuthorization(ctx.get('Authorization') || undefined, {
    method: ctx.method,
    url: ctx.originalUrl,
    body: hasBody ? (raw ?? '') : '',
    // Merchant SDKs (wechatpay-node-v3 included) stamp requests with the wall clock, not with our test
    // clock; WeChat checks them against its own real time, so the emulator does too.
    nowMs: Date.now(),
    mchid: rt.config.mchid,
    serial: rt.config.merchantSerial,
    merchantPublicKey: rt.config.merchantPublicKey,
  });
  if (denied) throw new PayApiError(401, 'SIGN_ERROR', denied);
  return handler(ctx);
}

/** Serializes the body ourselves so the signature covers exactly the bytes on the wire. */
function sendSigned(rt: PayRuntime, ctx: Ctx, reply: V3Reply): void {
  const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
  const headers = wechatpayHeaders(responseKey(rt, ctx.get('Wechatpay-Serial')), rt.env.now(), text);
  for (const [name, value] of Object.entries(headers)) ctx.set(name, value);
  ctx.set('Request-ID', randomBytes(20).toString('hex').toUpperCase());
  ctx.status = reply.status;
  if (text) {
    ctx.type = 'application/json; charset=utf-8';
    ctx.body = text;
  } else {
    ctx.body = null;
  }
}

/** During key migration WeChat signs a response with whichever key the request's Wechatpay-Serial names. */
function responseKey(rt: PayRuntime, requested: string): SigningKey {
  const { keys } = rt.config;
  if (requested && requested === keys.public_key.serial) return keys.public_key;
  if (requested && requested.toUpperCase() === keys.certificate.serial) return keys.certificate;
  return keys[rt.config.signMode];
}
