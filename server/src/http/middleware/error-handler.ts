import type { Context, Next } from 'koa';
import type { ApiErrorBody, ErrorCode } from '@o2o/shared';
import { AppError } from '../../lib/app-error';
import { safeText } from '../../lib/logger';
import { WechatPayError } from '../../modules/payment/wechatpay/wechatpay-errors';
import { WechatApiError } from '../../modules/wechat/wechat.types';

/**
 * First middleware: every failure becomes `{code, message, requestId, details?}` with a real status.
 * Client mistakes never surface as 500; unexpected errors are logged with their stack, never sent.
 */
export function errorHandler() {
  return async (koa: Context, next: Next) => {
    try {
      await next();
      if (koa.status === 404 && koa.body === undefined) throw new AppError('NOT_FOUND', 'No such route');
    } catch (err) {
      const appErr = toAppError(err);
      const requestId: string = koa.state.ctx?.requestId ?? 'unknown';
      if (appErr.status >= 500) {
        koa.state.ctx?.log.error({ err: serializeError(err) }, 'request failed');
      }
      const body: ApiErrorBody = { code: appErr.code, message: appErr.message, requestId };
      if (appErr.details !== undefined) body.details = appErr.details;
      koa.status = appErr.status;
      koa.body = body;
      if (appErr.code === 'RETRYABLE_DB_CONFLICT' || appErr.code === 'DEPENDENCY_UNAVAILABLE') koa.set('Retry-After', '1');
    }
  };
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof WechatApiError) return new AppError('WECHAT_UPSTREAM_ERROR');
  if (err instanceof WechatPayError) return new AppError('WECHAT_PAY_ERROR');
  const e = err as { status?: number; statusCode?: number; type?: string; expose?: boolean };
  const status = e?.status ?? e?.statusCode;
  // errors raised by koa/bodyparser for the client's request
  if (status === 413) return new AppError('PAYLOAD_TOO_LARGE');
  if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
  if (status && status >= 400 && status < 500) {
    const code: ErrorCode = status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN_ROLE' : status === 404 ? 'NOT_FOUND' : 'VALIDATION_FAILED';
    return new AppError(code, status === 400 ? 'Malformed request body' : undefined);
  }
  return new AppError('INTERNAL');
}

function serializeError(err: unknown) {
  if (err instanceof Error) return { type: err.name, message: safeText(err.message), stack: err.stack && safeText(err.stack) };
  return { message: safeText(String(err)) };
}
