/**
 * bench:console — the brand console's list endpoints at a 1,300-store brand with 1,000,000 customers on MariaDB,
 * over HTTP against the production server in a child process, and the CSV imports' time. Target: every list's
 * p95 < 100 ms. A baseline (GET /healthz over the same client and concurrency) is measured in the same run: the
 * floor of any request on this machine.
 *
 * Data: database o2o_bench_console, generated once by console-data.ts and reused while its marker row is there
 * (BENCH_CONSOLE_CUSTOMERS changes the size and regenerates; a first run takes several minutes). The server runs
 * with SEGMENT_INDEX=off: the segment bitmap index is bench:segment's subject and its build at start would
 * compete with these requests for the two cores.
 *
 * Each case is one line of CASES (name, path, optional role); a path may be a function of the request number to
 * vary a filter. A case whose endpoint does not exist yet (404) or refuses the query (4xx) is reported as such,
 * not measured. Knobs: BENCH_REQUESTS (200 per case), BENCH_CONCURRENCY (4 clients), BENCH_CASES (a substring
 * filter on the names).
 */
import crypto from 'node:crypto';
import path from 'node:path';
import 'reflect-metadata';
import mysql from 'mysql2/promise';
import { BENCH_BASE, benchEnv, freePort, spawnReady, waitHttp } from './bench-util';
import { CLERKS_PER_STORE, generate, hasData, phoneOf, REGIONS, staffIds, type ConsoleBenchSize } from './console-data';
import { closedLoop, type LatencyResult } from './latency';
import { loadConfig } from '../src/config';
import { buildDeps } from '../src/deps';
import { createLogger } from '../src/lib/logger';

const DB = 'o2o_bench_console';
const SIZE: ConsoleBenchSize = { customers: Number(process.env.BENCH_CONSOLE_CUSTOMERS ?? 1_000_000), stores: 1300, tags: 300, auditRows: 300_000, alerts: 3000 };
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const TARGET_P95_MS = 100;
const STAFF_IMPORT_ROWS = Number(process.env.BENCH_STAFF_IMPORT_ROWS ?? 3000);
const DAY = 86_400_000;
// Fixed bench-only secrets: the generated phone ciphertexts and blind indexes must stay valid on the next run.
const key = (label: string) => crypto.createHash('sha256').update(`o2o-bench-console-${label}`).digest('base64');

type Role = 'admin' | 'marketer' | 'manager';
interface Case {
  name: string;
  path: string | ((i: number) => string);
  role?: Role;
}

const q = (params: Record<string, string | number>) => new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
const shanghaiMidnight = (ms: number) => {
  const d = new Date(ms + 8 * 3600_000);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - 8 * 3600_000).toISOString();
};

/** The endpoint cases: one line each. `probes` are ids and numbers that exist in the generated data. */
function cases(probes: { memberIds: number[]; now: number }): Case[] {
  const S = SIZE.stores;
  const vary = (i: number) => 1 + ((i * 7919) % S); // a different store per request, all over the brand
  const from = shanghaiMidnight(probes.now - 30 * DAY);
  const to = shanghaiMidnight(probes.now + DAY);
  return [
    { name: 'stores · page 1', path: `/api/admin/stores?${q({ current: 1, pageSize: 20 })}` },
    { name: 'stores · region + name filter', path: `/api/admin/stores?${q({ current: 1, pageSize: 20, region: '华南', q: '广州' })}` },
    { name: 'staff · page 1', path: `/api/admin/staff?${q({ current: 1, pageSize: 20 })}` },
    { name: 'staff · store + role', path: (i) => `/api/admin/staff?${q({ current: 1, pageSize: 20, storeId: vary(i), role: 'clerk' })}` },
    { name: 'qr-codes · with stats, page 1', path: `/api/admin/qr-codes?${q({ current: 1, pageSize: 20, withStats: 1 })}` },
    { name: 'qr-codes · region, by scans', path: `/api/admin/qr-codes?${q({ current: 1, pageSize: 20, withStats: 1, region: '华东', sort: 'scans', order: 'descend' })}` },
    { name: 'customers · page 1', path: `/api/admin/customers?${q({ current: 1, pageSize: 20 })}` },
    { name: 'customers · by phone', path: (i) => `/api/admin/customers?${q({ current: 1, pageSize: 20, phone: phoneOf(probes.memberIds[i % probes.memberIds.length]!) })}` },
    { name: 'customers · by store (busiest)', path: `/api/admin/customers?${q({ current: 1, pageSize: 20, storeId: 1 })}` },
    { name: 'customers · by store (varied)', path: (i) => `/api/admin/customers?${q({ current: 1, pageSize: 20, storeId: vary(i) })}` },
    { name: 'customers · by tag', path: `/api/admin/customers?${q({ current: 1, pageSize: 20, tagId: 20 })}` },
    { name: 'customers · page 50', path: `/api/admin/customers?${q({ current: 50, pageSize: 20 })}` },
    { name: 'customers · store manager', role: 'manager', path: `/api/admin/customers?${q({ current: 1, pageSize: 20 })}` },
    { name: 'orders · page 1', path: `/api/admin/orders?${q({ current: 1, pageSize: 20 })}` },
    { name: 'orders · store + 30 days', path: (i) => `/api/admin/orders?${q({ current: 1, pageSize: 20, storeId: vary(i), from, to })}` },
    { name: 'audit · page 1', path: `/api/admin/audit?${q({ current: 1, pageSize: 20 })}` },
    { name: 'alerts · open', path: `/api/admin/alerts?${q({ current: 1, pageSize: 20, status: 'open' })}` },
  ];
}

