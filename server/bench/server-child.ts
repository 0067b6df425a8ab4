import 'reflect-metadata';
import { loadConfig } from '../src/config';
import { handleSignals, runServer } from '../src/main';

/** The production server as a child process for benchmarks: signals readiness over IPC. */
(async () => {
  const running = await runServer(loadConfig());
  handleSignals(running);
  process.send?.('ready');
})().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
