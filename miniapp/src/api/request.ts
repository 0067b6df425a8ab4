import Taro from '@tarojs/taro';
import { API_BASE } from '../env';
import { sessionStore } from '../stores/session';
import { ApiError, ClientErrorCode, isApiErrorBody } from './api-error';

/**
 * The one wrapper around `Taro.request` (nothing else may call it). It
 * - prefixes the API base URL and sends/receives JSON;
 * - attaches `Authorization: Bearer <token>` from the session store (unless `auth: false`);
 * - turns every non-2xx answer into an `ApiError` (`Taro.request` resolves on 4xx/5xx);
 * - on a 401 to a request that carried a consumer token: clears the session, logs in again once
 *   (one shared login for concurrent 401s) and retries the request once. A second 401 is final.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  method?: HttpMethod;
  /** JSON body (not for GET). */
  data?: unknown;
  query?: Query;
  header?: Record<string, string>;
  /** Send the session token (default true). Session-creating calls pass false. */
  auth?: boolean;
  timeoutMs?: number;
}

/** Produces a fresh consumer token (and stores it). Installed by the app shell, see `app.ts`. */
export type ReloginHandler = () => Promise<string>;

let reloginHandler: ReloginHandler | null = null;
let reloginInFlight: Promise<string> | null = null;

export function setReloginHandler(handler: ReloginHandler | null): void {
  reloginHandler = handler;
}

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

function relogin(handler: ReloginHandler): Promise<string> {
  if (reloginInFlight) return reloginInFlight;
  const inFlight = handler();
  reloginInFlight = inFlight;
  const settle = () => {
    if (reloginInFlight === inFlight) reloginInFlight = null;
  };
  inFlight.then(settle, settle); // not .finally(): older WeChat clients lack it
  return inFlight;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const session = options.auth === false ? null : sessionStore.get();
  try {
    return await send<T>(path, options, session?.token ?? null);
  } catch (err) {
    const canRelogin =
      err instanceof ApiError && err.status === 401 && session?.kind === 'consumer' && reloginHandler !== null;
    if (!canRelogin || !reloginHandler) throw err;
    const latest = sessionStore.get();
    let token: string;
    if (latest?.kind === 'consumer' && latest.token !== session.token) {
      // A concurrent request already logged in again: just use the new token.
      token = latest.token;
    } else {
      sessionStore.clear();
      token = await relogin(reloginHandler);
    }
    return send<T>(path, options, token);
  }
}
