/**
 * bench:session — scans → sessions per second on MariaDB, next to a bare Koa + one-query baseline
 * measured in the same run, and their ratio (last lines).
 *
 * Topology (2 cores): the server under test runs as its own process (production entry, info logging,
 * outbox worker on); the WeChat emulator and the load generator share this process. 20 stores, 2 clerks
 * each, one store code and one code per clerk, each with two tags in force.
 *
 * Traffic: every request carries a one-time login code minted beforehand and a scene drawn at random over
 * the 60 codes (2/3 clerk codes). BENCH_RETURNING (default 0.3) of the requests are returning fans: one of
 * 2,000 fans seeded through the same use case before the run, or an openid first seen ≥ 1,000 requests
 * earlier (so already committed). They mostly open another code (a new visit: scan event, tags, a clerk
 * binding check) and sometimes the same one inside the visit window (no-op), and get their view read back.
 * The rest are first scans by new fans (customer insert, scan event, tags, clerk binding, outbox events).
 * A warm-up (BENCH_WARMUP_S, default 3 s) with the same traffic runs first and is not counted; then
 * BENCH_DURATION_S (default 10) s at BENCH_CONNECTIONS (default 32) connections.
 *
 * Besides the rate, it prints CPU per process and MariaDB counters per request (see diag.ts), and how many
 * outbox events were still undelivered when the measured phase ended (deferred work is not free work).
 */
import crypto from 'node:crypto';
import path from 'node:path';
import 'reflect-metadata';
import mysql from 'mysql2/promise';
import { buildScene } from '@o2o/shared';
import { loadConfig } from '../src/config';
import { backgroundCtx } from '../src/context';
import { buildDeps } from '../src/deps';
import { createEmulator } from '../src/emulator';
import { createLogger } from '../src/lib/logger';
import { createAppSession } from '../src/modules/auth/app-session.service';
import { batchQrCodes, scheduleQrCodeTag } from '../src/modules/qr-code/qr-code.service';
import { createStaff } from '../src/modules/staff/staff.service';
import { createStore } from '../src/modules/store/store.service';
import { createTag } from '../src/modules/tag/tag.service';
import { freePort, run, spawnReady, waitHttp } from './bench-util';
import { cpuSampler, formatCpu, mariadbPid, statusSampler, waitForQuiet } from './diag';


const BASE = process.env.BENCH_MYSQL_BASE_URL ?? 'mysql://root@127.0.0.1:3306';
const DB = 'o2o_bench';
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const RETURNING = Number(process.env.BENCH_RETURNING ?? 0.3);
/** Login codes minted up front: enough for ~5,000 sessions/s over warm-up and measured phase. */
const MAX_REQUESTS = Math.max(60_000, (WARMUP_S + DURATION_S) * 5_000);
/** A returning fan is one first seen at least this many requests earlier (committed long before). */
const RETURN_GAP = 1_000;
/** Fans created before the run (they have a home store, tags and often a clerk). */
const SEEDED_FANS = 2_000;

