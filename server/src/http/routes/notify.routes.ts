import type { Context } from 'koa';
import { receiveNotification, type NotificationKind } from '../../modules/payment/notification.service';
import { signedHeaders } from '../../modules/payment/wechatpay/signature';
import { PUBLIC } from '../policy';
import { route } from '../route';

/** WeChat's notifications are small JSON documents; anything bigger is not from WeChat. */
const MAX_NOTIFY_BYTES = 64 * 1024;
const AUDIT_HEADERS = ['wechatpay-serial', 'wechatpay-signature', 'wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-signature-type', 'request-id', 'content-type'];

/**
 * WeChat Pay notifications, mounted under /notify/wechat-pay. No auth middleware: the signature is the
 * authentication. The body is read here as raw bytes (the JSON body parser skips /notify/) because the
 * signature covers the exact bytes; any re-serialisation could break it. Answers: 204, or 4xx/5xx with
 * `{code:'FAIL', message}` so that WeChat redelivers.
 */
function notifyRoute(kind: NotificationKind) {
  return route({
    method: 'post',
    path: `/${kind}`,
    policy: PUBLIC('WeChat Pay notification: authenticated by its RSA signature'),
    handler: async ({ ctx, koa }) => {
      try {
        const raw = await readRaw(koa);
        if (!raw) return fail(koa, 413, 'body too large');
        const answer = await receiveNotification(ctx, kind, {
          headers: signedHeaders((n) => koa.get(n) || undefined),
          auditHeaders: Object.fromEntries(AUDIT_HEADERS.filter((h) => koa.get(h)).map((h) => [h, koa.get(h)])),
          raw,
        });
        if (answer.status === 204) {
          koa.status = 204;
          return undefined;
        }
        return fail(koa, answer.status, answer.message);
      } catch (err) {
        ctx.log.error({ err }, 'WeChat Pay notification failed');
        return fail(koa, 500, 'processing failed');
      }
    },
  });
}

function fail(koa: Context, status: number, message: string): undefined {
  koa.status = status;
  koa.body = { code: 'FAIL', message };
  return undefined;
}

/**
 * The body's bytes, or null when it exceeds MAX_NOTIFY_BYTES. An oversized body is not read further into memory, but
 * the request stream is not destroyed either: that would reset the socket under a response that advertises
 * keep-alive (and a proxy reusing the connection would answer the next genuine notification with a 502). The answer
 * says `Connection: close` instead, and Node closes the connection once the 413 is written.
 */
function readRaw(koa: Context): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    koa.req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size <= MAX_NOTIFY_BYTES) return void chunks.push(chunk);
      over = true;
      chunks.length = 0;
      koa.set('Connection', 'close');
      resolve(null);
    });
    koa.req.on('end', () => resolve(over ? null : Buffer.concat(chunks)));
    koa.req.on('error', reject);
  });
}

export const notifyRoutes = [notifyRoute('transaction'), notifyRoute('refund')];
