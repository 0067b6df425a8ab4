/**
 * bench:redeem — in-store redemption (核销) over HTTP: for each pre-issued coupon a clerk session does the
 * preview (POST /api/clerk/redemptions/lookup) and the confirm (POST /api/clerk/redemptions) with the coupon's
 * rotating QR token, next to the bare single statement measured in this process on the same MariaDB database:
 * `UPDATE coupon SET status = 'redeemed' … WHERE id = ? AND status = 'issued'` over distinct rows (affected rows
 * checked) — research/limits.md §2a: 6,500–9,000/s. Last lines: redemptions/s of both, p99s, the ratio (target
 * ≥ 0.60) and the exactness check (one redemption row per redeemed coupon, as many as confirms answered 201).
 * A second baseline runs the SAME statements the product path sends (lookup reads; then the confirm transaction:
 * reads, conditional UPDATE, code-use, redemption and outbox inserts), bare mysql2 without HTTP, so the gap between
 * "one statement" and "a whole redemption" and the gap due to our stack are reported apart.
 *
 * Data: one store, BENCH_CLERKS clerks (a session each, round-robin over connections), one voucher template,
 * BENCH_COUPONS issued coupons (inserted directly). The baseline redeems them, then they are put back to issued;
 * the product path then redeems them once each (a phase that runs out fails the bench). Last, two floors: the same
 * client against the product server's GET /healthz, which bounds what any two-request redemption could reach here,
 * and MariaDB's CPU per statement in the baseline times the three statements any redemption needs.
 */
import os from 'node:os';
import path from 'node:path';
import 'reflect-metadata';
import mysql from 'mysql2/promise';
import { loadConfig } from '../src/config';
import { backgroundCtx } from '../src/context';
import { buildDeps } from '../src/deps';
import { createLogger } from '../src/lib/logger';
import { makeToken, newCouponCode, windowOf } from '../src/modules/coupon/coupon-code';
import { createCouponTemplate } from '../src/modules/coupon/template.service';
import { createStaff } from '../src/modules/staff/staff.service';
import { createStore } from '../src/modules/store/store.service';
import { benchEnv, freePort, freshDatabase, run, spawnReady, waitHttp } from './bench-util';
import { cpuSampler, formatCpu, mariadbPid, statusSampler, waitForQuiet } from './diag';
import { CONNECTIONS, DURATION_S, POOL, WARMUP_S, fmt, timedLoop } from './claim-redeem-baseline';

const COUPONS = Number(process.env.BENCH_COUPONS ?? 100_000);
const CLERKS = Number(process.env.BENCH_CLERKS ?? 32);
const HOLDERS = 1_000;

