import type { ApiErrorBody, ErrorCode } from '@o2o/shared';

/** Codes the client produces itself, when there is no usable server answer. */
export const ClientErrorCode = {
  /** The request never got an HTTP answer (offline, DNS, timeout, blocked domain). */
  NETWORK_ERROR: 'NETWORK_ERROR',
  /** A non-2xx answer without the `{code, message, requestId}` body. */
  BAD_RESPONSE: 'BAD_RESPONSE',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/**
 * Every failed API call rejects with this. `status` is the HTTP status (0 when there was none),
 * `code` a server `ErrorCode` or a `ClientErrorCode`, `requestId` the server's id for support.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | ClientErrorCode | string;
  readonly requestId: string;
  readonly details?: unknown;

  constructor(init: { status: number; code: ApiError['code']; message: string; requestId?: string; details?: unknown }) {
    super(init.message);
    // Keeps `instanceof` working when classes are down-levelled to ES5 for old WeChat clients.
    Object.setPrototypeOf(this, ApiError.prototype);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId ?? '';
    this.details = init.details;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.message === 'string';
}
