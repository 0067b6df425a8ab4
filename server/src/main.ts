import http from 'node:http';
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

/** Boots one server process: dependencies, optional migrations, outbox worker, HTTP listener. */
export async function runServer(config: Readonly<Config>, opts: AppOptions & { migrate?: boolean; deps?: Deps } = {}): Promise<RunningServer> {
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
    const running = await runServer(config, { migrate: false });
    running.deps.log.info({ url: running.url, db: running.deps.db.dialect }, 'listening');
    handleSignals(running);
  })().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
