/**
 * bench:redeem — in-store redemption (核销) over HTTP, next to a bare reference of the same kind measured in the same
 * run (issue 12: "compares to a bare two-request reference … (lookup + confirm, minimum SQL), not to a single UPDATE").
 *
 * Both sides are a server process on the same MariaDB database, driven by the same client (autocannon, the same
 * connections), each redemption being two HTTP requests by a clerk session (Bearer token):
 *  - product:   POST /api/clerk/redemptions/lookup {token, orderAmountFen} then POST /api/clerk/redemptions {…, requestNo}
 *               — the production server (Koa, router, request context, auth with the staff read, zod, the use cases,
 *               and its outbox worker delivering the `coupon.redeemed` events).
 *  - reference: bare Koa + @koa/bodyparser on a mysql2 pool (this file, forked with REDEEM_REFERENCE=1): the same
 *               token check and staff read, then the minimum SQL — lookup = one read (coupon ⋈ template by code);
 *               confirm = one transaction of the conditional update, the code-use insert, the redemption insert and
 *               the outbox insert. No other check, no error paths, no event delivery.
 * Printed: redemptions/s, p99 per request, the ratio (target ≥ 0.5), statements per request (MariaDB's Questions over
 * the phase: everything sent, transaction control and the product's outbox worker included; global counters, so read
 * them next to the `other` CPU figure), rows read per request per table and index of this database only (MariaDB
 * userstat, see rowsReadSampler), CPU per process, and an exactness check of each phase (one redemption row per
 * redeemed coupon, as many as 201s). The statements of ONE request alone are counted exactly by
 * test/coupon/redemption-statements.e2e.test.ts (lookup 2; confirm 6 + START/COMMIT); under load the product's
 * confirms share transactions (redemption.service.ts, redeemGroup), so it sends fewer per request than that.
 *
 * Data: one store, BENCH_CLERKS clerks, one voucher template, BENCH_COUPONS issued coupons (inserted directly) split
 * in two disjoint halves, one per side, so neither phase sees the other's rows reset. A phase that runs out of
 * coupons fails the bench.
 */
import path from 'node:path';
import http from 'node:http';
import 'reflect-metadata';
import mysql from 'mysql2/promise';
import { loadConfig } from '../src/config';
import { backgroundCtx } from '../src/context';
import { buildDeps } from '../src/deps';
import { createLogger } from '../src/lib/logger';
import { TokenService } from '../src/lib/tokens';
import { makeToken, newCouponCode, parseToken, windowOf } from '../src/modules/coupon/coupon-code';
import { createCouponTemplate } from '../src/modules/coupon/template.service';
import { createStaff } from '../src/modules/staff/staff.service';
import { createStore } from '../src/modules/store/store.service';
import { benchEnv, freePort, freshDatabase, run, spawnReady, waitHttp } from './bench-util';
import { cpuSampler, formatCpu, mariadbPid, statusSampler, waitForQuiet } from './diag';
import { CONNECTIONS, DURATION_S, POOL, WARMUP_S, fmt } from './claim-redeem-baseline';

const COUPONS = Number(process.env.BENCH_COUPONS ?? 120_000);
const CLERKS = Number(process.env.BENCH_CLERKS ?? 32);
const HOLDERS = 2_000;
const TARGET = 0.5;
/** Other processes' CPU (% of one core) above which a phase is reported as noisy (2 cores shared with other work). */
const NOISY = 25;
/** Diagnosis: BENCH_SIDES=product (or reference) runs one side only; BENCH_ROLE=api runs the product server without
 * its outbox worker and jobs (PROCESS_ROLE=api), to tell the request path's cost from the background's. */
const SIDES = (process.env.BENCH_SIDES ?? 'reference,product').split(',');
const ROLE = process.env.BENCH_ROLE ?? 'all';

