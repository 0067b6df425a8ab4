import { fork, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon');

/** What the benches share: ports, child servers, the load generator. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

/**
 * Forks a server script that signals readiness over IPC. BENCH_PROFILE=dir writes a V8 CPU profile of the
 * child there on a clean exit (open it in Chrome DevTools).
 */
export function spawnReady(file: string, env: Record<string, string>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const execArgv = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
    const child = fork(file, [], { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${path.basename(file)} exited ${code}`)));
  });
}

export async function waitHttp(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

/** One autocannon run as a promise. */
export function run(opts: object): Promise<any> {
  return new Promise((resolve, reject) => autocannon(opts, (err: Error | null, res: any) => (err ? reject(err) : resolve(res))));
}
