/**
 * bench:claim — flash claiming of ONE hot template over HTTP (POST /api/app/coupons/claim, distinct members,
 * each with its own Idempotency-Key), next to the bare claim transaction measured in this process on the same
 * MariaDB database: BEGIN; INSERT coupon; UPDATE coupon_template SET issued_count = issued_count + 1 WHERE … AND
 * issued_count < total_stock (affected rows checked); COMMIT — what research/limits.md §2b+ measured at
 * 2,100–2,700/s. Last lines: both rates, p99s, the ratio (target ≥ 0.60), and the exactness checks.
 *
 * Phases: (1) baseline loop on its own template; (2) the product path for WARMUP_S + DURATION_S on a template with
 * ample stock (throughput = 201s per second of the measured part); (3) sell-out: a template of SELL_STOCK units
 * hammered with 1.5 × that many claims — exactly SELL_STOCK issued, the rest COUPON_OUT_OF_STOCK. After each
 * product phase: issued_count = coupon rows = 201 answers, never above stock.
 */
import path from 'node:path';
import 'reflect-metadata';
import mysql from 'mysql2/promise';
import { loadConfig } from '../src/config';
import { backgroundCtx } from '../src/context';
import { buildDeps } from '../src/deps';
import { createLogger } from '../src/lib/logger';
import { newCouponCode } from '../src/modules/coupon/coupon-code';
import { createCouponTemplate } from '../src/modules/coupon/template.service';
import { benchEnv, freePort, freshDatabase, run, spawnReady, waitHttp } from './bench-util';
import { cpuSampler, formatCpu, mariadbPid, statusSampler, waitForQuiet } from './diag';
import { CONNECTIONS, DURATION_S, POOL, WARMUP_S, fmt, timedLoop } from './claim-redeem-baseline';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 60_000);
const SELL_STOCK = Number(process.env.BENCH_SELL_STOCK ?? 3_000);

