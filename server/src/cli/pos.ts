import { parseArgs } from 'node:util';
import type { ApiErrorBody, MemberAtTillView, SaleQuoteView, SaleReturnView, SaleView, TIdentifyBody, TSaleCommitBody, TSaleQuoteBody, TSaleReturnBody } from '@o2o/shared';
import { POS_HEADER, signRequest } from '../modules/sale/pos-signature';

/**
 * A small POS API client: signs each request as docs/pos-integration.md describes and calls the API. Used by
 * `npm run pos -- …` (a till in a terminal), the tests and bench:pos. Needs no server code beyond the pure
 * signature module, so a vendor can read it as a reference implementation.
 *
 *   npm run pos -- identify --member-code 880123456789012345        (or --phone 13800000000)
 *   npm run pos -- quote --items SKU1:2,SKU2:1 [--member-code … | --phone …] [--coupon 12] [--use-points 100|all]
 *   npm run pos -- commit --items SKU1:2 --member-code … --receipt R0001
 *   npm run pos -- return R0001 --return-no RT0001 [--lines SKU1:1] [--reason 破损]
 *   npm run pos -- openapi
 *
 * Credentials from POS_BASE_URL (default http://127.0.0.1:3000), POS_KEY_ID, POS_SECRET, or --base-url,
 * --key-id, --secret. Prints the JSON answer; exits 1 on an error answer.
 */

export const POS_API_PREFIX = '/api/pos/v1';

export interface PosClientConfig {
  /** Scheme, host and port: http://127.0.0.1:3000 */
  baseUrl: string;
  keyId: string;
  secret: string;
  /** Unix milliseconds for the timestamp (tests pass the server's test clock). Default Date.now. */
  now?: () => number;
  /** Sent as X-Pos-Store-Id when set. */
  storeId?: number;
}

/** The status and the parsed JSON: the operation's answer (2xx) or the error body `{code, message, requestId, details?}`. */
export interface PosResponse<T = any> {
  status: number;
  body: T & Partial<ApiErrorBody>;
}

/**
 * One signed request. `path` is the full request target (`/api/pos/v1/sales`); the body is serialised once and
 * those exact bytes are both hashed and sent.
 */
export async function signedFetch<T = any>(cfg: PosClientConfig, method: string, path: string, body?: unknown): Promise<PosResponse<T>> {
  const bytes = body === undefined ? '' : JSON.stringify(body);
  const headers: Record<string, string> = signRequest({
    keyId: cfg.keyId,
    secret: cfg.secret,
    method,
    path,
    body: bytes,
    timestamp: Math.floor((cfg.now ?? Date.now)() / 1000),
  });
  if (bytes !== '') headers['content-type'] = 'application/json';
  if (cfg.storeId !== undefined) headers[POS_HEADER.store] = String(cfg.storeId);
  const res = await fetch(new URL(path, cfg.baseUrl), { method, headers, body: bytes === '' ? undefined : bytes });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed as T & Partial<ApiErrorBody> };
}

/** The four operations (and the OpenAPI document) of the POS API. */
export function posClient(cfg: PosClientConfig) {
  const call = <T>(method: string, path: string, body?: unknown) => signedFetch<T>(cfg, method, `${POS_API_PREFIX}${path}`, body);
  return {
    identify: (body: TIdentifyBody) => call<{ member: MemberAtTillView }>('POST', '/members/identify', body),
    quote: (body: TSaleQuoteBody) => call<{ quote: SaleQuoteView }>('POST', '/sales/quote', body),
    commit: (body: TSaleCommitBody) => call<{ sale: SaleView }>('POST', '/sales', body),
    returnSale: (receiptNo: string, body: TSaleReturnBody) => call<{ return: SaleReturnView }>('POST', `/sales/${encodeURIComponent(receiptNo)}/returns`, body),
    openapi: () => call<Record<string, unknown>>('GET', '/openapi.json'),
  };
}
export type PosClient = ReturnType<typeof posClient>;

