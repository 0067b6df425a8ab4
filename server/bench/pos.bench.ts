/**
 * bench:pos — till sales through the POS API over HTTP: per sale a till sends identify (member code) → quote →
 * commit, each request signed with its terminal's key (the CLI's client, cli/pos.ts), BENCH_TILLS tills at once.
 * Next to it, in the same run, a bare reference of the same three requests: Koa, the SAME signature check (terminal
 * read, HMAC, nonce insert; modules/sale/pos-signature.ts) and the minimum SQL a correct sale needs:
 *   identify  one read (the customer by the code's handle) and the code's HMAC;
 *   quote     one read (the customer joined to the basket's products), the code's HMAC, the price;
 *   commit    the same read, then one transaction: one conditional update of the balance (and the customer's
 *             purchase counters), the inserts (order, its items, the two ledger rows, the code's use, one outbox
 *             event). No idempotency lookup, no coupon, no row lock: a floor, not a product.
 * Phases alternate (reference, product) BENCH_ROUNDS times after a warm-up each; the last lines give sales/s,
 * p99 per sale and per request, the ratio (target ≥ 0.5), MariaDB statements per sale on each side, and an
 * exactness check of the product's sales (one sale per 201 commit, points to the point, one code use per sale).
 *
 * The product server is a PROCESS_ROLE=api child (BENCH_ROLE to change; outbox handlers then run nowhere, as the
 * reference runs none). Data: one store, BENCH_TILLS terminals, 3 products, BENCH_MEMBERS members inserted
 * directly with a handle and points; each sale uses a fresh member, so every member code is used once.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import 'reflect-metadata';
import Koa from 'koa';
import mysql from 'mysql2/promise';
import { loadConfig } from '../src/config';
import { backgroundCtx } from '../src/context';
import { buildDeps } from '../src/deps';
import type { Deps } from '../src/context';
import { createApp } from '../src/app';
import { createLogger } from '../src/lib/logger';
import { windowOf } from '../src/lib/rotating-code';
import { posClient, type PosClient } from '../src/cli/pos';
import { createProduct } from '../src/modules/catalogue/catalogue.service';
import { memberCodeDigits, memberOtp } from '../src/modules/sale/member-code';
import { createPosTerminal } from '../src/modules/sale/pos-terminal.service';
import { POS_HEADER, POS_KEY_ID, POS_NONCE, POS_TIMESTAMP, POS_WINDOW_S, canonicalString, deriveTerminalSecret, signatureMatches } from '../src/modules/sale/pos-signature';
import { createStore } from '../src/modules/store/store.service';
import { benchEnv, freePort, freshDatabase, spawnReady, waitHttp } from './bench-util';
import { cpuSampler, formatCpu, mariadbPid, statusSampler, waitForQuiet } from './diag';
import { fmt, timedLoop } from './claim-redeem-baseline';

const TILLS = Number(process.env.BENCH_TILLS ?? 16);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const POOL = Number(process.env.BENCH_POOL ?? 16);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 30_000);
const START_BALANCE = 100_000;
const USE_POINTS = 20;
const WINDOW_MS = 60_000;

// ---------------------------------------------------------------------------------------------------------------
// The reference server (this file forked with POS_BENCH_ROLE=reference)
// ---------------------------------------------------------------------------------------------------------------

function reference(): void {
  const pool = mysql.createPool({ uri: process.env.REF_DATABASE_URL!, connectionLimit: POOL });
  // Statements sent, read by the bench through GET /__statements (not a POS route: unsigned, uncounted).
  let statements = 0;
  pool.on('connection', (c) => {
    const query = c.query.bind(c);
    (c as unknown as { query: typeof query }).query = ((...args: Parameters<typeof query>) => {
      statements++;
      return query(...args);
    }) as typeof query;
  });
  const master = Buffer.from(process.env.REF_POS_KEY_SECRET!, 'base64');
  const codeSecret = Buffer.from(process.env.REF_CODE_SECRET!, 'base64');
  const prefix = process.env.REF_CODE_PREFIX!;
  let seq = 0;
  const app = new Koa();
  app.use(async (koa) => {
    if (koa.path === '/__statements') {
      koa.body = { statements };
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of koa.req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const fail = (status: number, code: string) => {
      koa.status = status;
      koa.body = { code };
    };
    // the signature check, as the product does it
    const keyId = koa.get(POS_HEADER.key);
    const ts = koa.get(POS_HEADER.timestamp);
    const nonce = koa.get(POS_HEADER.nonce);
    const sig = koa.get(POS_HEADER.signature);
    if (!POS_KEY_ID.test(keyId) || !POS_TIMESTAMP.test(ts) || !POS_NONCE.test(nonce)) return fail(401, 'POS_SIGNATURE_INVALID');
    const [[t]] = (await pool.query('SELECT id, store_id, key_id, salt, revoked_at FROM pos_terminal WHERE key_id = ?', [keyId])) as any;
    if (!t || t.revoked_at) return fail(401, 'POS_KEY_INVALID');
    if (Math.abs(Date.now() / 1000 - Number(ts)) > POS_WINDOW_S) return fail(401, 'POS_TIMESTAMP_SKEW');
    const secret = deriveTerminalSecret(master, t.key_id, t.salt);
    if (!signatureMatches(secret, canonicalString({ method: koa.method, path: koa.originalUrl, timestamp: ts, nonce, body: raw }), sig)) return fail(401, 'POS_SIGNATURE_INVALID');
    try {
      await pool.query('INSERT INTO pos_nonce (terminal_id, nonce, seen_at) VALUES (?, ?, NOW(3))', [t.id, nonce]);
    } catch {
      return fail(401, 'POS_NONCE_REPLAYED');
    }
    const body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
    const code = String(body.memberCode ?? '');
    const handle = code.slice(2, 11);
    /** The code's one-time part against this window and the previous one (as the product accepts). */
    const codeWindow = (customerId: number): number | null => {
      if (!code.startsWith(prefix)) return null;
      const w = windowOf(Date.now(), WINDOW_MS);
      return [w, w - 1].find((x) => memberOtp(codeSecret, customerId, handle, x) === code.slice(11)) ?? null;
    };
    /** One read: the customer (by the code's handle) joined to the basket's products; then the price in JS. */
    const basket = async () => {
      const [rows] = (await pool.query(
        'SELECT c.id AS customer_id, c.points_balance, p.id, p.sku, p.name, p.category_id, p.price_fen, p.member_price_fen, p.member_points, p.member_points_given FROM customer c JOIN product p ON p.sku IN (?) WHERE c.member_handle = ?',
        [body.items.map((i: { sku: string }) => i.sku), handle],
      )) as any;
      if (rows.length === 0) return null;
      const w = codeWindow(rows[0].customer_id);
      if (w === null) return null;
      const bySku = new Map<string, any>(rows.map((p: any) => [p.sku, p]));
      const lines = body.items.map((i: { sku: string; quantity: number }) => {
        const p = bySku.get(i.sku);
        const cash = p.member_price_fen ?? p.price_fen;
        return { p, quantity: i.quantity, cash, points: p.member_points ?? 0, given: p.member_points_given ?? 0 };
      });
      const total = lines.reduce((sum: number, l: any) => sum + l.cash * l.quantity, 0);
      const payable = total - USE_POINTS * 10;
      const pointsUsed = lines.reduce((sum: number, l: any) => sum + l.points * l.quantity, 0) + USE_POINTS;
      const given = lines.reduce((sum: number, l: any) => sum + l.given * l.quantity, 0);
      return { customerId: rows[0].customer_id as number, balance: rows[0].points_balance as number, w, lines, total, payable, pointsUsed, pointsEarned: Math.floor(payable / 100) + given, given };
    };
    if (koa.path === '/api/pos/v1/members/identify') {
      const [[c]] = (await pool.query('SELECT id, points_balance, member_since FROM customer WHERE member_handle = ?', [handle])) as any;
      if (!c || codeWindow(c.id) === null) return fail(404, 'MEMBER_CODE_INVALID');
      koa.body = { member: { customerId: c.id, pointsBalance: c.points_balance, isMember: c.member_since !== null } };
    } else if (koa.path === '/api/pos/v1/sales/quote') {
      const q = await basket();
      if (!q) return fail(404, 'MEMBER_CODE_INVALID');
      koa.body = { quote: { totalFen: q.total, payableFen: q.payable, pointsUsed: q.pointsUsed, pointsEarned: q.pointsEarned } };
    } else if (koa.path === '/api/pos/v1/sales') {
      const q = await basket();
      if (!q) return fail(404, 'MEMBER_CODE_INVALID');
      const conn = await pool.getConnection();
      try {
        await conn.query('START TRANSACTION');
        const [up] = (await conn.query(
          'UPDATE customer SET points_balance = points_balance - ? + ?, order_count = order_count + 1, total_spend_fen = total_spend_fen + ?, last_purchase_at = NOW(3) WHERE id = ? AND points_balance >= ?',
          [q.pointsUsed, q.pointsEarned, q.payable, q.customerId, q.pointsUsed],
        )) as any;
        if (up.affectedRows !== 1) throw new Error('POINTS_INSUFFICIENT');
        const key = `ref:${t.id}:${body.receiptNo}`;
        const [o] = (await conn.query(
          "INSERT INTO orders (out_trade_no, customer_id, store_id, status, idempotency_key, request_hash, list_fen, total_fen, coupon_discount_fen, points_deduction_fen, payable_fen, points_used, pickup_code, expires_at, paid_at, version, channel, terminal_id, receipt_no, sale_key, points_given, points_earned, in_customer_stats) VALUES (?, ?, ?, 'paid', ?, '', ?, ?, 0, ?, ?, ?, '', NOW(3), NOW(3), 1, 'pos', ?, ?, ?, ?, ?, 1)",
          [`REF${process.pid}x${++seq}`, q.customerId, t.store_id, `#${key}`, q.total, q.total, USE_POINTS * 10, q.payable, q.pointsUsed, t.id, body.receiptNo, key, q.given, q.pointsEarned],
        )) as any;
        const orderId = o.insertId;
        await conn.query('INSERT INTO order_item (order_id, product_id, sku, name, category_id, quantity, unit_price_fen, unit_cash_fen, unit_points, unit_points_given, paid_fen) VALUES ?', [
          q.lines.map((l: any) => [orderId, l.p.id, l.p.sku, l.p.name, l.p.category_id, l.quantity, l.p.price_fen, l.cash, l.points, l.given, l.cash * l.quantity]),
        ]);
        const spentTo = q.balance - q.pointsUsed;
        await conn.query('INSERT INTO points_ledger (customer_id, delta, reason, ref_type, ref_id, balance_after) VALUES ?', [
          [
            [q.customerId, -q.pointsUsed, 'redeem', 'order', String(orderId), spentTo],
            [q.customerId, q.pointsEarned, 'purchase', 'order', String(orderId), spentTo + q.pointsEarned],
          ],
        ]);
        await conn.query('INSERT INTO member_code_use (customer_id, code_window, order_id, used_at) VALUES (?, ?, ?, NOW(3))', [q.customerId, q.w, orderId]);
        await conn.query("INSERT INTO outbox_event (type, payload, status, attempts, available_at) VALUES ('order.paid', ?, 'pending', 0, NOW(3))", [JSON.stringify({ orderId, channel: 'pos' })]);
        await conn.query('COMMIT');
        koa.status = 201;
        koa.body = { sale: { id: orderId, customerId: q.customerId, payableFen: q.payable, pointsUsed: q.pointsUsed, pointsEarned: q.pointsEarned } };
      } catch (err) {
        await conn.query('ROLLBACK');
        return fail(409, String((err as Error).message));
      } finally {
        conn.release();
      }
    } else {
      return fail(404, 'NOT_FOUND');
    }
  });
  http.createServer(app.callback()).listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
}

