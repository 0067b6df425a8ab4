/**
 * bench:session — scans → sessions per second on MariaDB, next to a bare Koa + one-query baseline
 * measured in the same run, and their ratio (last lines).
 *
 * Topology (2 cores): the server under test runs as its own process (production entry, info logging);
 * the WeChat emulator and the load generator share this process. Every request is a first scan by a
 * new fan (worst case: customer insert, scan event, tags in force, clerk binding, outbox events), with a
 * one-time login code minted beforehand, scene cycling over store and clerk codes.
 */
import crypto from 'node:crypto';
import { fork, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import 'reflect-metadata';
import mysql from 'mysql2/promise';
import { buildScene } from '@o2o/shared';
import { loadConfig } from '../src/config';
import { backgroundCtx } from '../src/context';
import { buildDeps } from '../src/deps';
import { createEmulator } from '../src/emulator';
import { createLogger } from '../src/lib/logger';
import { batchQrCodes, scheduleQrCodeTag } from '../src/modules/qr-code/qr-code.service';
import { createStaff } from '../src/modules/staff/staff.service';
import { createStore } from '../src/modules/store/store.service';
import { createTag } from '../src/modules/tag/tag.service';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon');

const BASE = process.env.BENCH_MYSQL_BASE_URL ?? 'mysql://root@127.0.0.1:3306';
const DB = 'o2o_bench';
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const MAX_REQUESTS = 60_000;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

function spawnReady(file: string, env: Record<string, string>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = fork(file, [], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${path.basename(file)} exited ${code}`)));
  });
}

async function waitHttp(url: string) {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

function run(opts: object): Promise<any> {
  return new Promise((resolve, reject) => autocannon(opts, (err: Error | null, res: any) => (err ? reject(err) : resolve(res))));
}

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
  await deps.db.dataSource.destroy();
  const scenes = codes.map((q) => encodeURIComponent(buildScene(q.code)));

  // one-time login codes for distinct new fans, minted straight into the emulator's state
  const loginCodes: string[] = [];
  for (let i = 0; i < MAX_REQUESTS; i++) {
    const code = crypto.randomBytes(16).toString('hex');
    emulator.state.loginCodes.set(code, { openid: `obench_${i}_${crypto.randomBytes(4).toString('hex')}`, expiresAt: Date.now() + 30 * 60_000, used: false });
    loginCodes.push(code);
  }

  const server = await spawnReady(path.join(__dirname, 'server-child.js'), env);
  await waitHttp(`http://127.0.0.1:${port}/readyz`);
  let next = 0;
  const sessions = await run({
    url: `http://127.0.0.1:${port}/api/app/session`,
    connections: CONNECTIONS,
    duration: DURATION_S,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req: any) => ({ ...req, body: JSON.stringify({ code: loginCodes[next++] ?? 'exhausted', scene: scenes[next % scenes.length] }) }),
      },
    ],
  });
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));

  const check = await mysql.createConnection({ uri: `${BASE}/${DB}` });
  const [[counts]] = (await check.query(
    'SELECT (SELECT COUNT(*) FROM customer) AS customers, (SELECT COUNT(*) FROM scan_event) AS scans, (SELECT COUNT(*) FROM customer_clerk) AS bound',
  )) as any;
  await check.end();

  const basePort = await freePort();
  const baseline = await spawnReady(path.join(__dirname, 'baseline-server.js'), { PORT: String(basePort), BASELINE_DATABASE_URL: `${BASE}/${DB}` });
  const base = await run({ url: `http://127.0.0.1:${basePort}/`, connections: CONNECTIONS, duration: DURATION_S });
  baseline.kill('SIGTERM');
  await emulator.close();

  const ok = sessions.requests.total - sessions.non2xx - sessions.errors;
  const sessionRate = ok / (sessions.duration || DURATION_S); // autocannon reports duration in seconds
  const lines = [
    `connections ${CONNECTIONS}, ${DURATION_S} s each, MariaDB ${DB}, server = production entry (info logs), new fan per request`,
    `sessions: ${ok} ok, ${sessions.non2xx} non-2xx, ${sessions.errors} errors; customers ${counts.customers}, scan events ${counts.scans}, clerk bindings ${counts.bound}`,
    `scan→session: ${sessionRate.toFixed(0)} sessions/s, p50 ${sessions.latency.p50} ms, p99 ${sessions.latency.p99} ms`,
    `baseline (bare Koa + 1 PK query): ${base.requests.average.toFixed(0)} req/s, p99 ${base.latency.p99} ms`,
    `ratio sessions/baseline: ${(sessionRate / base.requests.average).toFixed(3)}  (target ≥ 1000 sessions/s: ${sessionRate >= 1000 ? 'met' : 'NOT met'})`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
