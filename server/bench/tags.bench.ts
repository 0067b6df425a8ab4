/**
 * bench:tags — the scheduled lifecycle / RFM / category-preference recompute over 1,000,000 customers on MariaDB:
 * the first run (every customer gets its tags), a second run at the same instant (nothing changes: the cost of
 * the periodic pass in a steady state), and a run 40 days later (bands and windows slide). Prints time, customers/s
 * and rows changed per run; the baseline is one bare `SELECT … FROM customer` scan of the same id ranges.
 *
 * Data (database o2o_bench_tags, regenerated when its size differs): N customers (BENCH_TAG_CUSTOMERS, default
 * 1,000,000) first seen over 400 days, ~40 % with 1–4 paid orders of 1–3 lines in 20 categories (each with a
 * preference tag), stats on the customer row consistent with the orders. Multi-row INSERTs of 2,000 rows.
 */
import crypto from 'node:crypto';
import 'reflect-metadata';
import mysql from 'mysql2/promise';
import { loadConfig } from '../src/config';
import { buildDeps } from '../src/deps';
import { createLogger } from '../src/lib/logger';
import { FixedClock } from '../src/lib/clock';
import { recomputeAllTags } from '../src/modules/tag/recompute.service';

const BASE = process.env.BENCH_MYSQL_BASE_URL ?? 'mysql://root@127.0.0.1:3306';
const DB = 'o2o_bench_tags';
const N = Number(process.env.BENCH_TAG_CUSTOMERS ?? 1_000_000);
const CATEGORIES = 20;
const DAY = 86_400_000;
const key = (label: string) => crypto.createHash('sha256').update(`o2o-bench-tags-${label}`).digest('base64');
const sqlTime = (t: number) => new Date(t).toISOString().slice(0, 23).replace('T', ' ');

async function insertRows(pool: mysql.Pool, table: string, cols: string[], rows: unknown[][]): Promise<void> {
  if (rows.length) await pool.query(`INSERT INTO ${table} (${cols.join(',')}) VALUES ?`, [rows]);
}

