import http from 'node:http';
import path from 'node:path';
import 'reflect-metadata';
import { createApp, type AppOptions } from './app';
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
  const shutdown = (reason: string) =>
    (closing ??= (async () => {
      deps.log.info({ reason }, 'shutting down');
      health.shuttingDown = true;
      const force = setTimeout(() => server.closeAllConnections(), config.http.shutdownTimeoutMs);
      force.unref();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      clearTimeout(force);
      await workers.stop();
      await deps.db.dataSource.destroy();
      deps.log.info('stopped');
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
      await workers.stop();
      await deps.db.dataSource.destroy();
      deps.log.info('stopped');
    })());
  return { deps, workers, shutdown };
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
