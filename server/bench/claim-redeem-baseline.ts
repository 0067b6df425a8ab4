import crypto from 'node:crypto';
import mysql from 'mysql2/promise';

/**
 * What bench:claim and bench:redeem share: the bench environment for the server child, and the bare baseline
 * loop — N concurrent callers on a mysql2 pool (text protocol, what TypeORM uses) running one unit of work
 * back to back for a fixed time, in THIS process, against the same MariaDB database as the product path.
 */
export const BENCH_BASE = process.env.BENCH_MYSQL_BASE_URL ?? 'mysql://root@127.0.0.1:3306';
export const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
export const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 2);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
export const POOL = Number(process.env.BENCH_POOL ?? 16);

export async function freshDatabase(name: string): Promise<string> {
  const admin = await mysql.createConnection({ uri: BENCH_BASE });
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  return `${BENCH_BASE}/${name}`;
}

/** The production server's environment (the child process and this process share the secrets). */
export function benchEnv(databaseUrl: string): Record<string, string> {
  const key = () => crypto.randomBytes(32).toString('base64');
  return {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    DB_POOL_SIZE: String(POOL),
    LOG_LEVEL: 'warn',
    WECHAT_APPID: 'wxbench000000001',
    WECHAT_SECRET: 'bench-secret-000',
    PII_KEY: key(),
    PII_INDEX_KEY: key(),
    TOKEN_SECRET: key(),
    COUPON_CODE_SECRET: key(),
    RECONCILE_INTERVAL_MS: '3600000',
  };
}

export interface LoopResult {
  ops: number;
  rps: number;
  p99: number;
  p50: number;
}

/**
 * `callers` loops run `work(i)` (i = a global sequence number) until `durationMs` has passed or `work` returns
 * false (out of input). Latency per call in ms; p99 over all calls.
 */
export async function timedLoop(callers: number, durationMs: number, work: (i: number) => Promise<boolean>): Promise<LoopResult> {
  const lat: number[] = [];
  let seq = 0;
  let stop = false;
  const started = performance.now();
  const until = started + durationMs;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (!stop && performance.now() < until) {
        const t0 = performance.now();
        if (!(await work(seq++))) {
          stop = true;
          break;
        }
        lat.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  lat.sort((a, b) => a - b);
  const pct = (p: number) => (lat.length ? Math.round(lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] * 10) / 10 : 0);
  return { ops: lat.length, rps: lat.length / seconds, p99: pct(0.99), p50: pct(0.5) };
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
