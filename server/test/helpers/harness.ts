import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import 'reflect-metadata';
import mysql from 'mysql2/promise';
import request from 'supertest';
import type { Server } from 'node:http';
import http from 'node:http';
import { createApp, type AppHandle } from '../../src/app';
import { loadConfig, type Config, type RawEnv } from '../../src/config';
import type { Ctx, Deps } from '../../src/context';
import { buildDeps } from '../../src/deps';
import { createEmulator, type EmulatorHandle } from '../../src/emulator';
import { FixedClock } from '../../src/lib/clock';
import { createLogger } from '../../src/lib/logger';

export type DbTarget = 'sqlite' | 'mysql';

export function dbTargets(): DbTarget[] {
  return (process.env.TEST_DB_TARGETS ?? 'sqlite').split(',').filter(Boolean) as DbTarget[];
}

const key = () => crypto.randomBytes(32).toString('base64');
export const TEST_APPID = 'wxtest0000000001';
export const TEST_SECRET = 'test-secret-0001';

export interface Harness {
  target: DbTarget;
  deps: Deps;
  ctx: Ctx;
  clock: FixedClock;
  app: AppHandle;
  http: ReturnType<typeof request>;
  emulator: EmulatorHandle & { url: string };
  /** Every log line the server wrote during the suite (to assert on redaction). */
  logs: string[];
  config: Readonly<Config>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: RawEnv;
  /** Start instant of the shared clock (server and emulator). Default: now. */
  now?: Date;
}

/** A migrated database of the given kind, a WeChat emulator on a loopback port, and the app on supertest. */
export async function createHarness(target: DbTarget, opts: HarnessOptions = {}): Promise<Harness> {
  const clock = new FixedClock((opts.now ?? new Date()).getTime());
  const emulator = createEmulator({ appid: TEST_APPID, secret: TEST_SECRET, clock });
  const bound = await emulator.listen(0, '127.0.0.1');
  let dbName: string | null = null;
  let databaseUrl = 'sqlite::memory:';
  if (target === 'mysql') {
    dbName = `o2o_t_${crypto.randomBytes(5).toString('hex')}`;
    const base = process.env.TEST_MYSQL_BASE_URL ?? 'mysql://root@127.0.0.1:3306';
    const conn = await mysql.createConnection({ uri: base });
    await conn.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await conn.end();
    databaseUrl = `${base}/${dbName}`;
  }
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DB_POOL_SIZE: '16',
    LOG_LEVEL: 'info',
    WECHAT_APPID: TEST_APPID,
    WECHAT_SECRET: TEST_SECRET,
    WECHAT_API_BASE: bound.url,
    PII_KEY: key(),
    PII_INDEX_KEY: key(),
    TOKEN_SECRET: key(),
    COUPON_CODE_SECRET: key(),
    PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
    ...opts.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const deps = await buildDeps(config, { clock, log: createLogger('debug', sink) });
  await deps.db.dataSource.runMigrations({ transaction: 'each' });
  const app = createApp(deps);
  const server: Server = http.createServer(app.app.callback());
  return {
    target,
    deps,
    ctx: { ...deps, requestId: 'test' },
    clock,
    app,
    http: request(server),
    emulator: { ...emulator, url: bound.url },
    logs,
    config,
    async close() {
      await deps.db.dataSource.destroy();
      await emulator.close();
      if (dbName) {
        const conn = await mysql.createConnection({ uri: process.env.TEST_MYSQL_BASE_URL ?? 'mysql://root@127.0.0.1:3306' });
        await conn.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
        await conn.end();
      }
    },
  };
}

/**
 * Runs `fn` once per available database (SQLite always; MySQL/MariaDB when reachable, required in CI).
 * `get()` returns that database's harness inside tests.
 */
export function describeEachDb(name: string, fn: (get: () => Harness) => void, opts: HarnessOptions = {}): void {
  for (const target of dbTargets()) {
    describe(`${name} [${target}]`, () => {
      let h: Harness;
      beforeAll(async () => {
        h = await createHarness(target, opts);
      });
      afterAll(async () => {
        await h?.close();
      });
      fn(() => h);
    });
  }
}