/** The reference server (a child process): see the header. */
async function referenceServer() {
  const Koa = (await import('koa')).default;
  const { bodyParser } = await import('@koa/bodyparser');
  const pool = mysql.createPool({ uri: process.env.REFERENCE_DATABASE_URL!, connectionLimit: Number(process.env.DB_POOL_SIZE ?? 16), timezone: 'Z' });
  const tokens = new TokenService(Buffer.from(process.env.TOKEN_SECRET!, 'base64'));
  const readCommitted = new WeakSet<object>();
  const app = new Koa();
  app.use(bodyParser({ enableTypes: ['json'], jsonStrict: true }));
  app.use(async (koa) => {
    // the same auth: a verified staff token, then the staff row (revocation and role)
    const claims = tokens.verify(/^Bearer (.+)$/.exec(koa.get('authorization'))?.[1] ?? '', 'staff', new Date());
    const [[staff]] = (await pool.query('SELECT id, role, store_id, status, token_version, name FROM staff WHERE id = ?', [claims.sub])) as any;
    if (!staff || staff.token_version !== claims.ver || staff.status !== 'active') return void (koa.status = 401);
    const body = koa.request.body as { token: string; orderAmountFen: number; requestNo?: string; couponId?: number };
    const code = parseToken(body.token)?.code;
    if (koa.path === '/lookup') {
      const [[c]] = (await pool.query(
        'SELECT c.id, c.status, c.valid_from, c.valid_to, t.kind, t.threshold_fen, t.amount_off_fen FROM coupon c JOIN coupon_template t ON t.id = c.template_id WHERE c.code = ?',
        [code],
      )) as any;
      koa.body = { couponId: c.id, usable: c.status === 'issued', discountFen: c.amount_off_fen };
      return;
    }
    const now = new Date();
    const w = windowOf(now);
    const conn = await pool.getConnection();
    try {
      if (!readCommitted.has(conn.connection)) {
        await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
        readCommitted.add(conn.connection);
      }
      await conn.query('START TRANSACTION');
      const [up] = (await conn.query(
        "UPDATE coupon SET status = 'redeemed', redeemed_at = ?, redeemed_store_id = ?, redeemed_clerk_id = ?, updated_at = CURRENT_TIMESTAMP WHERE id = ? AND status = 'issued' AND valid_from <= ? AND valid_to >= ?",
        [now, staff.store_id, staff.id, body.couponId, now, now],
      )) as any;
      if (up.affectedRows !== 1) throw new Error('reference: conditional update missed');
      await conn.query('INSERT INTO coupon_code_use (coupon_id, code_window, used_at) VALUES (?, ?, ?)', [body.couponId, w, now]);
      const [ins] = (await conn.query(
        'INSERT INTO redemption (coupon_id, store_id, clerk_id, request_no, order_amount_fen, discount_fen, code_window, redeemed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [body.couponId, staff.store_id, staff.id, body.requestNo, body.orderAmountFen, 500, w, now],
      )) as any;
      await conn.query("INSERT INTO outbox_event (type, payload, status, attempts, available_at) VALUES ('coupon.redeemed', ?, 'pending', 0, ?)", [
        JSON.stringify({ couponId: body.couponId, redemptionId: ins.insertId, storeId: staff.store_id, clerkId: staff.id, discountFen: 500, at: now.toISOString() }),
        now,
      ]);
      await conn.query('COMMIT');
      koa.status = 201;
      koa.body = { redemption: { id: ins.insertId, couponId: body.couponId } };
    } catch (err) {
      await conn.query('ROLLBACK');
      throw err;
    } finally {
      conn.release();
    }
  });
  http.createServer(app.callback()).listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
  process.on('SIGTERM', () => process.exit(0)); // a clean exit: BENCH_PROFILE writes the profile then
}

/**
 * Rows read per table and index of THIS database over a phase, from MariaDB's user statistics (userstat): unlike the
 * global Handler_* counters, other databases on a shared server do not show up in them. Switched on for the run
 * (a dynamic server variable) and back off after, unless it was on already; BENCH_USERSTAT=0 leaves it alone.
 */
