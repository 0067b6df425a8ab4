import Taro from '@tarojs/taro';
import { API_BASE } from '../env';
import { sessionStore } from '../stores/session';
import { ApiError, ClientErrorCode, isApiErrorBody } from './api-error';

/**
 * The one wrapper around `Taro.request` (nothing else may call it). It
 * - prefixes the API base URL and sends/receives JSON;
 * - attaches `Authorization: Bearer <token>` from a token source: the consumer's by default, the clerk
 *   subpackage passes its own, session-creating calls pass `auth: false`;
 * - turns every non-2xx answer into an `ApiError` (`Taro.request` resolves on 4xx/5xx);
 * - on a 401 to a request that carried a token: asks the token source to renew it (the consumer's clears
 *   the session and logs in again, one shared login for concurrent 401s) and retries once. A second 401
 *   is final.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  method?: HttpMethod;
  /** JSON body (not for GET). */
  data?: unknown;
  query?: Query;
  header?: Record<string, string>;
  /** Where the bearer token comes from (default: the consumer session). `false`: send none. */
  auth?: TokenSource | false;
  timeoutMs?: number;
}

export interface TokenSource {
  /** The token to send now, or null to send none. */
  current(): string | null;
  /**
   * The server answered 401 to a request sent with `rejected`. Resolve a fresh token to retry once with,
   * or null to give up (the 401 is then the result); a rejection replaces the 401.
   */
  renew(rejected: string): Promise<string | null>;
}

/** Wraps a renewal so concurrent callers share one run (one login for a burst of 401s). */
export function singleFlight<T>(run: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | null = null;
  return () => {
    if (inFlight) return inFlight;
    const p = run();
    inFlight = p;
    const settle = () => {
      if (inFlight === p) inFlight = null;
    };
    p.then(settle, settle); // not .finally(): older WeChat clients lack it
    return p;
  };
}

/** Produces a fresh consumer token (and stores it). Installed by the app shell, see `app.ts`. */
export type ReloginHandler = () => Promise<string>;

let reloginHandler: ReloginHandler | null = null;

export function setReloginHandler(handler: ReloginHandler | null): void {
  reloginHandler = handler;
}

const sharedRelogin = singleFlight<string | null>(() => (reloginHandler ? reloginHandler() : Promise.resolve(null)));

/** The consumer's token (`/api/app`): renewed by a silent login through the platform login code. */
export const consumerAuth: TokenSource = {
  current: () => sessionStore.get()?.token ?? null,
  async renew(rejected) {
    if (!reloginHandler) return null;
    const latest = sessionStore.get();
    // A concurrent request already logged in again: just use the new token.
    if (latest && latest.token !== rejected) return latest.token;
    sessionStore.clear();
    return sharedRelogin();
  },
};

function buildUrl(path: string, query?: Query): string {
  const qs = Object.entries(query ?? {})
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

function headerValue(header: unknown, name: string): string | undefined {
  if (!header || typeof header !== 'object') return undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(header as Record<string, unknown>)) {
    if (k.toLowerCase() === lower && typeof v === 'string') return v;
  }
  return undefined;
}

function toApiError(statusCode: number, data: unknown, header: unknown): ApiError {
  const headerRequestId = headerValue(header, 'x-request-id');
  if (isApiErrorBody(data)) {
    return new ApiError({
      status: statusCode,
      code: data.code,
      message: data.message,
      requestId: data.requestId || headerRequestId,
      details: data.details,
    });
  }
  return new ApiError({
    status: statusCode,
    code: ClientErrorCode.BAD_RESPONSE,
    message: `HTTP ${statusCode}`,
    requestId: headerRequestId,
  });
}

async function send<T>(path: string, options: RequestOptions, token: string | null): Promise<T> {
  const method = options.method ?? 'GET';
  const header: Record<string, string> = { Accept: 'application/json', ...options.header };
  if (method !== 'GET') header['Content-Type'] = 'application/json';
  if (token) header.Authorization = `Bearer ${token}`;

  let res: Taro.request.SuccessCallbackResult;
  try {
    res = await Taro.request({
      url: buildUrl(path, options.query),
      method,
      data: method === 'GET' ? undefined : (options.data ?? {}),
      header,
      dataType: 'json',
      timeout: options.timeoutMs ?? 15_000,
    });
  } catch (err) {
    const errMsg = err && typeof err === 'object' && 'errMsg' in err ? String(err.errMsg) : String(err);
    throw new ApiError({ status: 0, code: ClientErrorCode.NETWORK_ERROR, message: errMsg });
  }

  if (res.statusCode >= 200 && res.statusCode < 300) return res.data as T;
  throw toApiError(res.statusCode, res.data, res.header);
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const auth = options.auth === undefined ? consumerAuth : options.auth;
  const token = auth ? auth.current() : null;
  try {
    return await send<T>(path, options, token);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401 || !auth || !token) throw err;
    const fresh = await auth.renew(token);
    if (!fresh) throw err;
    return send<T>(path, options, fresh);
  }
}
