import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import 'reflect-metadata';
import { createApp, type AppOptions } from './app';
import { answerClientErrors } from './http/client-error';
import { loadConfig, type Config } from './config';
import type { Deps } from './context';
import { buildDeps } from './deps';
import { startWorkers, type Workers } from './events/workers';

export interface RunningServer {
  deps: Deps;
  server: http.Server;
  url: string;
  workers: Workers;
  /** Stops accepting, drains in-flight requests, stops workers, closes the database. Idempotent. */
  shutdown(reason: string): Promise<void>;
}

/** Boots one server process (`PROCESS_ROLE` all or api): dependencies, optional migrations, background work for the role, HTTP listener. */
export async function runServer(config: Readonly<Config>, opts: AppOptions & { migrate?: boolean; deps?: Deps } = {}): Promise<RunningServer> {
  if (config.role === 'worker') throw new Error('PROCESS_ROLE=worker runs no HTTP server: use runWorker');
  const deps = opts.deps ?? (await buildDeps(config));
  if (opts.migrate) await deps.db.dataSource.runMigrations({ transaction: 'each' });
  const workers = startWorkers(deps);
  const { app, health } = createApp(deps, opts);
  const server = http.createServer(app.callback());
  answerClientErrors(server);
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const addr = server.address() as { port: number };
  const url = `http://${config.host}:${addr.port}`;

  let closing: Promise<void> | null = null;
  /**
   * Graceful and bounded (hardening 9–10):
   *   1. not ready at once (/readyz 503) and every response says `Connection: close`, but requests are still served
   *      for SHUTDOWN_DRAIN_MS, so a load balancer stops sending before anything is refused or reset;
   *   2. stop accepting; requests in flight (and any already written to an open socket) are answered and their
   *      sockets end; after SHUTDOWN_TIMEOUT_MS the rest are cut;
   *   3. workers and the database stop within what is left of that budget — a transaction blocked on a lock cannot
   *      keep the process alive past drain + timeout.
   */
  const shutdown = (reason: string) =>
    (closing ??= (async () => {
      const { drainMs, shutdownTimeoutMs } = config.http;
      const deadline = Date.now() + drainMs + shutdownTimeoutMs;
      deps.log.info({ reason, drainMs, shutdownTimeoutMs }, 'shutting down: draining');
      health.shuttingDown = true;
      await sleep(drainMs);
      const force = setTimeout(() => server.closeAllConnections(), Math.max(0, deadline - Date.now()));
      force.unref();
      // net.Server's close, not http.Server's: since Node 19 the latter also closes "idle" connections at once, and a
      // connection whose request bytes have arrived but are not parsed yet counts as idle — that is how requests already
      // sent were reset. Here sockets end on their own: each answer says Connection: close, and an idle keep-alive
      // socket ends after keepAliveTimeout (or at the deadline).
      await new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
      clearTimeout(force);
      const stopped = await within(deadline, (async () => {
        await workers.stop();
        await deps.db.dataSource.destroy();
      })());
      deps.log.info({ clean: stopped }, stopped ? 'stopped' : 'stopped at the shutdown deadline (work still pending was abandoned)');
    })());
  return { deps, server, url, workers, shutdown };
}

export interface RunningWorker {
  deps: Deps;
  workers: Workers;
  shutdown(reason: string): Promise<void>;
}

/**
 * Boots a `PROCESS_ROLE=worker` process: outbox handlers and jobs, no HTTP listener (its liveness is the process;
 * its progress shows in the outbox and job tables).
 */
export async function runWorker(config: Readonly<Config>, opts: { deps?: Deps } = {}): Promise<RunningWorker> {
  if (config.role !== 'worker') throw new Error('runWorker needs PROCESS_ROLE=worker');
  const deps = opts.deps ?? (await buildDeps(config));
  const workers = startWorkers(deps);
  let closing: Promise<void> | null = null;
  const shutdown = (reason: string) =>
    (closing ??= (async () => {
      deps.log.info({ reason }, 'worker shutting down');
      const stopped = await within(Date.now() + config.http.shutdownTimeoutMs, (async () => {
        await workers.stop();
        await deps.db.dataSource.destroy();
      })());
      deps.log.info({ clean: stopped }, stopped ? 'stopped' : 'stopped at the shutdown deadline (work still pending was abandoned)');
    })());
  return { deps, workers, shutdown };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits for `work` until `deadline` (epoch ms): true when it finished, false when the deadline came first. */
async function within(deadline: number, work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([work.then(() => true as const, () => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The console build next to the server build (`server/console/dist`); served at /console/ once it exists. */
export const CONSOLE_DIST = path.resolve(__dirname, '../../console/dist');

/** Boots this process for its PROCESS_ROLE: `worker` → runWorker, `api` / `all` → runServer (with the console). */
export async function runProcess(config: Readonly<Config>): Promise<RunningServer | RunningWorker> {
  return config.role === 'worker' ? runWorker(config) : runServer(config, { migrate: false, consoleDir: CONSOLE_DIST });
}

/** Wires SIGTERM/SIGINT to a graceful shutdown; a second signal exits at once. */
export function handleSignals(running: { shutdown(reason: string): Promise<void> }, extra: () => Promise<void> = async () => {}): void {
  let signalled = false;
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.on(sig, () => {
      if (signalled) process.exit(1);
      signalled = true;
      Promise.all([running.shutdown(sig), extra()])
        .then(() => process.exit(0))
        .catch(() => process.exit(1));
    });
  }
}

// Production entry: `node server/dist/src/main.js` with the environment configured (see config/).
if (require.main === module) {
  (async () => {
    const config = loadConfig();
    const running = await runProcess(config);
    running.deps.log.info({ role: config.role, url: 'url' in running ? running.url : null, db: running.deps.db.dialect }, 'running');
    handleSignals(running);
  })().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