async function rowsReadSampler(conn: mysql.Connection, schema: string) {
  const snap = async () => {
    const [t] = (await conn.query('SELECT TABLE_NAME AS name, ROWS_READ AS n FROM information_schema.TABLE_STATISTICS WHERE TABLE_SCHEMA = ?', [schema])) as any;
    const [i] = (await conn.query('SELECT CONCAT(TABLE_NAME, ".", INDEX_NAME) AS name, ROWS_READ AS n FROM information_schema.INDEX_STATISTICS WHERE TABLE_SCHEMA = ?', [schema])) as any;
    return new Map<string, number>([...t.map((r: any) => [r.name, Number(r.n)]), ...i.map((r: any) => [`  via ${r.name}`, Number(r.n)])]);
  };
  const before = await snap();
  return async (requests: number) => {
    const after = await snap();
    const per = [...after].map(([k, v]) => [k, (v - (before.get(k) ?? 0)) / Math.max(1, requests)] as const).filter(([, v]) => v >= 0.05);
    const tables = per.filter(([k]) => !k.startsWith(' '));
    const total = tables.reduce((a, [, v]) => a + v, 0);
    return `rows read per request in ${schema} (userstat): ${total.toFixed(1)} — ${per.map(([k, v]) => `${k.trim()} ${v.toFixed(1)}`).join(', ')}`;
  };
}

interface Phase {
  perS: number;
  p99: number;
  tally: Record<string, number>;
  cpu: string;
  /** CPU of everything else on the machine during the phase (% of one core): above NOISY the figures are not comparable. */
  other: number;
  status: string;
  rows: string;
  /** MariaDB's Questions over the phase per request answered (global: quiet machine assumed, see `other` CPU). */
  statements: number;
  exact: string;
}