// ---------------------------------------------------------------------------------------------------------------

const csvLine = (cells: (string | number)[]) => cells.map((c) => (/[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(',');

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

async function postJson(url: string, token: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}

interface ImportFigure {
  name: string;
  rows: number;
  ms: number | null;
  note: string;
}

/**
 * 1,300 new stores (dry run, apply, the same file again) and a few thousand staff into existing stores (dry run,
 * apply), through the endpoints; everything created is deleted afterwards so the next run starts from the same data.
 */
async function imports(base: string, token: string, pool: mysql.Pool): Promise<ImportFigure[]> {
  const tag = Date.now().toString(36).slice(-5).toUpperCase();
  const figures: ImportFigure[] = [];
  const report = (r: { status: number; body: any }) =>
    r.status === 200 ? `created ${r.body.created}, updated ${r.body.updated}, unchanged ${r.body.unchanged}, errors ${r.body.errors?.length ?? '?'}` : `HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 120)}`;
  const run = async (name: string, rows: number, url: string, csv: string) => {
    const { ms, value } = await timed(() => postJson(url, token, { csv }));
    figures.push({ name, rows, ms: value.status === 200 ? ms : null, note: report(value) });
    return value;
  };

  const storeCsv = [csvLine(['门店编码', '门店名称', '城市', '区域', '地址', '状态'])];
  for (let i = 1; i <= SIZE.stores; i++) storeCsv.push(csvLine([`I${tag}-${i}`, `导入门店${tag}-${i}`, '杭州', REGIONS[i % REGIONS.length]!, `文三路 ${i} 号`, '营业']));
  const stores = storeCsv.join('\n');
  const storeUrl = `${base}/api/admin/stores/import`;
  const dry = await run(`store import · dry run`, SIZE.stores, `${storeUrl}?dryRun=1`, stores);
  if (dry.status === 404) return [{ name: 'store import', rows: SIZE.stores, ms: null, note: 'endpoint not there yet (404)' }];
  await run(`store import · apply`, SIZE.stores, storeUrl, stores);
  await run(`store import · same file again`, SIZE.stores, storeUrl, stores);

  const staffCsv = [csvLine(['门店编码', '姓名', '角色', '用户名'])];
  for (let i = 1; i <= STAFF_IMPORT_ROWS; i++) {
    const store = `S${String(1 + (i % SIZE.stores)).padStart(4, '0')}`;
    // one manager with a console login per 30 rows (a password is hashed for each: the expensive row)
    staffCsv.push(csvLine(i % 30 === 0 ? [store, `导入店长${tag}${i}`, '店长', `imp${tag.toLowerCase()}.m${i}`] : [store, `导入导购${tag}${i}`, '导购', '']));
  }
  const staff = staffCsv.join('\n');
  const staffUrl = `${base}/api/admin/staff/import`;
  await run(`staff import · dry run`, STAFF_IMPORT_ROWS, `${staffUrl}?dryRun=1`, staff);
  await run(`staff import · apply`, STAFF_IMPORT_ROWS, staffUrl, staff);

  // Back to the generated data: what the imports created goes (codes and schedules of new staff and stores too).
  const [newStores] = (await pool.query('SELECT id FROM store WHERE code LIKE ?', [`I${tag}-%`])) as unknown as [{ id: number }[]];
  const [newStaff] = (await pool.query('SELECT id FROM staff WHERE name LIKE ? OR name LIKE ?', [`导入导购${tag}%`, `导入店长${tag}%`])) as unknown as [{ id: number }[]];
  const storeIds = newStores.map((r) => r.id);
  const staffIdList = newStaff.map((r) => r.id);
  if (storeIds.length || staffIdList.length) {
    const codeIds = ((await pool.query('SELECT id FROM qr_code WHERE store_id IN (?) OR staff_id IN (?)', [storeIds.length ? storeIds : [0], staffIdList.length ? staffIdList : [0]])) as unknown as [{ id: number }[]])[0].map((r) => r.id);
    if (codeIds.length) {
      await pool.query('DELETE FROM qr_code_tag WHERE qr_code_id IN (?)', [codeIds]);
      await pool.query('DELETE FROM qr_code_stat WHERE qr_code_id IN (?)', [codeIds]);
      await pool.query('DELETE FROM qr_code WHERE id IN (?)', [codeIds]);
    }
    if (staffIdList.length) await pool.query('DELETE FROM staff WHERE id IN (?)', [staffIdList]);
    if (storeIds.length) {
      await pool.query('DELETE FROM staff WHERE store_id IN (?)', [storeIds]);
      await pool.query('DELETE FROM store WHERE id IN (?)', [storeIds]);
    }
  }
  return figures;
}

// ---------------------------------------------------------------------------------------------------------------

const fmt = (x: number | null | undefined, w = 7) => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(x < 10 ? 1 : 0)).padStart(w);
const cjkPad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - [...s].reduce((n, ch) => n + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0)));

