/**
 * bench:notify — WeChat Pay payment notifications per second through the full product path, next to a
 * bare baseline (Koa + signature verify + GCM decrypt + one 3-statement transaction) measured in the same
 * run on the same MariaDB (alternating, BENCH_ROUNDS times, medians compared), then the product path again at
 * half its peak rate for latency. The product runs as deployed at scale: a PROCESS_ROLE=api process and a
 * PROCESS_ROLE=worker process (BENCH_TOPOLOGY=single: one process doing both). Last lines: both throughputs,
 * p99s and the ratio (target ≥ 0.70; p99 < 50 ms at half load).
 *
 * Data: one store, BENCH_CUSTOMERS members, BENCH_ORDERS unpaid orders of 10.00 yuan. Every request is
 * a distinct, correctly signed TRANSACTION.SUCCESS notification for a distinct order (built up front with
 * node:crypto: RSA signing is the slow part), so every request does the real work once. Between phases
 * the orders are reset to unpaid. A phase that runs out of notifications fails the bench (repeats would
 * be cheap duplicates and inflate the figure).
 *
 * Half load is open loop and evenly spaced (bench-util `paced`), latency counted from each request's due time.
 * autocannon's `overallRate` is not used for it: it fires each second's quota back to back and then idles, so
 * its "half load" is a burst at full speed once a second and its p99 is the burst's.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import 'reflect-metadata';
import mysql from 'mysql2/promise';
import { loadConfig } from '../src/config';
import { buildDeps } from '../src/deps';
import { generatePayKeyMaterial, writePayKeyFiles, type PayKeyMaterial } from '../src/emulator';
import { createLogger } from '../src/lib/logger';
import { benchEnv, freePort, freshDatabase, paced, run, spawnReady } from './bench-util';
import { cpuSampler, formatCpu, mariadbPid, statusSampler } from './diag';


const DB = 'o2o_bench_notify';
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 30_000);
const APPID = 'wxbench000000001';
const PAYABLE = 1000;

interface Built {
  body: string;
  headers: Record<string, string>;
}

/** Exactly what WeChat Pay sends: envelope + AES-256-GCM resource, signed over `ts\nnonce\nbody\n`. */
function buildNotifications(keys: PayKeyMaterial, outTradeNos: string[]): Built[] {
  const priv = crypto.createPrivateKey(keys.platform.privateKeyPem);
  const apiKey = Buffer.from(keys.apiV3Key, 'utf8');
  const ts = String(Math.floor(Date.now() / 1000));
  return outTradeNos.map((no, i) => {
    const nonce12 = crypto.randomBytes(9).toString('base64url').slice(0, 12);
    const tx = {
      mchid: keys.mchid, appid: APPID, out_trade_no: no, transaction_id: `4200${String(i).padStart(24, '0')}`, trade_type: 'JSAPI', trade_state: 'SUCCESS',
      trade_state_desc: '支付成功', bank_type: 'OTHERS', success_time: '2026-11-22T13:29:35+08:00', payer: { openid: `obench${i}` },
      amount: { total: PAYABLE, payer_total: PAYABLE, currency: 'CNY', payer_currency: 'CNY' },
    };
    const c = crypto.createCipheriv('aes-256-gcm', apiKey, Buffer.from(nonce12, 'utf8'));
    c.setAAD(Buffer.from('transaction'));
    const ct = Buffer.concat([c.update(JSON.stringify(tx), 'utf8'), c.final(), c.getAuthTag()]).toString('base64');
    const body = JSON.stringify({
      id: crypto.randomUUID(), create_time: '2026-11-22T13:29:36+08:00', resource_type: 'encrypt-resource', event_type: 'TRANSACTION.SUCCESS', summary: '支付成功',
      resource: { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', ciphertext: ct, associated_data: 'transaction', nonce: nonce12 },
    });
    const nonce = crypto.randomBytes(16).toString('hex');
    const signature = crypto.createSign('RSA-SHA256').update(`${ts}\n${nonce}\n${body}\n`).sign(priv, 'base64');
    return {
      body,
      headers: {
        'content-type': 'application/json', 'wechatpay-timestamp': ts, 'wechatpay-nonce': nonce, 'wechatpay-serial': keys.platform.publicKeyId,
        'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048', 'wechatpay-signature': signature,
      },
    };
  });
}

async function seed(conn: mysql.Connection): Promise<string[]> {
  await conn.query("INSERT INTO store (code, name, status) VALUES ('B1', '压测店', 'active')");
  const rows: unknown[][] = [];
  for (let i = 0; i < CUSTOMERS; i++) rows.push([`obench_c${i}`, new Date(), 1000]);
  for (let i = 0; i < rows.length; i += 1000) await conn.query('INSERT INTO customer (openid, member_since, points_balance) VALUES ?', [rows.slice(i, i + 1000)]);
  const [[{ first }]] = (await conn.query('SELECT MIN(id) AS first FROM customer')) as any;
  const nos: string[] = [];
  const orders: unknown[][] = [];
  const expires = new Date(Date.now() + 24 * 3600_000);
  for (let i = 0; i < ORDERS; i++) {
    const no = `B${String(i).padStart(10, '0')}${crypto.randomBytes(4).toString('hex').toUpperCase()}`;
    nos.push(no);
    orders.push([no, first + (i % CUSTOMERS), 1, 'created', `k${i}`, 'h', PAYABLE, PAYABLE, 0, 0, PAYABLE, 0, '', '000000', expires, 1]);
  }
  const cols = 'out_trade_no, customer_id, store_id, status, idempotency_key, request_hash, list_fen, total_fen, coupon_discount_fen, points_deduction_fen, payable_fen, points_used, category_tag_ids, pickup_code, expires_at, version';
  for (let i = 0; i < orders.length; i += 2000) await conn.query(`INSERT INTO orders (${cols}) VALUES ?`, [orders.slice(i, i + 2000)]);
  return nos;
}

/** Back to "nothing paid yet", so each phase does the same work on the same orders. */
async function reset(conn: mysql.Connection) {
  await conn.query('DELETE FROM pay_notification');
  await conn.query("DELETE FROM points_ledger WHERE reason = 'purchase'");
  await conn.query('DELETE FROM outbox_event');
  await conn.query('DELETE FROM customer_tag');
  await conn.query("UPDATE orders SET status = 'created', transaction_id = NULL, paid_at = NULL, points_earned = 0, in_customer_stats = 0");
  await conn.query('UPDATE customer SET points_balance = 1000, order_count = 0, total_spend_fen = 0, last_purchase_at = NULL');
}

async function phase(name: string, url: string, notes: Built[], conn: mysql.Connection, pids: Record<string, number | undefined>, rate?: number) {
  await reset(conn);
  let next = 0;
  const request = {
    method: 'POST',
    setupRequest: (req: object) => {
      const n = notes[next++];
      if (!n) return { ...req, body: '{}', headers: {} }; // exhausted: answered 401 and reported below
      return { ...req, body: n.body, headers: n.headers };
    },
  };
  // At a given rate: open loop, evenly spaced (paced); at peak: closed loop, CONNECTIONS callers back to back.
  const paceAt = (durationS: number) =>
    paced({ url, rate: rate as number, durationS, next: () => (next < notes.length ? { method: 'POST', path: new URL(url).pathname, ...notes[next++] } : null) });
  if (rate) await paceAt(WARMUP_S);
  else await run({ url, connections: CONNECTIONS, duration: WARMUP_S, requests: [request] });
  const cpu = cpuSampler(pids);
  const status = await statusSampler(conn);
  const startIndex = next;
  let m: { rps: number; p50: number; p99: number; non2xx: number; extra: string };
  if (rate) {
    const r = await paceAt(DURATION_S);
    m = { rps: r.rps, p50: r.p50, p99: r.p99, non2xx: r.non2xx + r.errors, extra: `, evenly spaced (generator lag ≤ ${r.maxLagMs} ms)` };
  } else {
    const res = await run({ url, connections: CONNECTIONS, duration: DURATION_S, requests: [request] });
    m = { rps: res.requests.average, p50: res.latency.p50, p99: res.latency.p99, non2xx: res.non2xx + res.errors + res.timeouts, extra: '' };
  }
  const done = next - startIndex;
  if (next > notes.length) throw new Error(`${name}: ran out of notifications (${notes.length}); raise BENCH_ORDERS`);
  const [[{ paid }]] = (await conn.query("SELECT COUNT(*) AS paid FROM orders WHERE status = 'paid'")) as any;
  process.stdout.write(
    `${name}: ${m.rps.toFixed(0)} req/s${m.extra}, p50 ${m.p50} ms, p99 ${m.p99} ms, non-2xx ${m.non2xx}, orders paid ${paid} of ${next} sent\n` +
      `  ${formatCpu(cpu())}\n  ${await status(done)}\n`,
  );
  if (m.non2xx > 0) throw new Error(`${name}: ${m.non2xx} failed requests`);
  return { rps: m.rps, p99: m.p99 };
}

async function main() {
  const dbUrl = await freshDatabase(DB);
  const keys = generatePayKeyMaterial();
  const keyDir = path.join(os.tmpdir(), `o2o-bench-pay-${process.pid}`);
  const env = benchEnv(dbUrl, { DB_POOL_SIZE: process.env.BENCH_POOL ?? '16', LOG_LEVEL: 'info', WECHAT_APPID: APPID, ...writePayKeyFiles(keyDir, keys) });
  const deps = await buildDeps(loadConfig(env), { log: createLogger('warn') });
  await deps.db.dataSource.runMigrations({ transaction: 'each' });
  await deps.db.dataSource.destroy();

  const conn = await mysql.createConnection({ uri: dbUrl });
  const nos = await seed(conn);
  const t0 = Date.now();
  const notes = buildNotifications(keys, nos);
  process.stdout.write(`${ORDERS} orders, ${CUSTOMERS} members; ${notes.length} notifications signed in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);

  const basePort = await freePort();
  const baseline = await spawnReady(path.join(__dirname, 'notify-baseline-server.js'), {
    PORT: String(basePort),
    BASELINE_DATABASE_URL: dbUrl,
    BASELINE_PLATFORM_PUBLIC_KEY: keys.platform.publicKeyPem,
    BASELINE_APIV3_KEY: keys.apiV3Key,
  });
  // BENCH_TOPOLOGY: `api` (default) measures the notification path alone — a PROCESS_ROLE=api process; the
  // outbox handlers' side effects (tags, segment index, analytics) are left to worker processes, which at scale
  // run elsewhere; `split` adds a PROCESS_ROLE=worker process on this same machine (the whole system on two
  // cores); `single` is one PROCESS_ROLE=all process (handlers share the request thread and lag at peak).
  const topology = process.env.BENCH_TOPOLOGY ?? 'api';
  if (!['api', 'split', 'single'].includes(topology)) throw new Error('BENCH_TOPOLOGY must be api, split or single');
  const split = topology === 'split';
  const port = await freePort();
  const server = await spawnReady(path.join(__dirname, 'server-child.js'), { ...env, PORT: String(port), PROCESS_ROLE: topology === 'single' ? 'all' : 'api' });
  const worker = split ? await spawnReady(path.join(__dirname, 'server-child.js'), { ...env, PROCESS_ROLE: 'worker' }) : null;
  const url = `http://127.0.0.1:${port}/notify/wechat-pay/transaction`;
  const pids = { bench: process.pid, mariadbd: mariadbPid() };
  const productPids = { ...pids, server: server.pid, ...(worker ? { worker: worker.pid } : {}) };
  try {
    // Baseline and product alternate, ROUNDS times, and the ratio is taken of the medians: this machine's speed
    // drifts by ±20 % between minutes (shared host), which a single pair of runs reports as a ratio change.
    const bare: number[] = [];
    const full: number[] = [];
    const fullP99: number[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      bare.push((await phase(`[${r}/${ROUNDS}] baseline (Koa + verify + decrypt + 3-statement txn)`, `http://127.0.0.1:${basePort}/`, notes, conn, { ...pids, server: baseline.pid })).rps);
      const f = await phase(`[${r}/${ROUNDS}] product path (POST /notify/wechat-pay/transaction, ${({ api: 'api process', split: 'api + worker processes', single: 'one process' } as Record<string, string>)[topology]})`, url, notes, conn, productPids);
      full.push(f.rps);
      fullP99.push(f.p99);
    }
    const peak = median(full);
    const half = await phase(`product path at half load (${Math.round(peak / 2)} req/s)`, url, notes, conn, productPids, Math.round(peak / 2));
    const ratio = peak / median(bare);
    process.stdout.write(
      `\nbaseline ${median(bare).toFixed(0)} notifications/s (median of ${bare.map((x) => x.toFixed(0)).join(', ')})\n` +
        `product  ${peak.toFixed(0)} notifications/s (median of ${full.map((x) => x.toFixed(0)).join(', ')}; p99 ${median(fullP99)} ms); at half load p99 ${half.p99} ms (target < 50)\n` +
        `ratio ${ratio.toFixed(2)} (target ≥ 0.70); per round ${full.map((x, i) => (x / bare[i]).toFixed(2)).join(', ')}\n`,
    );
  } finally {
    baseline.kill('SIGTERM');
    server.kill('SIGTERM');
    worker?.kill('SIGTERM');
    await conn.end();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