// ---------------------------------------------------------------------------------------------------------------
// The bench
// ---------------------------------------------------------------------------------------------------------------

interface Member {
  id: number;
  handle: string;
}

const PROFILE_SALES = 10;

/** Statements per request kind (mean over PROFILE_SALES sales), through createApp on the bench's own Deps. */
async function statementProfile(
  deps: Deps,
  till: { keyId: string; secret: string },
  nextMember: () => Member,
  codeOf: (m: Member) => string,
  items: { sku: string; quantity: number }[],
): Promise<Record<'identify' | 'quote' | 'commit' | 'sale', number>> {
  const { app } = createApp(deps);
  const server = http.createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const logger = deps.db.dataSource.logger as unknown as { logQuery(q: string, p?: unknown[], qr?: unknown): unknown };
  const original = logger.logQuery;
  const counts = { identify: 0, quote: 0, commit: 0, sale: 0 };
  let bucket: keyof typeof counts | null = null;
  logger.logQuery = function (this: unknown, q: string, p?: unknown[], qr?: unknown) {
    if (bucket) counts[bucket]++;
    return original.call(this, q, p, qr);
  };
  try {
    const pos = posClient({ baseUrl: `http://127.0.0.1:${port}`, keyId: till.keyId, secret: till.secret });
    for (let i = 0; i < PROFILE_SALES; i++) {
      const memberCode = codeOf(nextMember());
      bucket = 'identify';
      const a = await pos.identify({ memberCode });
      bucket = 'quote';
      const b = await pos.quote({ memberCode, items, usePoints: USE_POINTS });
      bucket = 'commit';
      const c = await pos.commit({ memberCode, items, usePoints: USE_POINTS, receiptNo: `profile-${i}` });
      bucket = null;
      if (a.status !== 200 || b.status !== 200 || c.status !== 201) throw new Error(`profile sale failed: ${a.status} ${b.status} ${c.status} ${JSON.stringify(c.body)}`);
    }
  } finally {
    logger.logQuery = original;
    await new Promise<void>((r) => server.close(() => r()));
  }
  counts.sale = counts.identify + counts.quote + counts.commit;
  for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] /= PROFILE_SALES;
  return counts;
}

