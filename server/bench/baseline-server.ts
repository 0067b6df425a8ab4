import http from 'node:http';
import Koa from 'koa';
import mysql from 'mysql2/promise';

/**
 * The floor to compare against: bare Koa answering one primary-key query per request over a mysql2 pool,
 * same machine, same database. Run as a child process by session.bench.ts.
 */
const url = process.env.BASELINE_DATABASE_URL!;
const port = Number(process.env.PORT);
const pool = mysql.createPool({ uri: url, connectionLimit: 16 });
const app = new Koa();
app.use(async (ctx) => {
  const [rows] = await pool.query('SELECT id, openid FROM customer WHERE id = ?', [1 + Math.floor(Math.random() * 1000)]);
  ctx.body = { row: (rows as unknown[])[0] ?? null };
});
http.createServer(app.callback()).listen(port, '127.0.0.1', () => process.send?.('ready'));