async function main() {
  const url = await freshDatabase('o2o_bench_claim');
  const env = benchEnv(url, { DB_POOL_SIZE: String(POOL) });
  const deps = await buildDeps(loadConfig(env), { log: createLogger('warn') });
  await deps.db.dataSource.runMigrations({ transaction: 'each' });
  const ctx = backgroundCtx(deps, 'bench');
  const admin = { kind: 'staff' as const, staffId: 0, role: 'admin' as const, storeId: null, name: 'bench' };
  const template = (title: string, totalStock: number) =>
    createCouponTemplate(ctx, admin, { title, kind: 'voucher', amountOffFen: 500, validDays: 7, totalStock, perCustomerLimit: 1, claimable: true, status: 'active' });
  const hot = await template('压测热门券', 10_000_000);
  const sell = await template('秒杀券', SELL_STOCK);
  const bare = await template('基线券', 10_000_000);
  await deps.db.dataSource.destroy();

  const conn = await mysql.createConnection({ uri: url });
  const now = new Date();
  for (let i = 0; i < MEMBERS; i += 2_000) {
    const rows = Array.from({ length: Math.min(2_000, MEMBERS - i) }, (_, k) => [`obench_claim_${i + k}`, now]);
    await conn.query('INSERT INTO customer (openid, member_since) VALUES ?', [rows]);
  }
  const [[{ first }]] = (await conn.query('SELECT MIN(id) AS first FROM customer')) as any;
  // consumer tokens are stateless HMAC: minted here with the server's secret
  const tokens = Array.from({ length: MEMBERS }, (_, i) => deps.tokens.issue({ aud: 'app', sub: first + i }, 3600, new Date()).token);
  const dbPid = mariadbPid();

  // (1) the bare claim transaction, same pool size as the server, same database
  const pool = mysql.createPool({ uri: url, connectionLimit: POOL });
  const validTo = new Date(Date.now() + 7 * 86_400_000);
  await waitForQuiet({ bench: process.pid, mariadbd: dbPid });
  const baseCpu = cpuSampler({ bench: process.pid, mariadbd: dbPid });
  const baseline = await timedLoop(CONNECTIONS, DURATION_S * 1000, async (i) => {
    if (i >= MEMBERS) return false;
    const c = await pool.getConnection();
    try {
      await c.query('BEGIN');
      await c.query(
        "INSERT INTO coupon (code, template_id, customer_id, status, source, source_ref, claim_slot, valid_from, valid_to, issued_at) VALUES (?, ?, ?, 'issued', 'claim', ?, 1, NOW(3), ?, NOW(3))",
        [newCouponCode(), bare.id, first + i, `b${i}`, validTo],
      );
      const [res] = (await c.query("UPDATE coupon_template SET issued_count = issued_count + 1 WHERE id = ? AND status = 'active' AND (total_stock IS NULL OR issued_count < total_stock)", [bare.id])) as any;
      if (res.affectedRows !== 1) throw new Error('baseline: stock update missed');
      await c.query('COMMIT');
    } finally {
      c.release();
    }
    return true;
  });
  const baseCpuUse = formatCpu(baseCpu());
  await pool.end();

  // (2) the product path
  const port = await freePort();
  const server = await spawnReady(path.join(__dirname, 'server-child.js'), { ...env, PORT: String(port) });
  await waitHttp(`http://127.0.0.1:${port}/readyz`);
  let next = 0;
  const tally: Record<string, number> = {};
  const claimRequest = (templateId: number) => ({
    method: 'POST',
    path: '/api/app/coupons/claim',
    setupRequest: (req: object) => {
      const i = next++ % MEMBERS;
      return { ...req, headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i]}`, 'idempotency-key': `bench-claim-${templateId}-${i}` }, body: JSON.stringify({ templateId }) };
    },
    onResponse: (status: number, body: string) => {
      const key = status === 201 ? '201' : `${status} ${JSON.parse(body).code}`;
      tally[key] = (tally[key] ?? 0) + 1;
    },
  });
  const target = `http://127.0.0.1:${port}`;
  try {
    if (WARMUP_S > 0) await run({ url: target, connections: CONNECTIONS, duration: WARMUP_S, requests: [claimRequest(hot.id)] });
    const warmOk = tally['201'] ?? 0;
    await waitForQuiet({ server: server.pid, mariadbd: dbPid, bench: process.pid });
    const cpu = cpuSampler({ server: server.pid, mariadbd: dbPid, bench: process.pid });
    const status = await statusSampler(conn);
    const res = await run({ url: target, connections: CONNECTIONS, duration: DURATION_S, requests: [claimRequest(hot.id)] });
    const ok = (tally['201'] ?? 0) - warmOk;
    const claimsPerS = ok / DURATION_S;
    const cpuUse = formatCpu(cpu());
    const statusLine = await status(ok);
    if (next > MEMBERS) throw new Error(`ran out of members (${MEMBERS}); raise BENCH_MEMBERS`);
    const [[hotRow]] = (await conn.query('SELECT issued_count AS issued, (SELECT COUNT(*) FROM coupon WHERE template_id = ?) AS n FROM coupon_template WHERE id = ?', [hot.id, hot.id])) as any;
    // autocannon stops at each deadline (warm-up, measured phase) without reading the answers still in flight (≤ one
    // per connection): those claims committed but were not counted, so the rows may exceed the 201s by ≤ 2 × CONNECTIONS.
    const answered = tally['201'] ?? 0;
    const exact1 = Number(hotRow.issued) === Number(hotRow.n) && Number(hotRow.n) >= answered && Number(hotRow.n) <= answered + 2 * CONNECTIONS;
    process.stdout.write(
      `product (POST /api/app/coupons/claim, ${CONNECTIONS} connections): ${fmt(claimsPerS)} claims/s, p50 ${res.latency.p50} ms, p99 ${res.latency.p99} ms, answers ${JSON.stringify(tally)}\n` +
        `  ${cpuUse}\n  ${statusLine}\n` +
        `  hot template: issued_count ${hotRow.issued} = coupon rows ${hotRow.n}; 201 answers ${answered} (+ ≤ ${2 * CONNECTIONS} unread at the two cuts) → ${exact1 ? 'exact' : 'MISMATCH'}\n`,
    );

    // (3) sell-out: 1.5 × the stock, every claim a distinct member
    for (const k of Object.keys(tally)) delete tally[k];
    await run({ url: target, connections: CONNECTIONS, amount: Math.round(SELL_STOCK * 1.5), requests: [claimRequest(sell.id)] });
    const [[sellRow]] = (await conn.query('SELECT issued_count AS issued, total_stock AS stock, (SELECT COUNT(*) FROM coupon WHERE template_id = ?) AS n FROM coupon_template WHERE id = ?', [sell.id, sell.id])) as any;
    const exact2 = Number(sellRow.issued) === SELL_STOCK && Number(sellRow.n) === SELL_STOCK && tally['201'] === SELL_STOCK && tally['409 COUPON_OUT_OF_STOCK'] === Math.round(SELL_STOCK * 0.5);
    process.stdout.write(`sell-out: stock ${sellRow.stock}, ${Math.round(SELL_STOCK * 1.5)} claims → answers ${JSON.stringify(tally)}; issued_count ${sellRow.issued}, coupon rows ${sellRow.n} → ${exact2 ? 'exact, 0 over-issued' : 'MISMATCH'}\n`);

    const ratio = claimsPerS / baseline.rps;
    process.stdout.write(
      `\nbaseline (bare claim transaction, ${CONNECTIONS} callers, pool ${POOL}) ${fmt(baseline.rps)} claims/s (p99 ${baseline.p99} ms)\n  ${baseCpuUse}\n` +
        `product  ${fmt(claimsPerS)} claims/s (p99 ${res.latency.p99} ms)\n` +
        `ratio ${ratio.toFixed(2)} (target ≥ 0.60)\n`,
    );
    if (!exact1 || !exact2) process.exitCode = 1;
  } finally {
    server.kill('SIGTERM');
    await conn.end();
  }
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