interface PhaseResult {
  name: string;
  sales: number;
  rps: number;
  p99: number;
  p50: number;
  perRequestP99: number;
  answers: Record<string, number>;
  statementsPerSale: number;
  cpu: string;
  db: string;
}

async function main() {
  const url = await freshDatabase('o2o_bench_pos');
  const env = benchEnv(url, { DB_POOL_SIZE: String(POOL), PROCESS_ROLE: process.env.BENCH_ROLE ?? 'api' });
  const config = loadConfig(env);
  const deps = await buildDeps(config, { log: createLogger('warn') });
  await deps.db.dataSource.runMigrations({ transaction: 'each' });
  const ctx = backgroundCtx(deps, 'bench');
  const store = await createStore(ctx, { name: '压测店' });
  const admin = { kind: 'staff' as const, staffId: 1, role: 'admin' as const, storeId: null, name: 'bench' };
  const tills: { keyId: string; secret: string }[] = [];
  for (let i = 0; i < TILLS; i++) {
    const t = await createPosTerminal(ctx, admin, { storeId: store.id, name: `收银台 ${i + 1}` });
    tills.push({ keyId: t.terminal.keyId, secret: t.secret });
  }
  const skus = ['NUT-500', 'SNACK-6', 'GIFT-50'];
  await createProduct(ctx, { sku: skus[0], name: '每日坚果', category: '坚果', priceFen: 5_000, memberPriceFen: 4_500 } as never);
  await createProduct(ctx, { sku: skus[1], name: '辣条', category: '零食', priceFen: 250, memberPriceFen: 190, memberPoints: 6 } as never);
  await createProduct(ctx, { sku: skus[2], name: '礼盒', category: '礼盒', priceFen: 12_000, memberPriceFen: 9_900 } as never);
  const conn = await mysql.createConnection({ uri: url });
  await conn.query('UPDATE product SET member_points_given = 50 WHERE sku = ?', [skus[2]]);
  const now = new Date();
  for (let i = 0; i < MEMBERS; i += 2_000) {
    const rows = Array.from({ length: Math.min(2_000, MEMBERS - i) }, (_, k) => [`obench_pos_${i + k}`, now, START_BALANCE, String(i + k + 1).padStart(9, '0')]);
    await conn.query('INSERT INTO customer (openid, member_since, points_balance, member_handle) VALUES ?', [rows]);
  }
  const [memberRows] = (await conn.query('SELECT id, member_handle AS handle FROM customer WHERE openid LIKE ? ORDER BY id', ['obench_pos_%'])) as any;
  const members: Member[] = memberRows;
  let nextMember = 0;
  const codeOf = (m: Member) => memberCodeDigits(config.memberCodePrefix, config.secrets.couponCodeSecret, m.id, m.handle, windowOf(Date.now(), WINDOW_MS));
  const items = [
    { sku: skus[0], quantity: 2 },
    { sku: skus[1], quantity: 3 },
    { sku: skus[2], quantity: 1 },
  ];

  // Statements per sale of the product path, counted exactly: the same app in this process (TypeORM hands every
  // statement, transaction control included, to its logger), PROFILE_SALES sales one after another.
  const profile = await statementProfile(deps, tills[0], () => members[nextMember++], codeOf, items);
  await deps.db.dataSource.destroy();

  const productPort = await freePort();
  const refPort = await freePort();
  const product = await spawnReady(path.join(__dirname, 'server-child.js'), { ...env, PORT: String(productPort) });
  const ref = await spawnReady(__filename, {
    POS_BENCH_ROLE: 'reference',
    PORT: String(refPort),
    REF_DATABASE_URL: url,
    REF_POS_KEY_SECRET: config.secrets.posKeySecret.toString('base64'),
    REF_CODE_SECRET: config.secrets.couponCodeSecret.toString('base64'),
    REF_CODE_PREFIX: config.memberCodePrefix,
  });
  await waitHttp(`http://127.0.0.1:${productPort}/readyz`);
  const dbPid = mariadbPid();

  /** One phase: TILLS tills ringing sales back to back for `seconds`; returns the sales made and their latencies. */
  async function phase(name: string, port: number, seconds: number): Promise<PhaseResult> {
    const clients: PosClient[] = tills.map((t) => posClient({ baseUrl: `http://127.0.0.1:${port}`, keyId: t.keyId, secret: t.secret }));
    const answers: Record<string, number> = {};
    const perRequest: number[] = [];
    const tally = (kind: string, status: number, code?: string) => {
      const k = `${kind} ${status}${code ? ` ${code}` : ''}`;
      answers[k] = (answers[k] ?? 0) + 1;
    };
    let till = 0;
    // other sessions share this machine: wait a little for them to be quiet (the CPU line shows what remained)
    if (!name.endsWith('warmup')) await waitForQuiet({ server: name === 'product' ? product.pid : ref.pid, mariadbd: dbPid, bench: process.pid }, 30, 5_000);
    const cpu = cpuSampler({ server: name === 'product' ? product.pid : ref.pid, mariadbd: dbPid, bench: process.pid });
    const status = await statusSampler(conn);
    const refStatements = async () => (name.startsWith('reference') ? ((await (await fetch(`http://127.0.0.1:${refPort}/__statements`)).json()) as { statements: number }).statements : 0);
    const statementsBefore = await refStatements();
    let sales = 0;
    const res = await timedLoop(TILLS, seconds * 1000, async () => {
      const m = members[nextMember++];
      if (!m) throw new Error(`ran out of members (${MEMBERS}); raise BENCH_MEMBERS`);
      const pos = clients[till++ % clients.length];
      const memberCode = codeOf(m);
      const timed = async <T>(kind: string, call: () => Promise<{ status: number; body: T & { code?: string } }>) => {
        const t0 = performance.now();
        const r = await call();
        perRequest.push(performance.now() - t0);
        tally(kind, r.status, r.status >= 300 ? r.body?.code : undefined);
        return r;
      };
      const who = await timed('identify', () => pos.identify({ memberCode }));
      if (who.status !== 200) return true;
      const quote = await timed('quote', () => pos.quote({ memberCode, items, usePoints: USE_POINTS }));
      if (quote.status !== 200) return true;
      const sale = await timed('commit', () => pos.commit({ memberCode, items, usePoints: USE_POINTS, receiptNo: `${name}-${crypto.randomBytes(6).toString('hex')}` }));
      if (sale.status === 201) sales++;
      return true;
    });
    const seconds_ = res.ops / res.rps;
    perRequest.sort((a, b) => a - b);
    if (name.startsWith('product')) productCommits += answers['commit 201'] ?? 0;
    return {
      name,
      sales,
      statementsPerSale: name.startsWith('reference') ? ((await refStatements()) - statementsBefore) / Math.max(1, sales) : profile.sale,
      rps: sales / seconds_,
      p99: res.p99,
      p50: res.p50,
      perRequestP99: Math.round(perRequest[Math.floor(perRequest.length * 0.99)] * 10) / 10,
      answers,
      cpu: formatCpu(cpu()),
      // global counters: other databases on this server (another session's tests) count too — see "other" CPU
      db: (await status(sales)).replace('MariaDB per request', 'MariaDB (global) per sale'),
    };
  }

  let productCommits = 0;
  const results: PhaseResult[] = [];
  let productStart = 0;
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [name, port] of [
        ['reference', refPort],
        ['product', productPort],
      ] as const) {
        if (WARMUP_S > 0) await phase(`${name}-warmup`, port, WARMUP_S);
        if (name === 'product' && round === 1) productStart = nextMember;
        const r = await phase(name, port, DURATION_S);
        results.push(r);
        process.stdout.write(
          `round ${round} ${name.padEnd(9)} ${fmt(r.rps)} sales/s (${r.sales} sales; 3 requests each), p50 ${r.p50} ms, p99 ${r.p99} ms per sale, p99 ${r.perRequestP99} ms per request\n` +
            `  answers ${JSON.stringify(r.answers)}\n  ${r.cpu}\n  ${r.db}\n`,
        );
      }
    }

    // exactness of the product's sales (warm-ups included): every 201 is one order, points exact, one code use each
    const [[chk]] = (await conn.query(
      `SELECT COUNT(*) AS orders, COALESCE(SUM(points_used), 0) AS used, COALESCE(SUM(points_earned), 0) AS earned,
              (SELECT COUNT(*) FROM member_code_use u JOIN orders o2 ON o2.id = u.order_id WHERE o2.sale_key LIKE 'pos:%') AS code_uses
         FROM orders WHERE sale_key LIKE 'pos:%'`,
    )) as any;
    const [[bal]] = (await conn.query(
      "SELECT COALESCE(SUM(? - c.points_balance), 0) AS spent FROM customer c WHERE c.id IN (SELECT customer_id FROM orders WHERE sale_key LIKE 'pos:%')",
      [START_BALANCE],
    )) as any;
    const committed = productCommits + PROFILE_SALES;
    // every product sale is one of these: the profile's, the warm-ups' and the measured phases'
    const exact = Number(chk.orders) === committed && Number(bal.spent) === Number(chk.used) - Number(chk.earned) && Number(chk.code_uses) === Number(chk.orders);
    const median = (xs: number[]) => {
      const v = [...xs].sort((a, b) => a - b);
      return (v[Math.floor((v.length - 1) / 2)] + v[Math.ceil((v.length - 1) / 2)]) / 2;
    };
    const refRps = median(results.filter((r) => r.name === 'reference').map((r) => r.rps));
    const prodRps = median(results.filter((r) => r.name === 'product').map((r) => r.rps));
    const worst = (n: string, k: 'p99' | 'perRequestP99') => Math.max(...results.filter((r) => r.name === n).map((r) => r[k]));
    const stmts = (n: string) => (results.find((r) => r.name === n)?.statementsPerSale ?? 0).toFixed(1);
    process.stdout.write(
      `\nproduct sales: ${chk.orders} orders for ${committed} commits answered 201, points spent ${chk.used} − earned ${chk.earned} = balance change ${bal.spent}, code uses ${chk.code_uses} → ${exact ? 'exact' : 'MISMATCH'} (members from #${productStart})\n` +
        `\nreference (Koa, same signature check, minimum SQL) ${fmt(refRps)} sales/s, p99 ${worst('reference', 'p99')} ms per sale (${worst('reference', 'perRequestP99')} ms per request), statements per sale ${stmts('reference')}\n` +
        `product   (POS API, ${TILLS} tills, signed)         ${fmt(prodRps)} sales/s, p99 ${worst('product', 'p99')} ms per sale (${worst('product', 'perRequestP99')} ms per request), statements per sale ${stmts('product')} ` +
        `(identify ${profile.identify}, quote ${profile.quote}, commit ${profile.commit}; counted in-process)\n` +
        `ratio ${(prodRps / refRps).toFixed(2)} (target ≥ 0.5; median of ${ROUNDS} rounds each)\n`,
    );
    if (!exact) process.exitCode = 1;
  } finally {
    product.kill('SIGTERM');
    ref.kill('SIGTERM');
    await conn.end();
  }
}

if (process.env.POS_BENCH_ROLE === 'reference') {
  reference();
} else {
  main().catch((err) => {
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exit(1);
  });
}
