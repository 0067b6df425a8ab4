import fs from 'node:fs';
import path from 'node:path';
import 'reflect-metadata';
import { backgroundCtx } from '../context';
import { loadConfig } from '../config';
import { buildDeps } from '../deps';
import { startEmulator } from '../emulator';
import { CONSOLE_DIST, handleSignals, runServer } from '../main';
import { buildFrontEnd } from './front-ends';
import { demoManagerPassword, seedDemo } from '../seed/demo';
import { devEnv, devPayPlugin } from './dev-env';
import { printDemo } from './print-demo';

/**
 * `npm start`: the whole thing on one machine with nothing installed but Node. Embedded SQLite under
 * data/, migrations, the demo brand on first run, the WeChat emulator on its own port, the API (and the
 * H5 build at /h5/ when it has been built), then prints where everything is.
 */
async function main() {
  const { env, secrets, payKeys } = devEnv(process.env);
  const h5Origin = 'http://127.0.0.1:10086';
  const config = loadConfig(env);
  if (config.env === 'production') throw new Error('npm start is the development stack; run `node server/dist/src/main.js` in production');

  const emulator = await startEmulator({
    appid: config.wechat.appid,
    secret: config.wechat.secret ?? '',
    port: config.emulatorPort,
    host: '127.0.0.1',
    plugins: payKeys ? [devPayPlugin(payKeys)] : [],
  });
  const deps = await buildDeps(config);
  await deps.db.dataSource.runMigrations({ transaction: 'each' });
  const demo = await seedDemo(backgroundCtx(deps, 'seed'), { admin: secrets!.demoAdminPassword, marketer: secrets!.demoMarketerPassword });

  // The console and the H5 app are served from their builds. On a fresh clone the console (a few seconds) is built
  // before listening; the H5 app (about half a minute) builds in the background and is served once it is there.
  const h5Dir = path.resolve(__dirname, '../../../../miniapp/dist/h5');
  const consoleBuilt = fs.existsSync(path.join(CONSOLE_DIST, 'index.html')) || (await buildFrontEnd('console'));
  const h5Building = fs.existsSync(path.join(h5Dir, 'index.html')) ? null : buildFrontEnd('h5');
  const running = await runServer(config, { deps, h5Dir, consoleDir: CONSOLE_DIST, corsOrigins: [h5Origin] });
  handleSignals(running, () => emulator.close());

  const out = [
    '',
    `Console        ${consoleBuilt ? `${running.url}/console/` : '(build failed: npm run build:console)'}`,
    `H5 app         ${running.url}/h5/${h5Building ? '  (building now, ready in about a minute)' : ''}`,
    `API            ${running.url}  (db: ${config.database.kind === 'sqlite' ? config.database.file : 'mysql'})`,
    `WeChat emul.   ${emulator.url}  (WeChat Pay: ${payKeys ? `merchant ${payKeys.mchid}, pay with POST /__emulator/pay {prepayId}` : 'real merchant configured'})`,
    `Health         ${running.url}/healthz  ${running.url}/readyz`,
  ];
  void h5Building?.then((ok) => process.stdout.write(ok ? `H5 app built: ${running.url}/h5/\n` : 'H5 build failed: run npm run build:h5 to see why\n'));
  process.stdout.write(out.join('\n') + '\n');
  if (demo.created) process.stdout.write(printDemo(demo, running.url));
  else process.stdout.write(`Demo brand already seeded; console logins: admin / ${secrets!.demoAdminPassword}, marketer / ${secrets!.demoMarketerPassword}, store managers manager01…manager03 / ${demoManagerPassword(secrets!.demoAdminPassword)}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
