import 'reflect-metadata';
import { loadConfig } from '../src/config';
import { handleSignals, runProcess } from '../src/main';

/** The production server (or a PROCESS_ROLE=worker process) as a child process for benchmarks: signals readiness over IPC. */
(async () => {
  const running = await runProcess(loadConfig());
  handleSignals(running);
  process.send?.('ready');
})().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
