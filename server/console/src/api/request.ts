import { ERROR_MESSAGES_ZH, isErrorCode, type ApiErrorBody } from '@o2o/shared';
import { getSession, setSession } from '../app/session';

/** Every failed request: the server's stable code, the Chinese message an operator reads, and the details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

export const BASE = '/api/admin';

/**
 * Called when the session expired or was revoked mid-use. The shell installs one that opens a login dialog over
 * the current page (so a half-filled form keeps its input) and resolves once signed in again, or rejects if the
 * user gives up. Without one, the request fails with the 401.
 */
type Reauth = () => Promise<void>;
let reauth: Reauth | null = null;
export function installReauth(fn: Reauth | null): void {
  reauth = fn;
}

export function messageOf(body: Partial<ApiErrorBody> | null, status: number): string {
  const code = body?.code;
  let msg = isErrorCode(code) ? ERROR_MESSAGES_ZH[code] : body?.message || `请求失败（${status}）`;
  // Validation: name the fields, the operator fixes them without guessing.
  if (code === 'VALIDATION_FAILED' && Array.isArray(body?.details)) {
    const paths = (body!.details as { path?: string }[]).map((d) => d.path).filter(Boolean);
    if (paths.length) msg += `：${[...new Set(paths)].slice(0, 5).join('、')}`;
  }
  return msg;
}

export type Query = Record<string, string | number | boolean | null | undefined | (string | number)[]>;

export function queryString(q?: Query): string {
  if (!q) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => p.append(k, String(x)));
    else p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

export interface RequestOptions {
  body?: unknown;
  query?: Query;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Path outside /api/admin (e.g. '/api/clerk/...'). */
  absolute?: boolean;
}

async function send(method: string, path: string, opts: RequestOptions): Promise<Response> {
  const session = getSession();
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (session) headers.Authorization = `Bearer ${session.token}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(`${opts.absolute ? '' : BASE}${path}${queryString(opts.query)}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: opts.signal,
  });
}

async function errorOf(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as Partial<ApiErrorBody> | null;
  return new ApiError(res.status, body?.code ?? `HTTP_${res.status}`, messageOf(body, res.status), body?.details, body?.requestId);
}

/** The one request function of the console: JSON in and out, the staff token, Chinese errors, re-login on 401. */
export async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, opts: RequestOptions = {}): Promise<T> {
  let res = await send(method, path, opts);
  if (res.status === 401 && path !== '/session' && reauth) {
    setSession(null);
    await reauth(); // throws if the user cancels
    res = await send(method, path, opts);
  }
  if (!res.ok) throw await errorOf(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const get = <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal });
export const post = <T>(path: string, body?: unknown, extra: Omit<RequestOptions, 'body'> = {}) => request<T>('POST', path, { ...extra, body: body ?? {} });
export const put = <T>(path: string, body?: unknown) => request<T>('PUT', path, { body: body ?? {} });
export const patch = <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body: body ?? {} });
export const del = <T>(path: string) => request<T>('DELETE', path);

/** Downloads a file the server streams (PDF, CSV) with the staff token, and saves it under its name. */
export async function download(path: string, fallbackName: string, opts: { absolute?: boolean; query?: Query } = {}): Promise<void> {
  let res = await send('GET', path, { absolute: opts.absolute, query: opts.query, headers: { Accept: '*/*' } });
  if (res.status === 401 && reauth) {
    setSession(null);
    await reauth();
    res = await send('GET', path, { absolute: opts.absolute, query: opts.query, headers: { Accept: '*/*' } });
  }
  if (!res.ok) throw await errorOf(res);
  const blob = await res.blob();
  const disposition = res.headers.get('content-disposition') ?? '';
  const m = /filename\*=UTF-8''([^;]+)/i.exec(disposition) ?? /filename="?([^";]+)"?/i.exec(disposition);
  const name = m ? decodeURIComponent(m[1]) : fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