/** `SKU1:2,SKU2:1` → [{sku, quantity}]. */
export function parseItems(text: string): { sku: string; quantity: number }[] {
  return text
    .split(',')
    .filter(Boolean)
    .map((part) => {
      const m = /^([A-Za-z0-9_-]{1,32}):(\d{1,3})$/.exec(part.trim());
      if (!m) throw new Error(`bad item "${part}": use SKU:QUANTITY`);
      return { sku: m[1], quantity: Number(m[2]) };
    });
}

const USAGE = `usage:
  npm run pos -- identify (--member-code CODE | --phone PHONE)
  npm run pos -- quote --items SKU:N[,SKU:N…] [--member-code CODE | --phone PHONE] [--coupon ID] [--use-points N|all]
  npm run pos -- commit --items SKU:N[,…] (--member-code CODE | --phone PHONE) [--coupon ID] [--use-points N|all] --receipt RECEIPT
  npm run pos -- return RECEIPT --return-no RETURN [--lines SKU:N[,…]] [--reason TEXT]
  npm run pos -- openapi
credentials: POS_BASE_URL, POS_KEY_ID, POS_SECRET (or --base-url, --key-id, --secret); --store-id sends X-Pos-Store-Id`;

async function main(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'base-url': { type: 'string' },
      'key-id': { type: 'string' },
      secret: { type: 'string' },
      'store-id': { type: 'string' },
      'member-code': { type: 'string' },
      phone: { type: 'string' },
      items: { type: 'string' },
      coupon: { type: 'string' },
      'use-points': { type: 'string' },
      receipt: { type: 'string' },
      'return-no': { type: 'string' },
      lines: { type: 'string' },
      reason: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, arg] = positionals;
  if (v.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return v.help ? 0 : 1;
  }
  const cfg: PosClientConfig = {
    baseUrl: v['base-url'] ?? process.env.POS_BASE_URL ?? 'http://127.0.0.1:3000',
    keyId: v['key-id'] ?? process.env.POS_KEY_ID ?? '',
    secret: v.secret ?? process.env.POS_SECRET ?? '',
    storeId: v['store-id'] ? Number(v['store-id']) : undefined,
  };
  const client = posClient(cfg);
  if (command !== 'openapi' && (!cfg.keyId || !cfg.secret)) throw new Error('POS_KEY_ID and POS_SECRET (or --key-id and --secret) are required');
  const who = { ...(v['member-code'] ? { memberCode: v['member-code'] } : {}), ...(v.phone ? { phone: v.phone } : {}) };
  const basket = () => {
    if (!v.items) throw new Error('--items is required');
    const usePoints = v['use-points'] === undefined ? {} : { usePoints: v['use-points'] === 'all' ? true : Number(v['use-points']) };
    return { ...who, items: parseItems(v.items), ...(v.coupon ? { couponId: Number(v.coupon) } : {}), ...usePoints };
  };
  let res: PosResponse;
  switch (command) {
    case 'identify':
      res = await client.identify(who);
      break;
    case 'quote':
      res = await client.quote(basket());
      break;
    case 'commit':
      if (!v.receipt) throw new Error('--receipt is required');
      res = await client.commit({ ...basket(), receiptNo: v.receipt } as TSaleCommitBody);
      break;
    case 'return':
      if (!arg || !v['return-no']) throw new Error('usage: return RECEIPT --return-no RETURN [--lines SKU:N,…]');
      res = await client.returnSale(arg, { returnNo: v['return-no'], ...(v.lines ? { lines: parseItems(v.lines) } : {}), ...(v.reason ? { reason: v.reason } : {}) });
      break;
    case 'openapi':
      res = await client.openapi();
      break;
    default:
      throw new Error(`unknown command "${command}"\n${USAGE}`);
  }
  process.stdout.write(`${JSON.stringify(res.body, null, 2)}\n`);
  if (res.status >= 300) process.stderr.write(`HTTP ${res.status}\n`);
  return res.status >= 300 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
