import { isRecord } from '../wx';
import { PayApiError } from './v3';

/**
 * Request validation with WeChat Pay's PARAM_ERROR wording, e.g.
 * `输入源“/body/payer/openid”映射到字段“用户标识”必填性规则校验失败，此字段为必填项` with
 * `detail: {location: 'body', value: …}`. The "required" wording is WeChat's; the others follow its style.
 */

export type Location = 'body' | 'query' | 'uri';

export function paramError(location: Location, path: string, label: string, rule: string, value: unknown): PayApiError {
  return new PayApiError(400, 'PARAM_ERROR', `输入源“/${location}/${path}”映射到字段“${label}”${rule}`, {
    location,
    value: value === undefined ? '' : value,
  });
}

/** Reads fields of one JSON object, throwing PARAM_ERROR for the first bad one. */
export class Fields {
  constructor(
    private readonly obj: Record<string, unknown>,
    private readonly location: Location,
    private readonly prefix = '',
  ) {}

  /** A required string of 1..maxBytes UTF-8 bytes (WeChat limits count bytes), optionally matching `pattern`. */
  string(key: string, label: string, maxBytes: number, pattern?: RegExp, minBytes = 1): string {
    const v = this.obj[key];
    if (v === undefined || v === null || v === '') throw this.error(key, label, '必填性规则校验失败，此字段为必填项', v);
    return this.check(key, label, v, maxBytes, pattern, minBytes);
  }

  optionalString(key: string, label: string, maxBytes: number, pattern?: RegExp): string | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    return this.check(key, label, v, maxBytes, pattern, 0);
  }

  /** A required integer ≥ min. */
  integer(key: string, label: string, min: number): number {
    const v = this.obj[key];
    if (v === undefined || v === null) throw this.error(key, label, '必填性规则校验失败，此字段为必填项', v);
    if (typeof v !== 'number' || !Number.isInteger(v)) throw this.error(key, label, '类型规则校验失败，此字段应为整数', v);
    if (v < min) throw this.error(key, label, `数字规则校验失败，值 ${v}，小于最小值 ${min}`, v);
    return v;
  }

  /** A required nested object. */
  object(key: string, label: string): Fields {
    const v = this.obj[key];
    if (v === undefined || v === null) throw this.error(key, label, '必填性规则校验失败，此字段为必填项', v);
    if (!isRecord(v)) throw this.error(key, label, '类型规则校验失败，此字段应为对象', v);
    return new Fields(v, this.location, `${this.prefix}${key}/`);
  }

  optionalObject(key: string, label: string): Fields | undefined {
    return this.obj[key] === undefined || this.obj[key] === null ? undefined : this.object(key, label);
  }

  error(key: string, label: string, rule: string, value: unknown): PayApiError {
    return paramError(this.location, `${this.prefix}${key}`, label, rule, value);
  }

  private check(key: string, label: string, v: unknown, maxBytes: number, pattern: RegExp | undefined, minBytes: number): string {
    if (typeof v !== 'string') throw this.error(key, label, '类型规则校验失败，此字段应为字符串', v);
    const bytes = Buffer.byteLength(v, 'utf8');
    if (bytes > maxBytes) throw this.error(key, label, `字符串规则校验失败，字节数 ${bytes}，大于最大值 ${maxBytes}`, v);
    if (bytes < minBytes) throw this.error(key, label, `字符串规则校验失败，字节数 ${bytes}，小于最小值 ${minBytes}`, v);
    if (pattern && !pattern.test(v)) throw this.error(key, label, '格式规则校验失败，请检查取值格式', v);
    return v;
  }
}

/** A JSON object request body, or PARAM_ERROR. */
export function bodyFields(body: unknown): Fields {
  if (!isRecord(body)) throw new PayApiError(400, 'PARAM_ERROR', '请求体格式错误，应为JSON对象');
  return new Fields(body, 'body');
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * notify_url: ≤255 bytes, absolute https URL without a query string. Plain http is allowed only for
 * loopback hosts (a merchant server on the developer's machine); WeChat itself requires https.
 */
export function notifyUrl(fields: Fields, key = 'notify_url', required = true): string | undefined {
  const value = required ? fields.string(key, '通知地址', 255) : fields.optionalString(key, '通知地址', 255);
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const host = url?.hostname ?? '';
  const schemeOk = url?.protocol === 'https:' || (url?.protocol === 'http:' && (LOOPBACK.has(host) || host.startsWith('127.')));
  if (!url || !schemeOk || url.username || url.password) {
    throw fields.error(key, '通知地址', '格式规则校验失败，请填写以https://开头的完整地址', value);
  }
  if (value.includes('?')) throw fields.error(key, '通知地址', '格式规则校验失败，通知地址不允许携带查询串', value);
  return value;
}
