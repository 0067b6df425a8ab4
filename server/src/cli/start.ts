import fs from 'node:fs';
import path from 'node:path';
import 'reflect-metadata';
import { backgroundCtx } from '../context';
import { loadConfig } from '../config';
import { buildDeps } from '../deps';
import { startEmulator } from '../emulator';
import { handleSignals, runServer } from '../main';
import { seedDemo } from '../seed/demo';
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

  const h5Dir = path.resolve(__dirname, '../../../../miniapp/dist/h5');
  const running = await runServer(config, { deps, h5Dir: fs.existsSync(h5Dir) ? h5Dir : undefined, corsOrigins: [h5Origin] });
  handleSignals(running, () => emulator.close());

  const out = [
    '',
    `API            ${running.url}  (db: ${config.database.kind === 'sqlite' ? config.database.file : 'mysql'})`,
    `WeChat emul.   ${emulator.url}  (WeChat Pay: ${payKeys ? `merchant ${payKeys.mchid}, pay with POST /__emulator/pay {prepayId}` : 'real merchant configured'})`,
    `H5 app         ${fs.existsSync(h5Dir) ? `${running.url}/h5/` : '(not built: npm run build:h5)'}`,
    `Health         ${running.url}/healthz  ${running.url}/readyz`,
  ];
  process.stdout.write(out.join('\n') + '\n');
  if (demo.created) process.stdout.write(printDemo(demo, running.url));
  else process.stdout.write(`Demo brand already seeded; console logins: admin / ${secrets!.demoAdminPassword}, marketer / ${secrets!.demoMarketerPassword}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
