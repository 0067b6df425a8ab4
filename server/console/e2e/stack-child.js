/**
 * The console's test stack in one child process, from the server's BUILD (server/dist): what `npm start` does
 * (server/src/cli/start.ts) with two differences a test needs: the console directory is given (E2E_CONSOLE_DIR: the
 * one-off screenshot tool serves a private build so engineers rebuilding at the same time do not pull the files
 * from under each other) and the demo passwords come from the parent (E2E_ADMIN_PASSWORD, E2E_MARKETER_PASSWORD).
 *
 * Forked by lib.js with IPC. It prints nothing to stdout until ready, then sends {type: 'ready', …} with the demo
 * summary. It answers {type: 'sql', id, sql, params} with the rows (the harness uses it to revoke a session on the
 * server, as a password reset does, without depending on a page) and exits on SIGTERM like the server does.
 */
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..', '..');
const DIST = path.join(REPO, 'server', 'dist', 'src');
const fromServer = (m) => require(require.resolve(m, { paths: [path.join(REPO, 'server')] }));

async function main() {
  fromServer('reflect-metadata');
  const { loadConfig } = require(path.join(DIST, 'config'));
  const { buildDeps } = require(path.join(DIST, 'deps'));
  const { backgroundCtx } = require(path.join(DIST, 'context'));
  const { startEmulator } = require(path.join(DIST, 'emulator'));
  const { runServer, handleSignals } = require(path.join(DIST, 'main'));
  const { seedDemo } = require(path.join(DIST, 'seed', 'demo'));
  const { devEnv, devPayPlugin } = require(path.join(DIST, 'cli', 'dev-env'));

  // devEnv fills what the parent did not set (the emulator's throw-away WeChat Pay merchant, as npm start does).
  const { env, payKeys } = devEnv(process.env);
  const config = loadConfig(env);
  const emulator = await startEmulator({
    appid: config.wechat.appid,
    secret: config.wechat.secret ?? '',
    port: config.emulatorPort,
    host: '127.0.0.1',
    plugins: payKeys ? [devPayPlugin(payKeys)] : [],
  });
  const deps = await buildDeps(config);
  await deps.db.dataSource.runMigrations({ transaction: 'each' });
  const demo = await seedDemo(backgroundCtx(deps, 'seed'), { admin: process.env.E2E_ADMIN_PASSWORD, marketer: process.env.E2E_MARKETER_PASSWORD });
  const consoleDir = process.env.E2E_CONSOLE_DIR;
  const h5Dir = process.env.E2E_H5_DIR || undefined;
  const running = await runServer(config, { deps, consoleDir, h5Dir });
  handleSignals(running, () => emulator.close());

  process.on('message', async (msg) => {
    if (!msg || msg.type !== 'sql') return;
    try {
      const rows = await deps.db.dataSource.query(msg.sql, msg.params || []);
      process.send({ type: 'sql', id: msg.id, rows });
    } catch (err) {
      process.send({ type: 'sql', id: msg.id, error: String((err && err.message) || err) });
    }
  });
  process.send({ type: 'ready', url: running.url, emulator: emulator.url, db: config.database.kind, demo });
}

main().catch((err) => {
  process.stderr.write(`${(err && err.stack) || err}\n`);
  process.exit(1);
});
