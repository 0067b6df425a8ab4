/**
 * bench:session:trace — prints every SQL statement one scan → session sends (store code, then clerk code,
 * then a returning fan twice), and what the outbox worker sends to deliver the resulting events.
 * The statement count per session is the first thing to look at when the session rate drops.
 */
import crypto from 'node:crypto';
import 'reflect-metadata';
import mysql from 'mysql2/promise';
import { buildScene } from '@o2o/shared';
import type { Logger as OrmLogger } from 'typeorm';
import { loadConfig } from '../src/config';
import { backgroundCtx, type Ctx } from '../src/context';
import { buildDeps } from '../src/deps';
import { createEmulator } from '../src/emulator';
import { OutboxWorker } from '../src/events/outbox-worker';
import { registerHandlers } from '../src/events/handlers';
import { createLogger } from '../src/lib/logger';
import { createAppSession } from '../src/modules/auth/app-session.service';
import { batchQrCodes, scheduleQrCodeTag } from '../src/modules/qr-code/qr-code.service';
import { createStaff } from '../src/modules/staff/staff.service';
import { createStore } from '../src/modules/store/store.service';
import { createTag } from '../src/modules/tag/tag.service';

const BASE = process.env.BENCH_MYSQL_BASE_URL ?? 'mysql://root@127.0.0.1:3306';
const DB = 'o2o_bench_trace';

async function main() {
  const admin = await mysql.createConnection({ uri: BASE });
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
  await admin.query(`CREATE DATABASE ${DB} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const key = () => crypto.randomBytes(32).toString('base64');
  const emuSecret = crypto.randomBytes(16).toString('hex');
  const emulator = createEmulator({ appid: 'wxbench000000001', secret: emuSecret });
  const emu = await emulator.listen(0, '127.0.0.1');
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: `${BASE}/${DB}`,
    WECHAT_APPID: 'wxbench000000001',
    WECHAT_SECRET: emuSecret,
    WECHAT_API_BASE: emu.url,
    PII_KEY: key(),
    PII_INDEX_KEY: key(),
    TOKEN_SECRET: key(),
    COUPON_CODE_SECRET: key(),
  });
  const deps = await buildDeps(config, { log: createLogger('warn') });
  await deps.db.dataSource.runMigrations({ transaction: 'each' });
  const ctx: Ctx = backgroundCtx(deps, 'trace');
  const tag = await createTag(ctx, { name: '坚果', group: 'category' });
  const channel = await createTag(ctx, { name: '门店码', group: 'channel' });
  const store = await createStore(ctx, { name: '店' });
  for (const name of ['导购甲', '导购乙']) await createStaff(ctx, { name, role: 'clerk', storeId: store.id } as never);
  const { items: codes } = await batchQrCodes(ctx, { includeClerks: true }, { prefetchImages: false });
  for (const qr of codes) {
    for (const t of [tag, channel]) await scheduleQrCodeTag(ctx, qr.id, { tagId: t.id, validFrom: new Date(Date.now() - 86_400_000).toISOString() }, 0);
  }

  let lines: string[] = [];
  const logger: OrmLogger = {
    logQuery: (q) => void lines.push(q.replace(/\s+/g, ' ').slice(0, 220)),
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
  (deps.db.dataSource as unknown as { logger: OrmLogger }).logger = logger;
  const show = (title: string) => {
    process.stdout.write(`\n== ${title}: ${lines.length} statements\n${lines.map((l, i) => `${String(i + 1).padStart(3)} ${l}`).join('\n')}\n`);
    lines = [];
  };
  const login = (openid: string) => {
    const code = crypto.randomBytes(16).toString('hex');
    emulator.state.loginCodes.set(code, { openid, expiresAt: Date.now() + 60_000, used: false });
    return code;
  };
  const worker = new OutboxWorker(deps, { pollMs: 60_000 });
  registerHandlers(worker, deps);

  for (const [title, qr, openid] of [
    ['new fan, store code', codes[0], 'otrace_a'],
    ['new fan, clerk code', codes[1], 'otrace_b'],
    ['returning fan, same clerk code, same visit window', codes[1], 'otrace_b'],
    ['returning fan, another clerk code (new visit, binding protected)', codes[2], 'otrace_b'],
  ] as const) {
    await createAppSession(ctx, { code: login(openid), scene: buildScene(qr.code) });
    show(`session (${title})`);
    while ((await worker.runOnce()) > 0);
    show(`outbox worker after it`);
  }
  await deps.db.dataSource.destroy();
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
  await admin.end();
  await emulator.close();
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