async function questions(conn: mysql.Connection): Promise<number> {
  const [[row]] = (await conn.query("SHOW GLOBAL STATUS LIKE 'Questions'")) as any;
  return Number(row.Value);
}

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
  if (perHolder > 100) throw new Error('BENCH_COUPONS too large for 2,000 holders × 100 slots');
  const t = await createCouponTemplate(ctx, admin, { title: '5元券', kind: 'voucher', amountOffFen: 500, validDays: 30, perCustomerLimit: Math.min(100, perHolder), status: 'active' });
  const clerkTokens = clerkIds.map((id) => deps.tokens.issue({ aud: 'staff', sub: id, ver: 0 }, 3600, new Date()).token);
  await deps.db.dataSource.destroy();

  // coupons inserted directly: HOLDERS members × perHolder slots (the per-customer limit is at most 100)
  const conn = await mysql.createConnection({ uri: url });
  const now = new Date();
  const validTo = new Date(Date.now() + 30 * 86_400_000);
  await conn.query('INSERT INTO customer (openid, member_since) VALUES ?', [Array.from({ length: HOLDERS }, (_, i) => [`obench_redeem_${i}`, now])]);
  const [[{ first }]] = (await conn.query('SELECT MIN(id) AS first FROM customer')) as any;
  for (let i = 0; i < COUPONS; i += 2_000) {
    const rows = Array.from({ length: Math.min(2_000, COUPONS - i) }, (_, k) => {
      const n = i + k;
      return [newCouponCode(), t.id, first + (n % HOLDERS), 'issued', 'campaign', `r${n}`, 1 + Math.floor(n / HOLDERS), now, validTo, now];
    });
    await conn.query('INSERT INTO coupon (code, template_id, customer_id, status, source, source_ref, claim_slot, valid_from, valid_to, issued_at) VALUES ?', [rows]);
  }
  await conn.query('UPDATE coupon_template SET issued_count = ? WHERE id = ?', [COUPONS, t.id]);
  await conn.query('ANALYZE TABLE coupon, coupon_template, coupon_code_use, redemption, outbox_event, staff, customer');
  const [idRows] = (await conn.query('SELECT id, code FROM coupon ORDER BY id')) as any;
  const all = (idRows as { id: number; code: string }[]).map((r) => ({ id: Number(r.id), code: r.code }));
  const half = Math.floor(all.length / 2);
  const dbPid = mariadbPid();
  const [[{ on }]] = (await conn.query("SELECT @@GLOBAL.userstat AS `on`")) as any;
  const userstat = process.env.BENCH_USERSTAT !== '0';
  const restoreUserstat = userstat && !Number(on);
  if (restoreUserstat) await conn.query('SET GLOBAL userstat = 1');
  const secret = config.secrets.couponCodeSecret;

  /** One side: warm-up, then DURATION_S of lookup + confirm pairs over `coupons`, with its counters and checks. */
  async function phase(name: string, base: string, paths: { lookup: string; confirm: string }, coupons: { id: number; code: string }[], serverPid: number | undefined, confirmBody: (c: { id: number }, token: string, requestNo: string, looked: any) => object): Promise<Phase> {
    let next = 0;
    let connSeq = 0;
    const tally: Record<string, number> = {};
    const count = (kind: string) => (status: number, body: string, ctx: { looked?: unknown }) => {
      const key = `${kind} ${status}${status >= 300 ? ` ${safeCode(body)}` : ''}`;
      tally[key] = (tally[key] ?? 0) + 1;
      if (kind === 'lookup' && status === 200) ctx.looked = JSON.parse(body);
    };
    const headers = (c: { clerk?: string }) => {
      c.clerk ??= clerkTokens[connSeq++ % clerkTokens.length];
      return { 'content-type': 'application/json', authorization: `Bearer ${c.clerk}` };
    };
    type C = { i?: number; token?: string; clerk?: string; looked?: unknown };
    const requests = [
      {
        method: 'POST',
        path: paths.lookup,
        setupRequest: (req: object, c: C) => {
          c.i = next++;
          const cp = coupons[Math.min(c.i, coupons.length - 1)]; // exhausted: refused, and the phase fails below
          c.token = makeToken(secret, cp.id, cp.code, windowOf(Date.now()));
          return { ...req, headers: headers(c), body: JSON.stringify({ token: c.token, orderAmountFen: 3_000 }) };
        },
        onResponse: count('lookup'),
      },
      {
        method: 'POST',
        path: paths.confirm,
        setupRequest: (req: object, c: C) => ({
          ...req,
          headers: headers(c),
          body: JSON.stringify(confirmBody(coupons[Math.min(c.i!, coupons.length - 1)], c.token!, `${name}-${c.i}`, c.looked)),
        }),
        onResponse: count('confirm'),
      },
    ];
    if (WARMUP_S > 0) await run({ url: base, connections: CONNECTIONS, duration: WARMUP_S, requests });
    const warm = tally['confirm 201'] ?? 0;
    await waitForQuiet({ server: serverPid, mariadbd: dbPid, bench: process.pid });
    const cpu = cpuSampler({ server: serverPid, mariadbd: dbPid, bench: process.pid });
    const q0 = await questions(conn);
    const status = await statusSampler(conn);
    const rows = userstat ? await rowsReadSampler(conn, 'o2o_bench_redeem') : null;
    const res = await run({ url: base, connections: CONNECTIONS, duration: DURATION_S, requests });
    const ok = (tally['confirm 201'] ?? 0) - warm;
    const cpuNow = cpu();
    const cpuUse = formatCpu(cpuNow);
    // per REQUEST (two per redemption): the counters divided by the requests answered in the phase
    const statusLine = await status(res.requests.total);
    const statements = ((await questions(conn)) - q0) / Math.max(1, res.requests.total); // (the samplers' own 5 statements are noise here)
    const rowsLine = rows ? await rows(res.requests.total) : 'rows read per table: BENCH_USERSTAT=0';
    if (next > coupons.length) throw new Error(`${name}: ran out of coupons (${coupons.length}); raise BENCH_COUPONS`);
    const ids = coupons.slice(0, next).map((c) => c.id);
    const [[chk]] = (await conn.query(
      `SELECT (SELECT COUNT(*) FROM coupon WHERE status = 'redeemed' AND id BETWEEN ? AND ?) AS redeemed, ` +
        '(SELECT COUNT(*) FROM redemption WHERE coupon_id BETWEEN ? AND ?) AS reds, ' +
        '(SELECT COUNT(*) FROM (SELECT coupon_id FROM redemption WHERE coupon_id BETWEEN ? AND ? GROUP BY coupon_id HAVING COUNT(*) > 1) d) AS dup',
      [ids[0], ids[ids.length - 1], ids[0], ids[ids.length - 1], ids[0], ids[ids.length - 1]],
    )) as any;
    const answered = tally['confirm 201'] ?? 0;
    // ≤ 1 unanswered confirm per connection at each of the two cuts (warm-up end, phase end)
    const exact = Number(chk.redeemed) === Number(chk.reds) && Number(chk.dup) === 0 && Number(chk.reds) >= answered && Number(chk.reds) <= answered + 2 * CONNECTIONS;
    return {
      perS: ok / DURATION_S,
      p99: res.latency.p99,
      tally,
      cpu: cpuUse,
      other: cpuNow.other ?? 0,
      status: statusLine,
      rows: rowsLine,
      statements,
      exact: `redeemed coupons ${chk.redeemed} = redemption rows ${chk.reds}, twice ${chk.dup}; confirms answered 201: ${answered} (+ ≤ ${2 * CONNECTIONS} unread at the cuts) → ${exact ? 'exact' : 'MISMATCH'}`,
    };
  }

  let ref: Phase | null = null;
  let product: Phase | null = null;
  try {
    // (1) the reference, on the first half of the coupons
    if (SIDES.includes('reference')) {
      const refPort = await freePort();
      const reference = await spawnReady(__filename, { REDEEM_REFERENCE: '1', PORT: String(refPort), REFERENCE_DATABASE_URL: url, TOKEN_SECRET: env.TOKEN_SECRET, DB_POOL_SIZE: String(POOL) });
      try {
        ref = await phase('ref', `http://127.0.0.1:${refPort}`, { lookup: '/lookup', confirm: '/confirm' }, all.slice(0, half), reference.pid, (c, token, requestNo, looked) => ({
          token,
          orderAmountFen: 3_000,
          requestNo,
          couponId: looked?.couponId ?? c.id,
        }));
      } finally {
        reference.kill('SIGTERM');
      }
      // the reference delivers no events: take its outbox rows as delivered, so the product's worker starts with none due
      await conn.query("UPDATE outbox_event SET status = 'done' WHERE status = 'pending'");
    }

    // (2) the product, on the second half
    if (SIDES.includes('product')) {
      const port = await freePort();
      const server = await spawnReady(path.join(__dirname, 'server-child.js'), { ...env, PORT: String(port), PROCESS_ROLE: ROLE });
      try {
        await waitHttp(`http://127.0.0.1:${port}/readyz`);
        product = await phase('product', `http://127.0.0.1:${port}`, { lookup: '/api/clerk/redemptions/lookup', confirm: '/api/clerk/redemptions' }, all.slice(half), server.pid, (_c, token, requestNo) => ({
          token,
          orderAmountFen: 3_000,
          requestNo,
        }));
      } finally {
        server.kill('SIGTERM');
      }
    }
  } finally {
    if (restoreUserstat) await conn.query('SET GLOBAL userstat = 0');
    await conn.end();
  }

  const ratio = product && ref ? (product.perS / Math.max(1, ref.perS)).toFixed(2) : 'n/a';
  const show = (label: string, p: Phase) =>
    `${label}: ${fmt(p.perS)} redemptions/s, p99 ${p.p99} ms per request\n  answers ${JSON.stringify(p.tally)}\n  ${p.cpu}\n  ${p.status}\n  ${p.rows}\n  ${p.exact}\n`;
  process.stdout.write(
    `lookup + confirm over HTTP, ${CONNECTIONS} connections, ${CLERKS} clerk sessions, ${DURATION_S} s each (after ${WARMUP_S} s warm-up)\n` +
      (ref ? show('reference (bare Koa, same auth read; lookup = 1 read; confirm = UPDATE + 3 INSERTs in one transaction)', ref) : '') +
      (product ? show(`product (production server, PROCESS_ROLE=${ROLE}: lookup + confirm use cases${ROLE === 'all' ? ', outbox worker and jobs included' : ''})`, product) : '') +
      (ref ? `\nreference ${fmt(ref.perS)} redemptions/s (p99 ${ref.p99} ms per request, ${ref.statements.toFixed(1)} statements per request)` : '') +
      (product ? `\nproduct   ${fmt(product.perS)} redemptions/s (p99 ${product.p99} ms per request, ${product.statements.toFixed(1)} statements per request)` : '') +
      `\nratio ${ratio} (target ≥ ${TARGET})\n` +
      ([ref, product].some((p) => p && p.other > NOISY) ? `NOISY: other processes used more than ${NOISY} % of a core during a phase (see the CPU lines): rerun on a quiet machine\n` : ''),
  );
  if ([ref, product].some((p) => p && !p.exact.endsWith('exact'))) process.exitCode = 1;
}

function safeCode(body: string): string {
  try {
    return String(JSON.parse(body).code ?? '');
  } catch {
    return '';
  }
}

(process.env.REDEEM_REFERENCE ? referenceServer() : main()).catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