async function main() {
  const url = await freshDatabase('o2o_bench_redeem');
  const env = benchEnv(url, { DB_POOL_SIZE: String(POOL) });
  const config = loadConfig(env);
  const deps = await buildDeps(config, { log: createLogger('warn') });
  await deps.db.dataSource.runMigrations({ transaction: 'each' });
  const ctx = backgroundCtx(deps, 'bench');
  const store = await createStore(ctx, { name: '压测店' });
  const clerkIds: number[] = [];
  for (let i = 0; i < CLERKS; i++) clerkIds.push((await createStaff(ctx, { name: `店员${i}`, role: 'clerk', storeId: store.id } as never)).staff.id);
  const admin = { kind: 'staff' as const, staffId: 0, role: 'admin' as const, storeId: null, name: 'bench' };
  const perHolder = Math.ceil(COUPONS / HOLDERS);
  const t = await createCouponTemplate(ctx, admin, { title: '5元券', kind: 'voucher', amountOffFen: 500, validDays: 30, perCustomerLimit: Math.min(100, perHolder), status: 'active' });
  if (perHolder > 100) throw new Error('BENCH_COUPONS too large for 1,000 holders × 100 slots');
  const clerkTokens = clerkIds.map((id) => deps.tokens.issue({ aud: 'staff', sub: id, ver: 0 }, 3600, new Date()).token);
  await deps.db.dataSource.destroy();

  // coupons inserted directly: HOLDERS members × perHolder slots
  const conn = await mysql.createConnection({ uri: url });
  const now = new Date();
  const validTo = new Date(Date.now() + 30 * 86_400_000);
  await conn.query('INSERT INTO customer (openid, member_since) VALUES ?', [Array.from({ length: HOLDERS }, (_, i) => [`obench_redeem_${i}`, now])]);
  const [[{ first }]] = (await conn.query('SELECT MIN(id) AS first FROM customer')) as any;
  const codes: string[] = [];
  for (let i = 0; i < COUPONS; i += 2_000) {
    const rows = Array.from({ length: Math.min(2_000, COUPONS - i) }, (_, k) => {
      const n = i + k;
      const code = newCouponCode();
      codes.push(code);
      return [code, t.id, first + (n % HOLDERS), 'issued', 'campaign', `r${n}`, 1 + Math.floor(n / HOLDERS), now, validTo, now];
    });
    await conn.query('INSERT INTO coupon (code, template_id, customer_id, status, source, source_ref, claim_slot, valid_from, valid_to, issued_at) VALUES ?', [rows]);
  }
  await conn.query('UPDATE coupon_template SET issued_count = ? WHERE id = ?', [COUPONS, t.id]);
  const [idRows] = (await conn.query('SELECT id, code FROM coupon ORDER BY id')) as any;
  const ids: number[] = idRows.map((r: { id: number }) => r.id);
  const codeOf = new Map<number, string>(idRows.map((r: { id: number; code: string }) => [r.id, r.code]));
  const dbPid = mariadbPid();

  // (1) baseline: the single conditional update over distinct rows
  const pool = mysql.createPool({ uri: url, connectionLimit: POOL });
  await waitForQuiet({ bench: process.pid, mariadbd: dbPid });
  const baseCpu = cpuSampler({ bench: process.pid, mariadbd: dbPid });
  const baseline = await timedLoop(CONNECTIONS, DURATION_S * 1000, async (i) => {
    if (i >= ids.length) return false;
    const [res] = (await pool.query("UPDATE coupon SET status = 'redeemed', redeemed_at = NOW(3), redeemed_store_id = ?, redeemed_clerk_id = ? WHERE id = ? AND status = 'issued'", [store.id, clerkIds[0], ids[i]])) as any;
    if (res.affectedRows !== 1) throw new Error('baseline: conditional update missed');
    return true;
  });
  const baseCpuNow = baseCpu();
  const baseCpuUse = formatCpu(baseCpuNow);
  // MariaDB's own CPU per statement in the baseline: the database's share of any redemption, whatever the stack.
  const dbMsPerStatement = baseCpuNow.mariadbd ? (baseCpuNow.mariadbd / 100 / baseline.rps) * 1000 : null;
  await conn.query("UPDATE coupon SET status = 'issued', redeemed_at = NULL, redeemed_store_id = NULL, redeemed_clerk_id = NULL");

  // (1b) the same statements as a redemption (lookup + confirm), bare
  const w = () => windowOf(Date.now());
  const bareCpu = cpuSampler({ bench: process.pid, mariadbd: dbPid });
  const sameWork = await timedLoop(CONNECTIONS, DURATION_S * 1000, async (i) => {
    if (i >= ids.length) return false;
    const id = ids[i];
    const code = codeOf.get(id) as string;
    // lookup: staff row, coupon ⋈ template, code use, member
    await pool.query('SELECT id, token_version FROM staff WHERE id = ?', [clerkIds[i % CLERKS]]);
    const [[c]] = (await pool.query('SELECT c.*, t.kind, t.threshold_fen, t.amount_off_fen FROM coupon c JOIN coupon_template t ON t.id = c.template_id WHERE c.code = ?', [code])) as any;
    await pool.query('SELECT COUNT(*) AS n FROM coupon_code_use WHERE coupon_id = ? AND code_window = ?', [c.id, w()]);
    await pool.query('SELECT id, phone_enc FROM customer WHERE id = ?', [c.customer_id]);
    // confirm: staff row, then one transaction
    await pool.query('SELECT id, token_version FROM staff WHERE id = ?', [clerkIds[i % CLERKS]]);
    const k = await pool.getConnection();
    try {
      await k.query('START TRANSACTION');
      await k.query('SELECT c.*, t.kind FROM coupon c JOIN coupon_template t ON t.id = c.template_id WHERE c.code = ?', [code]);
      await k.query('SELECT (SELECT id FROM redemption WHERE store_id = ? AND request_no = ?) AS p, (SELECT COUNT(*) FROM coupon_code_use WHERE coupon_id = ? AND code_window = ?) AS u', [store.id, `bare-${i}`, id, w()]);
      const [up] = (await k.query("UPDATE coupon SET status = 'redeemed', redeemed_at = NOW(3), redeemed_store_id = ?, redeemed_clerk_id = ? WHERE id = ? AND status = 'issued'", [store.id, clerkIds[0], id])) as any;
      if (up.affectedRows !== 1) throw new Error('same-work baseline: conditional update missed');
      await k.query('INSERT INTO coupon_code_use (coupon_id, code_window, used_at) VALUES (?, ?, NOW(3))', [id, w()]);
      await k.query('INSERT INTO redemption (coupon_id, store_id, clerk_id, request_no, order_amount_fen, discount_fen, code_window, redeemed_at) VALUES (?, ?, ?, ?, 3000, 500, ?, NOW(3))', [id, store.id, clerkIds[0], `bare-${i}`, w()]);
      await k.query("INSERT INTO outbox_event (type, payload, status, attempts, available_at) VALUES ('coupon.redeemed', ?, 'pending', 0, NOW(3))", [JSON.stringify({ couponId: id })]);
      await k.query('COMMIT');
    } finally {
      k.release();
    }
    return true;
  });
  const bareCpuUse = formatCpu(bareCpu());
  await conn.query('DELETE FROM redemption');
  await conn.query('DELETE FROM coupon_code_use');
  await conn.query('DELETE FROM outbox_event');
  if (baseline.ops >= ids.length || sameWork.ops >= ids.length) process.stdout.write(`note: the baseline used every coupon (${ids.length}); raise BENCH_COUPONS for a full ${DURATION_S} s\n`);
  await pool.end();
  await conn.query("UPDATE coupon SET status = 'issued', redeemed_at = NULL, redeemed_store_id = NULL, redeemed_clerk_id = NULL");

  // (2) the product path: lookup + confirm per coupon, the token minted for the current 30-s window
  const secret = config.secrets.couponCodeSecret;
  const port = await freePort();
  const server = await spawnReady(path.join(__dirname, 'server-child.js'), { ...env, PORT: String(port) });
  await waitHttp(`http://127.0.0.1:${port}/readyz`);
  let next = 0;
  let connSeq = 0;
  const tally: Record<string, number> = {};
  const count = (kind: string) => (status: number, body: string) => {
    const key = `${kind} ${status}${status >= 300 ? ` ${JSON.parse(body).code}` : ''}`;
    tally[key] = (tally[key] ?? 0) + 1;
  };
  const headers = (ctx: { clerk?: string }) => {
    ctx.clerk ??= clerkTokens[connSeq++ % clerkTokens.length];
    return { 'content-type': 'application/json', authorization: `Bearer ${ctx.clerk}` };
  };
  const requests = [
    {
      method: 'POST',
      path: '/api/clerk/redemptions/lookup',
      setupRequest: (req: object, ctx: { i?: number; token?: string; clerk?: string }) => {
        ctx.i = next++;
        const id = ids[ctx.i] ?? ids[0]; // exhausted: answered as a replay and reported below
        ctx.token = makeToken(secret, id, codeOf.get(id) as string, windowOf(Date.now()));
        return { ...req, headers: headers(ctx), body: JSON.stringify({ token: ctx.token, orderAmountFen: 3_000 }) };
      },
      onResponse: count('lookup'),
    },
    {
      method: 'POST',
      path: '/api/clerk/redemptions',
      setupRequest: (req: object, ctx: { i?: number; token?: string; clerk?: string }) => ({
        ...req,
        headers: headers(ctx),
        body: JSON.stringify({ token: ctx.token, orderAmountFen: 3_000, requestNo: `bench-${ctx.i}` }),
      }),
      onResponse: count('confirm'),
    },
  ];
  const target = `http://127.0.0.1:${port}`;
  try {
    if (WARMUP_S > 0) await run({ url: target, connections: CONNECTIONS, duration: WARMUP_S, requests });
    const warm = tally['confirm 201'] ?? 0;
    await waitForQuiet({ server: server.pid, mariadbd: dbPid, bench: process.pid });
    const cpu = cpuSampler({ server: server.pid, mariadbd: dbPid, bench: process.pid });
    const status = await statusSampler(conn);
    const res = await run({ url: target, connections: CONNECTIONS, duration: DURATION_S, requests });
    const ok = (tally['confirm 201'] ?? 0) - warm;
    const perS = ok / DURATION_S;
    const cpuUse = formatCpu(cpu());
    const statusLine = await status(ok);
    if (next > ids.length) throw new Error(`ran out of coupons (${ids.length}); raise BENCH_COUPONS`);
    const [[chk]] = (await conn.query(
      "SELECT (SELECT COUNT(*) FROM coupon WHERE status = 'redeemed') AS redeemed, (SELECT COUNT(*) FROM redemption) AS reds, (SELECT COUNT(*) FROM (SELECT coupon_id FROM redemption GROUP BY coupon_id HAVING COUNT(*) > 1) d) AS dup",
    )) as any;
    const answered = tally['confirm 201'] ?? 0;
    const exact = Number(chk.redeemed) === Number(chk.reds) && Number(chk.dup) === 0 && Number(chk.reds) >= answered && Number(chk.reds) <= answered + 2 * CONNECTIONS; // ≤ 1 unread answer per connection at each of the two cuts
    process.stdout.write(
      `product (lookup + confirm, ${CONNECTIONS} connections, ${CLERKS} clerk sessions): ${fmt(perS)} redemptions/s (${fmt(res.requests.average)} requests/s), p50 ${res.latency.p50} ms, p99 ${res.latency.p99} ms per request\n` +
        `  answers ${JSON.stringify(tally)}\n  ${cpuUse}\n  ${statusLine}\n` +
        `  redeemed coupons ${chk.redeemed} = redemption rows ${chk.reds}, coupons redeemed twice ${chk.dup}; confirms answered 201: ${answered} (+ ≤ ${2 * CONNECTIONS} unread at the two cuts) → ${exact ? 'exact' : 'MISMATCH'}\n`,
    );
    // (3) the web stack's floor: the product server answering GET /healthz (no auth, no body, no database) with the
    // same client and connections. No HTTP implementation of a 2-request redemption on this stack can beat half of it.
    await waitForQuiet({ server: server.pid, mariadbd: dbPid, bench: process.pid });
    const floorCpu = cpuSampler({ server: server.pid, bench: process.pid });
    const floor = await run({ url: target, connections: CONNECTIONS, duration: DURATION_S, requests: [{ method: 'GET', path: '/healthz' }] });
    const floorRps = floor.requests.average;
    const fc = floorCpu();
    const ratio = perS / baseline.rps;
    process.stdout.write(
      `web-stack floor (GET /healthz: Koa, router, request context, JSON answer; no auth, no database) ${fmt(floorRps)} requests/s (p99 ${floor.latency.p99} ms)\n` +
        `  → at most ${fmt(floorRps / 2)} redemptions/s for any 2-request redemption on this stack: ratio ceiling ${(floorRps / 2 / baseline.rps).toFixed(2)}\n` +
        (dbMsPerStatement && fc.server && fc.bench
          ? (() => {
              // CPU the target rate needs before any redemption logic: two requests through the web stack (server
              // and load-generator CPU per request, from the floor phase) and at least one committed write doing
              // what the baseline statement does (MariaDB CPU per baseline statement).
              const rate = 0.6 * baseline.rps;
              const web = (rate * 2 * fc.server) / 100 / floorRps;
              const client = (rate * 2 * fc.bench) / 100 / floorRps;
              const db = (rate * dbMsPerStatement) / 1000;
              return (
                `CPU needed at the target (${fmt(rate)} redemptions/s) before any redemption logic: web stack ${web.toFixed(2)} + load generator ${client.toFixed(2)} + ` +
                `database ≥ ${db.toFixed(2)} (${dbMsPerStatement.toFixed(3)} ms per baseline statement) = ${(web + client + db).toFixed(2)} cores of ${os.cpus().length}\n`
              );
            })()
          : ''),
    );
    process.stdout.write(
      `\nbaseline (single conditional UPDATE, distinct rows, ${CONNECTIONS} callers, pool ${POOL}) ${fmt(baseline.rps)} redemptions/s (p99 ${baseline.p99} ms)\n  ${baseCpuUse}\n` +
        `same statements, bare (no HTTP, no ORM) ${fmt(sameWork.rps)} redemptions/s (p99 ${sameWork.p99} ms)\n  ${bareCpuUse}\n` +
        `product  ${fmt(perS)} redemptions/s (p99 ${res.latency.p99} ms per request; 2 requests each)\n` +
        `ratio ${ratio.toFixed(2)} (target ≥ 0.60); vs the same statements bare ${(perS / sameWork.rps).toFixed(2)}\n`,
    );
    if (!exact) process.exitCode = 1;
  } finally {
    server.kill('SIGTERM');
    await conn.end();
  }
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
