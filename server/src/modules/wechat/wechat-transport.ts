import { WechatApiError } from './wechat.types';

/** The only thing we log about a failed WeChat call is which API and which errcode: never URLs or bodies. */
export interface WechatLogger {
  warn(obj: object, msg: string): void;
}

export interface TransportOptions {
  apiBase: string;
  fetchImpl: typeof fetch;
  timeoutMs: number;
  logger?: WechatLogger;
}

/** Transport failures (timeout, DNS, reset): the call may or may not have reached WeChat. */
export const ERR_TRANSPORT = -2;
/** WeChat answered but not in a shape we understand. */
export const ERR_MALFORMED = -3;

export type Query = Record<string, string>;

interface RawReply {
  status: number;
  contentType: string;
  body: Buffer;
}

/**
 * Thin HTTP layer shared by every capability. Every failure leaves here as a WechatApiError, logged once,
 * so callers only ever catch one error type.
 */
export class WechatTransport {
  private readonly base: string;

  constructor(private readonly opts: TransportOptions) {
    // Plain concatenation (not new URL(path, base)) keeps a path prefix in apiBase, e.g. behind a proxy.
    this.base = opts.apiBase.replace(/\/+$/, '');
  }

  /** GET returning a JSON object; errcode other than 0 throws. */
  async getJson(api: string, path: string, query: Query): Promise<Record<string, unknown>> {
    const reply = await this.send(api, path, query, { method: 'GET' });
    return this.checked(api, this.parseJson(api, reply));
  }

  /** POST a JSON body, expecting a JSON object; errcode other than 0 throws. */
  async postJson(api: string, path: string, query: Query, body: unknown): Promise<Record<string, unknown>> {
    const reply = await this.send(api, path, query, jsonInit(body));
    return this.checked(api, this.parseJson(api, reply));
  }

  /**
   * POST a JSON body to an API that answers with raw bytes on success and JSON on failure (wxacode).
   * The content-type alone is not trusted: a leading `{` also means a JSON error.
   */
  async postForBytes(api: string, path: string, query: Query, body: unknown): Promise<Buffer> {
    const reply = await this.send(api, path, query, jsonInit(body));
    const looksJson = /json/i.test(reply.contentType) || firstNonSpaceByte(reply.body) === 0x7b;
    if (looksJson) {
      this.checked(api, this.parseJson(api, reply));
      // errcode 0 but no image: nothing usable came back.
      throw this.fail(api, ERR_MALFORMED, 'JSON reply without an image');
    }
    if (reply.status < 200 || reply.status >= 300 || reply.body.length === 0) {
      throw this.fail(api, ERR_MALFORMED, `unexpected reply (HTTP ${reply.status}, ${reply.body.length} bytes)`);
    }
    return reply.body;
  }

  /** Builds, logs and returns the error; callers `throw` it so control flow stays visible. */
  fail(api: string, errcode: number, errmsg: string): WechatApiError {
    this.opts.logger?.warn({ api, errcode }, 'wechat api call failed');
    return new WechatApiError(api, errcode, errmsg);
  }

  private async send(api: string, path: string, query: Query, init: RequestInit): Promise<RawReply> {
    const qs = new URLSearchParams(query).toString();
    const url = `${this.base}${path}${qs ? `?${qs}` : ''}`;
    try {
      // One deadline covers connect, headers and body, so a stalled body cannot hang the caller.
      const res = await this.opts.fetchImpl(url, { ...init, signal: AbortSignal.timeout(this.opts.timeoutMs) });
      const body = Buffer.from(await res.arrayBuffer());
      return { status: res.status, contentType: res.headers.get('content-type') ?? '', body };
    } catch (err) {
      // Only the error's name/code: the message of some fetch errors repeats the URL, which holds secrets.
      throw this.fail(api, ERR_TRANSPORT, `transport error: ${describeTransportError(err)}`);
    }
  }

  private parseJson(api: string, reply: RawReply): Record<string, unknown> {
    let parsed: unknown;
    try {
      // WeChat sometimes labels JSON as text/plain, so the content-type is ignored here.
      parsed = JSON.parse(reply.body.toString('utf8'));
    } catch {
      throw this.fail(api, ERR_MALFORMED, `unparseable reply (HTTP ${reply.status})`);
    }
    if (!isRecord(parsed)) throw this.fail(api, ERR_MALFORMED, `reply is not a JSON object (HTTP ${reply.status})`);
    return parsed;
  }

  private checked(api: string, json: Record<string, unknown>): Record<string, unknown> {
    // errcode missing or 0 means success (WeChat's own examples disagree on whether it is present).
    if (json.errcode === undefined || json.errcode === null) return json;
    const errcode = Number(json.errcode);
    if (!Number.isInteger(errcode)) throw this.fail(api, ERR_MALFORMED, 'non-numeric errcode');
    if (errcode === 0) return json;
    throw this.fail(api, errcode, typeof json.errmsg === 'string' ? json.errmsg : '');
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function jsonInit(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function firstNonSpaceByte(buf: Buffer): number | undefined {
  for (const b of buf) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return b;
  return undefined;
}

function describeTransportError(err: unknown): string {
  // Duck-typed, not instanceof: fetch errors may come from another realm (e.g. under jest).
  if (!isRecord(err)) return 'unknown';
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timeout';
  const cause = err.cause;
  if (isRecord(cause) && typeof cause.code === 'string') return cause.code;
  return typeof err.name === 'string' ? err.name : 'unknown';
}
