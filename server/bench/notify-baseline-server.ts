import crypto from 'node:crypto';
import http from 'node:http';
import Koa from 'koa';
import mysql from 'mysql2/promise';

/**
 * The floor for bench:notify: bare Koa doing what any correct notification endpoint must — read the raw
 * body, verify the RSA signature, decrypt the resource with its GCM tag checked — and one 3-statement
 * transaction (record the notification, mark the order paid, credit points), on a mysql2 pool of 10.
 * No framework of ours, no checks beyond these. Run as a child process by notify.bench.ts.
 */
const pool = mysql.createPool({ uri: process.env.BASELINE_DATABASE_URL!, connectionLimit: 10 });
const platformKey = crypto.createPublicKey(process.env.BASELINE_PLATFORM_PUBLIC_KEY!);
const apiV3Key = Buffer.from(process.env.BASELINE_APIV3_KEY!, 'utf8');

const app = new Koa();
app.use(async (ctx) => {
  const chunks: Buffer[] = [];
  for await (const c of ctx.req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks);
  const ts = ctx.get('wechatpay-timestamp');
  const nonce = ctx.get('wechatpay-nonce');
  const ok = crypto.createVerify('RSA-SHA256').update(`${ts}\n${nonce}\n`).update(raw).update('\n').verify(platformKey, ctx.get('wechatpay-signature'), 'base64');
  if (!ok) {
    ctx.status = 401;
    ctx.body = { code: 'FAIL', message: 'signature' };
    return;
  }
  const env = JSON.parse(raw.toString('utf8'));
  const buf = Buffer.from(env.resource.ciphertext, 'base64');
  const d = crypto.createDecipheriv('aes-256-gcm', apiV3Key, Buffer.from(env.resource.nonce, 'utf8'));
  d.setAuthTag(buf.subarray(buf.length - 16));
  d.setAAD(Buffer.from(env.resource.associated_data ?? '', 'utf8'));
  const t = JSON.parse(Buffer.concat([d.update(buf.subarray(0, buf.length - 16)), d.final()]).toString('utf8'));
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    await conn.query(
      "INSERT INTO pay_notification (notify_id, kind, event_type, out_trade_no, status, serial, headers, body, resource) VALUES (?, 'transaction', ?, ?, 'processed', ?, '{}', ?, '')",
      [env.id, env.event_type, t.out_trade_no, ctx.get('wechatpay-serial'), raw.toString('utf8')],
    );
    await conn.query("UPDATE orders SET status = 'paid', transaction_id = ?, paid_at = NOW(3) WHERE out_trade_no = ? AND status = 'created'", [t.transaction_id, t.out_trade_no]);
    await conn.query(
      "INSERT INTO points_ledger (customer_id, delta, reason, ref_type, ref_id, balance_after) SELECT customer_id, 10, 'purchase', 'order', id, 0 FROM orders WHERE out_trade_no = ?",
      [t.out_trade_no],
    );
    await conn.commit();
    ctx.status = 204;
  } catch (err) {
    await conn.rollback();
    ctx.status = 500;
    ctx.body = { code: 'FAIL', message: String(err) };
  } finally {
    conn.release();
  }
});
http.createServer(app.callback()).listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
