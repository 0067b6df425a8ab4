import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import 'reflect-metadata';
import mysql from 'mysql2/promise';
import request from 'supertest';
import type { Server } from 'node:http';
import http from 'node:http';
import { createApp, type AppHandle } from '../../src/app';
import { answerClientErrors } from '../../src/http/client-error';
import { loadConfig, type Config, type RawEnv } from '../../src/config';
import type { Ctx, Deps } from '../../src/context';
import { buildDeps } from '../../src/deps';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { createEmulator, type EmulatorHandle } from '../../src/emulator';
import { createPayEmulator, sharedTestPayKeyMaterial, writePayKeyFiles, type PayEmulatorControl, type PayEmulatorOptions, type PayKeyMaterial } from '../../src/emulator/pay';
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
  /** Set when the harness was created with `pay`: the emulator's WeChat Pay control and the key material. */
  pay?: { control: PayEmulatorControl; keys: PayKeyMaterial };
  /** Where the server listens (notifications are delivered here). */
  baseUrl: string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: RawEnv;
  /** Start instant of the shared clock (server and emulator). Default: now. */
  now?: Date;
  /** Configure WeChat Pay against the emulator's Pay plugin (options override the test defaults). */
  pay?: boolean | Partial<PayEmulatorOptions>;
}

/** A migrated database of the given kind, a WeChat emulator on a loopback port, and the app on supertest. */
export async function createHarness(target: DbTarget, opts: HarnessOptions = {}): Promise<Harness> {
  const clock = new FixedClock((opts.now ?? new Date()).getTime());
  const keys = opts.pay ? sharedTestPayKeyMaterial() : undefined;
  const payEmu = keys
    ? createPayEmulator({
        mchid: keys.mchid,
        apiV3Key: keys.apiV3Key,
        merchant: { serial: keys.merchant.serial, certPem: keys.merchant.certPem },
        platform: keys.platform,
        timeScale: 0.001,
        refundDelayMs: 20_000,
        ...(typeof opts.pay === 'object' ? opts.pay : {}),
      })
    : undefined;
  const emulator = createEmulator({ appid: TEST_APPID, secret: TEST_SECRET, clock, plugins: payEmu ? [payEmu.plugin] : [] });
  const bound = await emulator.listen(0, '127.0.0.1');
  let payEnv: RawEnv = {};
  let keyDir: string | null = null;
  if (keys) {
    keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'o2o-pay-'));
    payEnv = { ...writePayKeyFiles(keyDir, keys), WECHATPAY_API_BASE: bound.url };
  }
  // Listen first: notifications need a reachable PUBLIC_BASE_URL, which the config must carry.
  let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
  const server: Server = http.createServer((req, res) => handler(req, res));
  answerClientErrors(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
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
    PUBLIC_BASE_URL: baseUrl,
    RECONCILE_INTERVAL_MS: '3600000',
    ...payEnv,
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
  handler = app.app.callback();
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
    pay: payEmu && keys ? { control: payEmu.control, keys } : undefined,
    baseUrl,
    async close() {
      payEmu?.control.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await deps.db.dataSource.destroy();
      await emulator.close();
      if (keyDir) fs.rmSync(keyDir, { recursive: true, force: true });
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