async function main() {
  const t0 = Date.now();
  const say = (what: string) => process.stdout.write(`  ${what} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
  console.log(`bench:console — ${SIZE.stores.toLocaleString('en')} stores, ${SIZE.customers.toLocaleString('en')} customers on MariaDB (${DB})`);
  const admin = await mysql.createConnection({ uri: BENCH_BASE });
  await admin.query(`CREATE DATABASE IF NOT EXISTS ${DB} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const databaseUrl = `${BENCH_BASE}/${DB}`;
  const env = benchEnv(databaseUrl, {
    PII_KEY: key('pii'),
    PII_INDEX_KEY: key('pii-index'),
    TOKEN_SECRET: key('token'),
    COUPON_CODE_SECRET: key('coupon'),
    SEGMENT_INDEX: 'off',
    UPLOAD_LIMIT_KB: '16384',
  });
  const config = loadConfig(env);
  let deps = await buildDeps(config, { log: createLogger('warn'), pay: null });
  const pool = mysql.createPool({ uri: databaseUrl, connectionLimit: 4, timezone: 'Z' });
  if (await hasData(pool, SIZE)) {
    await deps.db.dataSource.runMigrations({ transaction: 'each' }); // a migration landed since: apply it to the kept data
    console.log('  reusing the generated data');
  } else {
    console.log('  generating (first run, or the size or layout changed): several minutes');
    await deps.db.dataSource.destroy();
    await admin.query(`DROP DATABASE ${DB}`);
    await admin.query(`CREATE DATABASE ${DB} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    deps = await buildDeps(config, { log: createLogger('warn'), pay: null });
    await deps.db.dataSource.runMigrations({ transaction: 'each' });
    await generate(pool, deps, SIZE, Date.now(), say);
  }
  await admin.end();

  const now = Date.now();
  const [memberRows] = (await pool.query('SELECT id FROM customer WHERE phone_hash IS NOT NULL AND id % 4999 = 0 LIMIT 200')) as unknown as [{ id: number }[]];
  const probes = { memberIds: memberRows.map((r) => r.id), now };
  const ids = staffIds(SIZE.stores);
  const issue = (sub: number) => deps.tokens.issue({ aud: 'staff', sub, ver: 0 }, 3600, new Date()).token;
  const tokens: Record<Role, string> = { admin: issue(ids.admin), marketer: issue(ids.marketer), manager: issue(1) };

  const port = await freePort();
  const child = await spawnReady(path.join(__dirname, 'server-child.js'), { ...env, PORT: String(port), HOST: '127.0.0.1' });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitHttp(`${base}/healthz`);
    console.log(`  server up (production build, pool 16); ${REQUESTS} requests per case after 20 warm-up, ${CONCURRENCY} concurrent clients\n`);

    const rows: { name: string; r: LatencyResult | null; note: string }[] = [];
    const baseline = await closedLoop({ base, path: '/healthz', n: Math.max(REQUESTS, 500), concurrency: CONCURRENCY });
    rows.push({ name: 'baseline · GET /healthz', r: baseline, note: 'floor' });
    const filter = process.env.BENCH_CASES;
    for (const c of cases(probes).filter((x) => !filter || x.name.includes(filter))) {
      const headers = { authorization: `Bearer ${tokens[c.role ?? 'admin']}` };
      const probePath = typeof c.path === 'function' ? c.path(0) : c.path;
      const probe = await fetch(`${base}${probePath}`, { headers });
      if (probe.status !== 200) {
        const body = (await probe.text()).slice(0, 160);
        rows.push({ name: c.name, r: null, note: probe.status === 404 ? 'endpoint not there yet (404)' : `HTTP ${probe.status}: ${body}` });
        console.log(`  ${c.name}: skipped, ${rows[rows.length - 1]!.note}`);
        continue;
      }
      const r = await closedLoop({ base, path: c.path, headers, n: REQUESTS, concurrency: CONCURRENCY });
      const bad = Object.entries(r.statuses).filter(([s]) => s !== '200');
      const note = bad.length ? `non-200: ${bad.map(([s, n]) => `${s}×${n}`).join(' ')} ${r.firstError ?? ''}` : `${(r.bytes / 1024).toFixed(1)} KB`;
      rows.push({ name: c.name, r, note });
      console.log(`  ${c.name}: p50 ${r.p50} ms, p95 ${r.p95} ms`);
    }

    console.log('\nimports (one request each, through the endpoints; what they create is removed afterwards):');
    const importFigures = await imports(base, tokens.admin, pool);

    const W = 36;
    console.log(`\n${cjkPad('case', W)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)} ${'req/s'.padStart(6)}  target p95 < ${TARGET_P95_MS} ms`);
    let failed = 0;
    for (const { name, r, note } of rows) {
      const verdict = !r ? 'NOT MEASURED' : name.startsWith('baseline') ? '(floor)' : r.p95 < TARGET_P95_MS && Object.keys(r.statuses).every((s) => s === '200') ? 'PASS' : 'FAIL';
      if (verdict === 'FAIL' || verdict === 'NOT MEASURED') failed++;
      console.log(`${cjkPad(name, W)} ${fmt(r?.p50)} ${fmt(r?.p95)} ${fmt(r?.p99)} ${fmt(r?.max)} ${String(r?.rps ?? '—').padStart(6)}  ${verdict.padEnd(12)} ${note}`);
    }
    console.log(`\n${cjkPad('import', W)} ${'rows'.padStart(7)} ${'time'.padStart(9)}  result`);
    for (const f of importFigures) console.log(`${cjkPad(f.name, W)} ${String(f.rows).padStart(7)} ${f.ms === null ? '—'.padStart(9) : `${(f.ms / 1000).toFixed(2)} s`.padStart(9)}  ${f.note}`);
    console.log(`\nms; ${CONCURRENCY} concurrent clients on keep-alive sockets; ${SIZE.stores} stores × ${CLERKS_PER_STORE + 1} staff, ${SIZE.customers.toLocaleString('en')} customers; total ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    if (failed) process.exitCode = 1;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await pool.end();
    await deps.db.dataSource.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