async function generate(pool: mysql.Pool, now: number): Promise<void> {
  const t0 = Date.now();
  await insertRows(pool, 'store', ['id', 'code', 'name', 'status'], [[1, 'S1', '门店1', 'active']]);
  await insertRows(pool, 'tag', ['id', 'name', 'tag_group'], Array.from({ length: CATEGORIES }, (_, i) => [i + 1, `品类${i + 1}`, 'category']));
  await insertRows(pool, 'category', ['id', 'name', 'tag_id'], Array.from({ length: CATEGORIES }, (_, i) => [i + 1, `品类${i + 1}`, i + 1]));
  let orderId = 0;
  const BATCH = 2000;
  for (let start = 1; start <= N; start += BATCH) {
    const customers: unknown[][] = [];
    const orders: unknown[][] = [];
    const items: unknown[][] = [];
    for (let id = start; id < Math.min(start + BATCH, N + 1); id++) {
      const ago = (max: number) => now - Math.floor(Math.random() * max * DAY);
      const firstScan = ago(400);
      const nOrders = Math.random() < 0.4 ? 1 + Math.floor(Math.random() * 4) : 0;
      let last: number | null = null;
      let spend = 0;
      for (let k = 0; k < nOrders; k++) {
        const paid = Math.max(firstScan, ago(400));
        const lines = 1 + Math.floor(Math.random() * 3);
        let fen = 0;
        orderId++;
        for (let l = 0; l < lines; l++) {
          const price = 300 + Math.floor(Math.random() * 10_000);
          fen += price;
          items.push([orderId, 1, `SKU${l}`, '商品', 1 + Math.floor(Math.random() * CATEGORIES), 1, price, price, 0]);
        }
        last = Math.max(last ?? 0, paid);
        spend += fen;
        orders.push([orderId, `T${orderId.toString(36)}${crypto.randomBytes(5).toString('hex')}`, id, 1, 'paid', `k${orderId}`, 'x', fen, fen, 0, 0, fen, 0, '0000', sqlTime(paid), sqlTime(paid), 1, 1]);
      }
      customers.push([id, `ot${id}`, sqlTime(firstScan), last === null ? null : sqlTime(last), nOrders, spend]);
    }
    await insertRows(pool, 'customer', ['id', 'openid', 'first_scan_at', 'last_purchase_at', 'order_count', 'total_spend_fen'], customers);
    await insertRows(
      pool,
      'orders',
      ['id', 'out_trade_no', 'customer_id', 'store_id', 'status', 'idempotency_key', 'request_hash', 'list_fen', 'total_fen', 'coupon_discount_fen', 'points_deduction_fen', 'payable_fen', 'points_used', 'pickup_code', 'expires_at', 'paid_at', 'in_customer_stats', 'version'],
      orders,
    );
    await insertRows(pool, 'order_item', ['order_id', 'product_id', 'sku', 'name', 'category_id', 'quantity', 'unit_price_fen', 'unit_cash_fen', 'unit_points'], items);
    if ((start - 1) % 100_000 === 0) process.stdout.write(`  generated ${start - 1 + BATCH} customers (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
}

async function main() {
  const admin = await mysql.createConnection({ uri: BASE });
  await admin.query(`CREATE DATABASE IF NOT EXISTS ${DB} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const env = {
    NODE_ENV: 'production',
    WECHAT_SECRET: 'bench-secret-000',
    DATABASE_URL: `${BASE}/${DB}`,
    DB_POOL_SIZE: '4',
    LOG_LEVEL: 'warn',
    PII_KEY: key('pii'),
    PII_INDEX_KEY: key('pii-index'),
    TOKEN_SECRET: key('token'),
    COUPON_CODE_SECRET: key('coupon'),
    PORT: '0',
  };
  const config = loadConfig(env);
  const now = Date.now();
  let deps = await buildDeps(config, { log: createLogger('warn'), pay: null });
  await deps.db.dataSource.runMigrations({ transaction: 'each' });
  const pool = mysql.createPool({ uri: `${BASE}/${DB}`, connectionLimit: 2, timezone: 'Z' });
  const [[have]] = (await pool.query('SELECT COUNT(*) AS n FROM customer')) as unknown as [{ n: number }[]];
  if (Number(have!.n) !== N) {
    console.log(`generating ${N.toLocaleString()} customers…`);
    await deps.db.dataSource.destroy();
    await admin.query(`DROP DATABASE ${DB}`);
    await admin.query(`CREATE DATABASE ${DB} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    deps = await buildDeps(config, { log: createLogger('warn'), pay: null });
    await deps.db.dataSource.runMigrations({ transaction: 'each' });
    await generate(pool, now);
  } else console.log('  reusing the generated data');
  await admin.end();
  // A fresh start for the measured runs: no derived tags, no events.
  await pool.query("DELETE FROM customer_tag WHERE source IN ('rule', 'purchase')");
  await pool.query('DELETE FROM outbox_event');

  const clock = new FixedClock(now);
  const ctx = { ...deps, clock, requestId: 'bench' };
  const t0 = Date.now();
  for (let lo = 1; lo <= N; lo += 1000) await pool.query('SELECT id, last_purchase_at, order_count, total_spend_fen FROM customer WHERE id >= ? AND id < ?', [lo, lo + 1000]);
  const baseMs = Date.now() - t0;
  const runs: [string, Date][] = [
    ['first run', new Date(now)],
    ['second run, same instant', new Date(now)],
    ['run 40 days later', new Date(now + 40 * DAY)],
  ];
  const lines: string[] = [];
  for (const [label, at] of runs) {
    const t = Date.now();
    const r = await recomputeAllTags(ctx, undefined, { now: at });
    const ms = Date.now() - t;
    const [[ev]] = (await pool.query('SELECT COUNT(*) AS n FROM outbox_event')) as unknown as [{ n: number }[]];
    lines.push(`${label}: ${(ms / 1000).toFixed(1)} s, ${Math.round((r.customers / ms) * 1000).toLocaleString()} customers/s, +${r.added.toLocaleString()} −${r.removed.toLocaleString()} rows, outbox events so far ${Number(ev!.n).toLocaleString()}`);
    console.log(lines[lines.length - 1]);
  }
  const [[bad]] = (await pool.query(
    "SELECT COUNT(*) AS n FROM (SELECT ct.customer_id FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id WHERE t.tag_group = 'lifecycle' GROUP BY ct.customer_id HAVING COUNT(*) <> 1) x",
  )) as unknown as [{ n: number }[]];
  const [[tagged]] = (await pool.query("SELECT COUNT(DISTINCT ct.customer_id) AS n FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id WHERE t.tag_group = 'lifecycle'")) as unknown as [{ n: number }[]];
  console.log(`customers with a lifecycle tag: ${Number(tagged!.n).toLocaleString()} of ${N.toLocaleString()}; with more than one: ${Number(bad!.n)}`);
  console.log(`baseline (bare id-range scan of customer): ${(baseMs / 1000).toFixed(1)} s`);
  console.log(`steady-state recompute / baseline: ${lines[1]!.match(/: ([\d.]+) s/)![1]} s / ${(baseMs / 1000).toFixed(1)} s`);
  await pool.end();
  await deps.db.dataSource.destroy();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message.slice(0, 500) : err);
  process.exit(1);
});
