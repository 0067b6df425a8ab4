import { loadConfig } from '../config';
import { startEmulator } from '../emulator';
import { devEnv, devPayPlugin } from './dev-env';

/** `npm run emulator`: the WeChat emulator alone, on EMULATOR_PORT. Development only. */
async function main() {
  const { env, payKeys } = devEnv(process.env);
  const config = loadConfig(env);
  if (config.env === 'production') throw new Error('the WeChat emulator never runs in production');
  const emu = await startEmulator({ appid: config.wechat.appid, secret: config.wechat.secret ?? '', port: config.emulatorPort, plugins: payKeys ? [devPayPlugin(payKeys)] : [] });
  process.stdout.write(`WeChat emulator on ${emu.url} (appid ${config.wechat.appid})\n`);
  const stop = () => emu.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
