/**
 * bench:segment — segment counts on 1,000,000 members: the SQL reference engine vs the roaring bitmap index,
 * on the same MariaDB in the same process, plus the preview endpoint (count + sample of 20) over HTTP and the
 * index build time and memory. Targets: bitmap count p95 < 10 ms, preview p95 < 50 ms, SQL/bitmap ≥ 30×.
 *
 * Data (database o2o_bench_segment, generated once and reused while it has the expected size): 1,300 stores,
 * 2 clerks each, 300 tags with Zipf popularity (~4 tags per member, 5 % expiring), 70 % of customers owned by
 * a clerk, 60 % members, ~40 % with 1–4 paid orders over 400 days. Multi-row INSERTs of 2,000 rows.
 * Run with --expose-gc for steadier memory figures. BENCH_SEGMENT_CUSTOMERS changes the size (regenerates).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import 'reflect-metadata';
import mysql from 'mysql2/promise';
import { RoaringBitmap32 } from 'roaring';
import type { SegmentRule } from '@o2o/shared';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { buildDeps } from '../src/deps';
import { createLogger } from '../src/lib/logger';
import { startSegmentIndex } from '../src/modules/segment/index-runtime';
import { sqlCount } from '../src/modules/segment/sql-engine';

const BASE = process.env.BENCH_MYSQL_BASE_URL ?? 'mysql://root@127.0.0.1:3306';
const DB = 'o2o_bench_segment';
const N = Number(process.env.BENCH_SEGMENT_CUSTOMERS ?? 1_000_000);
const STORES = 1300;
const TAGS = 300;
const SQL_RUNS = Number(process.env.BENCH_SQL_RUNS ?? 3);
const BITMAP_RUNS = 50;
const HTTP_RUNS = 60;
const DAY = 86_400_000;
// Fixed bench-only secrets: the generated phone ciphertexts must stay readable on the next run.
const key = (label: string) => crypto.createHash('sha256').update(`o2o-bench-segment-${label}`).digest('base64');

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const f1 = (x: number) => x.toFixed(x < 10 ? 2 : 1);
const mib = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
const sqlTime = (t: number) => new Date(t).toISOString().slice(0, 23).replace('T', ' ');

/** Zipf-ish pick over 1..n (rank 1 most popular). */
function zipf(n: number, s = 1.1) {
  const w = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);
  const total = w.reduce((a, b) => a + b, 0);
  const cum: number[] = [];
  let acc = 0;
  for (const x of w) cum.push((acc += x / total));
  return () => {
    const r = Math.random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

async function insertRows(pool: mysql.Pool, table: string, cols: string[], rows: unknown[][]): Promise<void> {
  if (rows.length) await pool.query(`INSERT INTO ${table} (${cols.join(',')}) VALUES ?`, [rows]);
}

async function generate(pool: mysql.Pool, deps: Awaited<ReturnType<typeof buildDeps>>, now: number): Promise<void> {
  const t0 = Date.now();
  const say = (what: string) => process.stdout.write(`  ${what} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
  await pool.query('SET SESSION unique_checks = 0');
  await insertRows(pool, 'store', ['id', 'code', 'name', 'status'], Array.from({ length: STORES }, (_, i) => [i + 1, `S${i + 1}`, `门店${i + 1}`, 'active']));
  const clerks: unknown[][] = [];
  for (let s = 1; s <= STORES; s++) for (let k = 0; k < 2; k++) clerks.push([clerks.length + 1, s, 'clerk', `导购${clerks.length + 1}`, 'active', 0]);
  clerks.push([clerks.length + 1, null, 'marketer', 'bench marketer', 'active', 0]);
  await insertRows(pool, 'staff', ['id', 'store_id', 'role', 'name', 'status', 'token_version'], clerks);
  await insertRows(pool, 'tag', ['id', 'name', 'tag_group'], Array.from({ length: TAGS }, (_, i) => [i + 1, `标签${i + 1}`, i < 50 ? 'category' : 'custom']));
  say('stores, clerks, tags');
  const pickTag = zipf(TAGS);
  const pickStore = zipf(STORES, 0.6);
  const BATCH = 2000;
  let tagRowId = 0;
  let orderId = 0;
  for (let start = 1; start <= N; start += BATCH) {
    const customers: unknown[][] = [];
    const tags: unknown[][] = [];
    const owners: unknown[][] = [];
    const orders: unknown[][] = [];
    for (let id = start; id < Math.min(start + BATCH, N + 1); id++) {
      const member = Math.random() < 0.6;
      const phone = `86:1${String(3e9 + id).padStart(10, '0')}`;
      const storeId = Math.random() < 0.95 ? pickStore() : null;
      const ago = (max: number) => now - Math.floor(Math.random() * max * DAY);
      const nOrders = Math.random() < 0.4 ? 1 + Math.floor(Math.random() * 4) : 0;
      let lastPurchase: number | null = null;
      let spend = 0;
      for (let k = 0; k < nOrders; k++) {
        const paid = ago(400);
        const fen = 500 + Math.floor(Math.random() * 30_000);
        lastPurchase = Math.max(lastPurchase ?? 0, paid);
        spend += fen;
        orderId++;
        orders.push([orderId, `B${orderId.toString(36)}x${crypto.randomBytes(6).toString('hex')}`, id, storeId ?? 1, 'paid', `k${orderId}`, 'x', fen, fen, 0, 0, fen, 0, '0000', sqlTime(paid), sqlTime(paid), 1, 1]);
      }
      customers.push([
        id,
        `ob${id}`,
        member ? deps.pii.encrypt(phone) : null,
        member ? deps.pii.blindIndex(phone) : null,
        member ? sqlTime(ago(730)) : null,
        Math.floor(Math.random() * 6),
        Math.random() < 0.3 ? 0 : Math.floor(Math.random() * 5000),
        storeId,
        sqlTime(ago(400)),
        lastPurchase === null ? null : sqlTime(lastPurchase),
        nOrders,
        spend,
        Math.random() < 0.85 ? 1 : 0,
      ]);
      const nTags = Math.floor(Math.random() * 8);
      const seen = new Set<number>();
      for (let k = 0; k < nTags; k++) {
        const t = pickTag();
        if (seen.has(t)) continue;
        seen.add(t);
        const exp = Math.random() < 0.05 ? sqlTime(now + (Math.random() - 0.5) * 60 * DAY) : null;
        tags.push([++tagRowId, id, t, 'qr', sqlTime(ago(400)), exp]);
      }
      if (storeId !== null && Math.random() < 0.7) owners.push([id, (storeId - 1) * 2 + 1 + (id % 2), storeId, 'first_touch', sqlTime(ago(400)), sqlTime(now)]);
    }
    await Promise.all([
      insertRows(pool, 'customer', ['id', 'openid', 'phone_enc', 'phone_hash', 'member_since', 'level', 'points_balance', 'store_id', 'last_visit_at', 'last_purchase_at', 'order_count', 'total_spend_fen', 'marketing_consent'], customers),
      insertRows(pool, 'customer_tag', ['id', 'customer_id', 'tag_id', 'source', 'tagged_at', 'expires_at'], tags),
    ]);
    await Promise.all([
      insertRows(pool, 'customer_clerk', ['customer_id', 'staff_id', 'store_id', 'rule', 'bound_at', 'protected_until'], owners),
      insertRows(
        pool,
        'orders',
        ['id', 'out_trade_no', 'customer_id', 'store_id', 'status', 'idempotency_key', 'request_hash', 'list_fen', 'total_fen', 'coupon_discount_fen', 'points_deduction_fen', 'payable_fen', 'points_used', 'pickup_code', 'expires_at', 'paid_at', 'in_customer_stats', 'version'],
        orders,
      ),
    ]);
    if ((start - 1) % 100_000 === 0) say(`${start - 1 + BATCH} customers`);
  }
  await pool.query('ANALYZE TABLE customer, customer_tag, customer_clerk, orders');
  say(`generated: ${N} customers, ${tagRowId} tag rows, ${orderId} orders`);
}

function rules(): { name: string; rule: SegmentRule }[] {
  const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  return [
    { name: 'popular tag · 50 stores · member · bought ≤90 d · consent', rule: { type: 'all', rules: [{ type: 'tags', match: 'any', tagIds: [1] }, { type: 'stores', storeIds: ids(1, 50) }, { type: 'membership', value: 'member' }, { type: 'daysSinceLastPurchase', max: 90 }, { type: 'consent', value: true }] } },
    { name: 'two tags (all) · level ≥2 · points ≥500 · not 100 clerks · ordered in 30 d', rule: { type: 'all', rules: [{ type: 'tags', match: 'all', tagIds: [5, 8] }, { type: 'level', min: 2 }, { type: 'pointsBalance', min: 500 }, { type: 'not', rule: { type: 'clerks', staffIds: ids(1, 100) } }, { type: 'orderCount', windowDays: 30, min: 1 }] } },
    { name: 'tag 20 or 21 · 200 stores · spend 90 d ≥ ¥100 · member ≥30 d · consent', rule: { type: 'all', rules: [{ type: 'any', rules: [{ type: 'tags', match: 'any', tagIds: [20] }, { type: 'tags', match: 'any', tagIds: [21] }] }, { type: 'stores', storeIds: ids(1, 200) }, { type: 'spend', windowDays: 90, minFen: 10_000 }, { type: 'memberDays', min: 30 }, { type: 'consent', value: true }] } },
    { name: 'dormant: tag 3 · no purchase 90 d (or never) · visited ≤30 d · level ≤3 · consent', rule: { type: 'all', rules: [{ type: 'tags', match: 'any', tagIds: [3] }, { type: 'daysSinceLastPurchase', min: 90, includeNever: true }, { type: 'daysSinceLastVisit', max: 30 }, { type: 'level', max: 3 }, { type: 'consent', value: true }] } },
    { name: 'rare tag · member · points ≥100 · not 10 stores · ≥2 orders in 365 d', rule: { type: 'all', rules: [{ type: 'tags', match: 'any', tagIds: [150] }, { type: 'membership', value: 'member' }, { type: 'pointsBalance', min: 100 }, { type: 'not', rule: { type: 'stores', storeIds: ids(1, 10) } }, { type: 'orderCount', windowDays: 365, min: 2 }] } },
  ];
}

async function main() {
  const admin = await mysql.createConnection({ uri: BASE });
  await admin.query(`CREATE DATABASE IF NOT EXISTS ${DB} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const env = {
    NODE_ENV: 'production',
    WECHAT_SECRET: 'bench-secret-000',
    DATABASE_URL: `${BASE}/${DB}`,
    DB_POOL_SIZE: '8',
    LOG_LEVEL: 'warn',
    PII_KEY: key('pii'),
    PII_INDEX_KEY: key('pii-index'),
    TOKEN_SECRET: key('token'),
    COUPON_CODE_SECRET: key('coupon'),
    SEGMENT_INDEX: 'on',
    PORT: '0',
  };
  const config = loadConfig(env);
  let deps = await buildDeps(config, { log: createLogger('warn'), pay: null });
  await deps.db.dataSource.runMigrations({ transaction: 'each' });
  const now = Date.now();
  const pool = mysql.createPool({ uri: `${BASE}/${DB}`, connectionLimit: 4, timezone: 'Z' });
  const [[have]] = (await pool.query('SELECT COUNT(*) AS n, (SELECT COUNT(*) FROM staff WHERE role = "marketer") AS m FROM customer')) as unknown as [{ n: number; m: number }[]];
  console.log(`bench:segment — ${N.toLocaleString('en')} customers on MariaDB (${DB})`);
  if (Number(have!.n) !== N || Number(have!.m) !== 1) {
    console.log(have!.n ? `  database has ${have!.n} customers: regenerating` : '  generating (first run)');
    await deps.db.dataSource.destroy();
    await admin.query(`DROP DATABASE ${DB}`);
    await admin.query(`CREATE DATABASE ${DB} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    deps = await buildDeps(config, { log: createLogger('warn'), pay: null });
    await deps.db.dataSource.runMigrations({ transaction: 'each' });
    await generate(pool, deps, now);
  } else console.log('  reusing the generated data');
  await admin.end();

  // Index build, in this process, as the server does it at start.
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  const heap0 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const rt = startSegmentIndex(deps)!;
  const tb = performance.now();
  await rt.rebuild();
  const buildMs = performance.now() - tb;
  const rssPeak = process.memoryUsage().rss;
  global.gc?.();
  const mem = process.memoryUsage();
  const nowDate = new Date();
  if (!rt.ready(nowDate)) throw new Error('index did not build');

  // Counts: bitmap first (all rules, after a collection and a warm-up), then SQL, so neither engine's garbage
  // lands in the other's timings.
  const sqlTimes: number[] = [];
  const bmTimes: number[] = [];
  const perRule: string[] = [];
  const bmCounts: number[] = [];
  const bmPerRule: number[][] = [];
  global.gc?.();
  for (const { rule } of rules()) {
    const at = new Date();
    for (let i = 0; i < 5; i++) rt.evaluate(rule, at);
    const bm: number[] = [];
    for (let i = 0; i < BITMAP_RUNS; i++) {
      const t = performance.now();
      bmCounts[bmPerRule.length] = rt.evaluate(rule, at)!.size;
      bm.push(performance.now() - t);
    }
    bmPerRule.push(bm);
    bmTimes.push(...bm);
  }
  for (const [i, { name, rule }] of rules().entries()) {
    const at = new Date();
    const sq: number[] = [];
    let sqCount = 0;
    for (let k = 0; k < SQL_RUNS; k++) {
      const t = performance.now();
      sqCount = await deps.db.read((em) => sqlCount(em, rule, at));
      sq.push(performance.now() - t);
    }
    if (sqCount !== bmCounts[i]) throw new Error(`engines disagree on "${name}": sql ${sqCount}, bitmap ${bmCounts[i]}`);
    sqlTimes.push(...sq);
    const bm = bmPerRule[i]!;
    perRule.push(`  ${name}\n    count ${sqCount.toLocaleString('en')} (both engines) · SQL p50 ${f1(pct(sq, 50))} ms · bitmap p50 ${f1(pct(bm, 50))} ms · ${Math.round(pct(sq, 50) / pct(bm, 50))}×`);
  }

  // The preview endpoint over HTTP (reference checks + bitmap count + sample of 20 with masked phones).
  const app = createApp(deps);
  const server = http.createServer(app.app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/admin/segments/preview`;
  const token = deps.tokens.issue({ aud: 'staff', sub: STORES * 2 + 1, ver: 0 }, 3600, new Date()).token;
  const httpTimes: number[] = [];
  for (const { rule } of rules())
    for (let i = 0; i < HTTP_RUNS; i++) {
      const t = performance.now();
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ rule }) });
      const body = (await res.json()) as { engine: string; sample: unknown[] };
      if (res.status !== 200 || body.engine !== 'bitmap') throw new Error(`preview ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
      if (i >= 5) httpTimes.push(performance.now() - t); // first requests warm the route
    }
  server.close();

  console.log('\nper rule (5 clauses each):');
  console.log(perRule.join('\n'));
  const bm95 = pct(bmTimes, 95);
  const pv95 = pct(httpTimes, 95);
  const ratio50 = pct(sqlTimes, 50) / pct(bmTimes, 50);
  const ratio95 = pct(sqlTimes, 95) / bm95;
  console.log(`\nindex build (${N.toLocaleString('en')} customers: tags, stores, clerks, member, consent, numeric bands, 365-day orders):`);
  console.log(`  ${f1(buildMs)} ms · bitmaps+columns ${mib(rt.memoryBytes())} · roaring native ${mib(RoaringBitmap32.getRoaringUsedMemory())} · RSS +${mib(mem.rss - rss0)} (peak +${mib(rssPeak - rss0)}) · heap+buffers +${mib(mem.heapUsed + mem.arrayBuffers - heap0)}`);
  console.log('\ncount latency over the 5 rules:');
  console.log(`  SQL     p50 ${f1(pct(sqlTimes, 50))} ms  p95 ${f1(pct(sqlTimes, 95))} ms  (${sqlTimes.length} runs)`);
  console.log(`  bitmap  p50 ${f1(pct(bmTimes, 50))} ms  p95 ${f1(bm95)} ms  (${bmTimes.length} runs)`);
  console.log(`  ratio SQL/bitmap: ${Math.round(ratio50)}× at p50, ${Math.round(ratio95)}× at p95`);
  console.log(`preview endpoint over HTTP (count + sample of 20): p50 ${f1(pct(httpTimes, 50))} ms  p95 ${f1(pv95)} ms  (${httpTimes.length} requests)`);
  const checks = [
    [`bitmap count p95 < 10 ms`, bm95 < 10],
    [`preview p95 < 50 ms`, pv95 < 50],
    [`SQL/bitmap ≥ 30× (p50)`, ratio50 >= 30],
  ] as const;
  for (const [what, ok] of checks) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${what}`);
  if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
  await rt.stop();
  await pool.end();
  await deps.db.dataSource.destroy();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
