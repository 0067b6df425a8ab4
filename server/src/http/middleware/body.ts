import { bodyParser } from '@koa/bodyparser';
import type { Context, Next } from 'koa';
import { AppError } from '../../lib/app-error';

/** Console uploads (CSV imports, phone lists) carry files inside JSON: paths matching this get the larger limit. */
export const UPLOAD_PATH = /^\/api\/admin\/[a-z-]+(\/[a-z-]+)?\/import$|^\/api\/admin\/tags\/bulk-phones$/;

/** The POS API signs the body's bytes: for these paths the bytes are read here and kept (see `rawBodyOf`). */
export const POS_PATH_PREFIX = '/api/pos/';

/** The exact bytes of a POS API request's body, as received (empty for none); undefined on other paths. */
export const rawBodyOf = (koa: Context): Buffer | undefined => koa.state.posRawBody;

/**
 * JSON only, bounded size, strict (top-level object/array). The raw text is kept on ctx.request.rawBody
 * for signature checks. A body in another content type is refused instead of being silently ignored.
 * Upload paths (`UPLOAD_PATH`) may be up to `uploadLimitKb`; everything else `limitKb`.
 */
export function jsonBody(limitKb: number, uploadLimitKb = limitKb) {
  const parser = bodyParser({ enableTypes: ['json'], jsonLimit: `${limitKb}kb`, encoding: 'utf-8', jsonStrict: true });
  const uploadParser = bodyParser({ enableTypes: ['json'], jsonLimit: `${uploadLimitKb}kb`, encoding: 'utf-8', jsonStrict: true });
  return async (koa: Context, next: Next) => {
    // WeChat Pay notifications are verified over their raw bytes: their route reads the body itself.
    if (koa.path.startsWith('/notify/')) return next();
    if (koa.path.startsWith(POS_PATH_PREFIX)) {
      await readSignedJson(koa, limitKb);
      return next();
    }
    const upload = UPLOAD_PATH.test(koa.path);
    const limit = upload ? uploadLimitKb : limitKb;
    if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(koa.method)) {
      const hasBody = Number(koa.get('content-length') || 0) > 0 || koa.get('transfer-encoding') !== '';
      if (hasBody && !koa.is('application/json')) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
      const declared = Number(koa.get('content-length') || 0);
      if (declared > limit * 1024) throw new AppError('PAYLOAD_TOO_LARGE');
    }
    try {
      // Parse first, then run the rest of the chain outside this try: only the body layer's own failures are mapped.
      await (upload ? uploadParser : parser)(koa, async () => {});
    } catch (err) {
      throw bodyError(err);
    }
    if (!cleanText(koa.request.body)) throw new AppError('VALIDATION_FAILED', 'Text must not contain NUL characters or unpaired surrogates');
    return next();
  };
}

/**
 * A POS request's body: the bytes as sent are kept on `koa.state.posRawBody` (the signature covers their SHA-256;
 * a parser's decoded text re-encoded could differ: a BOM, invalid UTF-8), then parsed as the JSON parser would
 * (strict: an object or array at the top; well-formed UTF-8; the same size limit and text rules). A compressed
 * body is refused: its digest would be ambiguous (over the wire bytes or the inflated ones).
 */
async function readSignedJson(koa: Context, limitKb: number): Promise<void> {
  const limit = limitKb * 1024;
  const declared = Number(koa.get('content-length') || 0);
  const hasBody = declared > 0 || koa.get('transfer-encoding') !== '';
  if (hasBody && !koa.is('application/json')) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  const encoding = koa.get('content-encoding').toLowerCase();
  if (encoding && encoding !== 'identity') throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send POS requests uncompressed: the signature covers the bytes as sent');
  if (declared > limit) throw new AppError('PAYLOAD_TOO_LARGE');
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    if (hasBody) {
      for await (const chunk of koa.req) {
        size += (chunk as Buffer).length;
        if (size > limit) throw new AppError('PAYLOAD_TOO_LARGE');
        chunks.push(chunk as Buffer);
      }
    }
  } catch (err) {
    throw bodyError(err);
  }
  const raw = Buffer.concat(chunks);
  koa.state.posRawBody = raw;
  if (raw.length === 0) {
    koa.request.body = {};
    return;
  }
  let text: string;
  let parsed: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(raw);
    parsed = JSON.parse(text);
  } catch {
    throw new AppError('VALIDATION_FAILED', 'Malformed request body');
  }
  if (parsed === null || typeof parsed !== 'object') throw new AppError('VALIDATION_FAILED', 'Malformed request body');
  if (!cleanText(parsed)) throw new AppError('VALIDATION_FAILED', 'Text must not contain NUL characters or unpaired surrogates');
  koa.request.body = parsed;
  (koa.request as { rawBody?: string }).rawBody = text;
}

/**
 * Every string in the body (keys too) is well-formed UTF-16 without NUL: MySQL would store an unpaired surrogate
 * altered (or refuse it) and NUL truncates in C-based tools downstream, so both are refused at the door, once,
 * for every route. Iterative walk; depth is already bounded by the JSON size limit.
 */
const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
function cleanText(body: unknown): boolean {
  const stack: unknown[] = [body];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (BAD_TEXT.test(v)) return false;
    } else if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (BAD_TEXT.test(k)) return false;
        stack.push(x);
      }
    }
  }
  return true;
}

/**
 * Everything that goes wrong while reading a body is the client's doing (bad JSON, a `Content-Encoding` the bytes
 * do not match — zlib's errors carry no HTTP status —, an aborted upload, a charset we do not read): 4xx, never 500.
 */
function bodyError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { status?: number; statusCode?: number; type?: string };
  const status = e?.status ?? e?.statusCode;
  if (status === 413) return new AppError('PAYLOAD_TOO_LARGE');
  if (status === 415 || e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new AppError('UNSUPPORTED_MEDIA_TYPE');
  return new AppError('VALIDATION_FAILED', 'Malformed request body');
}
