import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { backgroundCtx } from '../context';
import { loadConfig } from '../config';
import { buildDeps } from '../deps';
import { rebuildQrCodeStats } from '../modules/qr-code/qr-stats';
import { devEnv } from './dev-env';

/**
 * `npm run qr:stats-rebuild [-- --chunk 2000]`: recomputes every code's figures (qr_code_stat) from scan_event,
 * customer and orders, one transaction per chunk of code ids (see rebuildQrCodeStats). For repairs after a bug,
 * a restore or a manual data fix; the figures are otherwise kept current by the outbox handler. Exact for events
 * already handled: run it with the outbox quiet (workers stopped, or at a quiet hour), or run it again once quiet.
 * Uses the same environment as the server (DATABASE_URL …); in development the generated dev environment.
 */
async function main() {
  const { values } = parseArgs({ options: { chunk: { type: 'string' } } });
  const chunk = values.chunk ? Number(values.chunk) : undefined;
  if (chunk !== undefined && (!Number.isInteger(chunk) || chunk < 1 || chunk > 100_000)) throw new Error('--chunk must be an integer between 1 and 100000');
  const config = loadConfig({ LOG_LEVEL: 'warn', ...devEnv(process.env).env });
  const deps = await buildDeps(config);
  try {
    await deps.db.dataSource.runMigrations({ transaction: 'each' });
    const t0 = Date.now();
    const res = await rebuildQrCodeStats(backgroundCtx(deps, 'qr-stats-rebuild'), {
      chunk,
      onChunk: (done) => process.stdout.write(`  ${done.toLocaleString()} codes…\n`),
    });
    process.stdout.write(`qr_code_stat rebuilt: ${res.codes.toLocaleString()} codes in ${res.chunks} chunks, ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  } finally {
    await deps.db.dataSource.destroy();
  }
}
main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
