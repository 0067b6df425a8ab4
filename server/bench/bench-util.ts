import { fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import mysql from 'mysql2/promise';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon');

/** What the benches share: databases, the server's environment, ports, child servers, the load generators. */
export const BENCH_BASE = process.env.BENCH_MYSQL_BASE_URL ?? 'mysql://root@127.0.0.1:3306';

/** Drops and creates a MariaDB database for a bench run; returns its URL. */
export async function freshDatabase(name: string): Promise<string> {
  const admin = await mysql.createConnection({ uri: BENCH_BASE });
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  return `${BENCH_BASE}/${name}`;
}

/** The production server's environment with fresh secrets (a child server and the bench process share them). */
export function benchEnv(databaseUrl: string, overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const key = () => crypto.randomBytes(32).toString('base64');
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    DB_POOL_SIZE: '16',
    LOG_LEVEL: 'warn',
    WECHAT_APPID: 'wxbench000000001',
    WECHAT_SECRET: 'bench-secret-000',
    PII_KEY: key(),
    PII_INDEX_KEY: key(),
    TOKEN_SECRET: key(),
    COUPON_CODE_SECRET: key(),
    RECONCILE_INTERVAL_MS: '3600000',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

/**
 * Forks a server script that signals readiness over IPC. BENCH_PROFILE=dir writes a V8 CPU profile of the
 * child there on a clean exit (open it in Chrome DevTools).
 */
export function spawnReady(file: string, env: Record<string, string>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const execArgv = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
    const child = fork(file, [], { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${path.basename(file)} exited ${code}`)));
  });
}

export async function waitHttp(url: string): Promise<void> {
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

/** One autocannon run as a promise. */
export function run(opts: object): Promise<any> {
  return new Promise((resolve, reject) => autocannon(opts, (err: Error | null, res: any) => (err ? reject(err) : resolve(res))));
}

export interface PacedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface PacedResult {
  sent: number;
  rps: number;
  non2xx: number;
  errors: number;
  p50: number;
  p99: number;
  /** How far behind its schedule the generator fell at worst (ms): a large value means the client, not the server, was the limit. */
  maxLagMs: number;
}

/**
 * Open-loop load at a steady rate: request k is due at start + k / rate (evenly spaced, not autocannon's
 * `overallRate`, which fires each second's quota back to back and then idles, so its "half load" is a burst at
 * full speed). Latency runs from the request's DUE time to its answer, so a server that falls behind is charged
 * for the queue it causes (no coordinated omission). Keep-alive sockets, as many as the load needs.
 */
export async function paced(opts: { url: string; rate: number; durationS: number; next: () => PacedRequest | null }): Promise<PacedResult> {
  const http = await import('node:http');
  const target = new URL(opts.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const lat: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let maxLagMs = 0;
  const total = Math.round(opts.rate * opts.durationS);
  const interval = 1000 / opts.rate;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  const one = (req: PacedRequest, due: number) =>
    new Promise<void>((resolve) => {
      const r = http.request({ host: target.hostname, port: target.port, path: req.path, method: req.method, headers: req.headers, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          lat.push(performance.now() - due);
          if (res.statusCode === undefined || res.statusCode >= 300) non2xx++;
          resolve();
        });
      });
      r.on('error', () => {
        errors++;
        resolve();
      });
      r.end(req.body);
    });
  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    // everything due by now goes out (a timer tick can cover several slots)
    while (sent < total && start + sent * interval <= now) {
      const due = start + sent * interval;
      maxLagMs = Math.max(maxLagMs, now - due);
      const req = opts.next();
      if (!req) throw new Error('paced: ran out of requests');
      inflight.push(one(req, due));
      sent++;
    }
    const wait = start + sent * interval - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, Math.max(1, Math.floor(wait))));
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] * 10) / 10;
  return { sent, rps: sent / elapsed, non2xx, errors, p50: pct(50), p99: pct(99), maxLagMs: Math.round(maxLagMs) };
}