async function main() {
  const admin = await mysql.createConnection({ uri: BASE });
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
  await admin.query(`CREATE DATABASE ${DB} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();

  const key = () => crypto.randomBytes(32).toString('base64');
  const emuSecret = crypto.randomBytes(16).toString('hex');
  const emulator = createEmulator({ appid: 'wxbench000000001', secret: emuSecret });
  const emu = await emulator.listen(0, '127.0.0.1');
  const port = await freePort();
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_URL: `${BASE}/${DB}`,
    DB_POOL_SIZE: '16',
    LOG_LEVEL: 'info',
    WECHAT_APPID: 'wxbench000000001',
    WECHAT_SECRET: emuSecret,
    WECHAT_API_BASE: emu.url,
    PII_KEY: key(),
    PII_INDEX_KEY: key(),
    TOKEN_SECRET: key(),
    COUPON_CODE_SECRET: key(),
  };

  // schema + a brand: 20 stores, 2 clerks each, store and clerk codes carrying tags in force
  const deps = await buildDeps(loadConfig(env), { log: createLogger('warn') });
  await deps.db.dataSource.runMigrations({ transaction: 'each' });
  const ctx = backgroundCtx(deps, 'bench');
  const tag = await createTag(ctx, { name: '坚果', group: 'category' });
  const channel = await createTag(ctx, { name: '门店码', group: 'channel' });
  for (let i = 0; i < 20; i++) {
    const store = await createStore(ctx, { name: `店${i}` });
    for (let j = 0; j < 2; j++) await createStaff(ctx, { name: `导购${i}-${j}`, role: 'clerk', storeId: store.id } as never);
  }
  const { items: codes } = await batchQrCodes(ctx, { includeClerks: true }, { prefetchImages: false });
  for (const qr of codes) {
    await scheduleQrCodeTag(ctx, qr.id, { tagId: tag.id, validFrom: new Date(Date.now() - 86_400_000).toISOString() }, 0);
    await scheduleQrCodeTag(ctx, qr.id, { tagId: channel.id, validFrom: new Date(Date.now() - 86_400_000).toISOString() }, 0);
  }
  const scenes = codes.map((q) => encodeURIComponent(buildScene(q.code)));

  // Fans who already came once (through the real use case), so returning fans are there from the first request.
  const mint = (openid: string) => {
    const code = crypto.randomBytes(16).toString('hex');
    emulator.state.loginCodes.set(code, { openid, expiresAt: Date.now() + 30 * 60_000, used: false });
    return code;
  };
  const rand = seeded(42);
  const openids: string[] = Array.from({ length: SEEDED_FANS }, (_, i) => `obench_seed_${i}_${crypto.randomBytes(4).toString('hex')}`);
  for (let i = 0; i < SEEDED_FANS; i += 16) {
    await Promise.all(openids.slice(i, i + 16).map((openid) => createAppSession(ctx, { code: mint(openid), scene: scenes[Math.floor(rand() * scenes.length)] })));
  }
  await deps.db.dataSource.destroy();

  // One-time login codes for the run: new fans, and returning ones (seeded, or first seen ≥ RETURN_GAP requests earlier).
  const loginCodes: string[] = [];
  const sceneOf: number[] = [];
  for (let i = 0; i < MAX_REQUESTS; i++) {
    const returning = rand() < RETURNING;
    openids.push(returning ? openids[Math.floor(rand() * Math.max(SEEDED_FANS, SEEDED_FANS + i - RETURN_GAP))] : `obench_${i}_${crypto.randomBytes(4).toString('hex')}`);
    loginCodes.push(mint(openids[SEEDED_FANS + i]));
    sceneOf.push(Math.floor(rand() * scenes.length));
  }
  let next = 0;
  const sessionRequest = {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    setupRequest: (req: object) => {
      const i = next++;
      return { ...req, body: JSON.stringify({ code: loginCodes[i] ?? 'exhausted', scene: scenes[sceneOf[i]] ?? '' }) };
    },
  };

  const server = await spawnReady(path.join(__dirname, 'server-child.js'), env);
  await waitHttp(`http://127.0.0.1:${port}/readyz`);
  const monitor = await mysql.createConnection({ uri: `${BASE}/${DB}` });
  const dbPid = mariadbPid();

  if (WARMUP_S > 0) await run({ url: `http://127.0.0.1:${port}/api/app/session`, connections: CONNECTIONS, duration: WARMUP_S, requests: [sessionRequest] });
  const warm = next;
  const [[before]] = (await monitor.query('SELECT COUNT(*) AS customers FROM customer')) as any;
  const quietBefore = await waitForQuiet({ server: server.pid, mariadbd: dbPid, 'bench+emulator': process.pid });
  const cpu = cpuSampler({ server: server.pid, mariadbd: dbPid, 'bench+emulator': process.pid });
  const status = await statusSampler(monitor);
  const sessions = await run({ url: `http://127.0.0.1:${port}/api/app/session`, connections: CONNECTIONS, duration: DURATION_S, requests: [sessionRequest] });
  const sessionCpu = cpu();
  const ok = sessions.requests.total - sessions.non2xx - sessions.errors;
  const sessionDb = await status(ok);
  const [[after]] = (await monitor.query(
    "SELECT (SELECT COUNT(*) FROM customer) AS customers, (SELECT COUNT(*) FROM scan_event) AS scans, (SELECT COUNT(*) FROM customer_clerk) AS bound, (SELECT COUNT(*) FROM outbox_event WHERE status <> 'done') AS undelivered",
  )) as any;
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await monitor.end();

  // the measured phase's traffic mix, from what was actually sent
  const sent = next - warm;
  const seen = new Set(openids.slice(0, SEEDED_FANS + warm));
  let returningSent = 0;
  for (let i = SEEDED_FANS + warm; i < SEEDED_FANS + next; i++) {
    if (seen.has(openids[i])) returningSent++;
    else seen.add(openids[i]);
  }

  const basePort = await freePort();
  const baseline = await spawnReady(path.join(__dirname, 'baseline-server.js'), { PORT: String(basePort), BASELINE_DATABASE_URL: `${BASE}/${DB}` });
  const quietBaseline = await waitForQuiet({ server: baseline.pid, mariadbd: dbPid, 'bench+emulator': process.pid });
  const baseCpuOf = cpuSampler({ server: baseline.pid, mariadbd: dbPid, 'bench+emulator': process.pid });
  const base = await run({ url: `http://127.0.0.1:${basePort}/`, connections: CONNECTIONS, duration: DURATION_S });
  const baseCpu = baseCpuOf();
  baseline.kill('SIGTERM');
  await emulator.close();

  const sessionRate = ok / (sessions.duration || DURATION_S); // autocannon reports duration in seconds
  const baseRate = base.requests.average;
  const pct = (n: number) => `${Math.round((100 * n) / Math.max(1, sent))} %`;
  const lines = [
    `connections ${CONNECTIONS}, warm-up ${WARMUP_S} s, then ${DURATION_S} s each; MariaDB ${DB}; server = production entry (info logs, outbox worker on), DB_POOL_SIZE ${env.DB_POOL_SIZE}`,
    `traffic: ${sent} sessions sent, new fans ${pct(sent - returningSent)}, returning fans ${pct(returningSent)} (random code of 60: mostly a new visit, else a no-op repeat)`,
    `sessions: ${ok} ok, ${sessions.non2xx} non-2xx, ${sessions.errors} errors; customers ${before.customers} → ${after.customers}, scan events ${after.scans}, clerk bindings ${after.bound}; outbox events undelivered at the end ${after.undelivered}`,
    `sessions ${formatCpu(sessionCpu)}${noisy(quietBefore, sessionCpu)}`,
    sessionDb,
    `baseline ${formatCpu(baseCpu)}${noisy(quietBaseline, baseCpu)}`,
    `baseline (bare Koa + 1 PK query): ${baseRate.toFixed(0)} req/s, p50 ${base.latency.p50} ms, p99 ${base.latency.p99} ms`,
    `scan→session: ${sessionRate.toFixed(0)} sessions/s, p50 ${sessions.latency.p50} ms, p99 ${sessions.latency.p99} ms`,
    `ratio sessions/baseline: ${(sessionRate / baseRate).toFixed(3)}  (target ≥ 1000 sessions/s: ${sessionRate >= 1000 ? 'met' : 'NOT met'})`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  process.exit(0);
}

/** Another process took CPU during the phase: its figures are not to be trusted, say so next to them. */
function noisy(otherBefore: number, cpu: Record<string, number>): string {
  const other = Math.max(otherBefore, cpu.other ?? 0);
  return other >= 30 ? `  <- NOISY: other processes used ${other} % of a core, rerun on a quiet machine` : '';
}

/** Deterministic traffic (mulberry32): two runs send the same mix of new and returning fans. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
