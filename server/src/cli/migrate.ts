import 'reflect-metadata';
import { loadConfig } from '../config';
import { createDataSource } from '../db/data-source';
import { devEnv } from './dev-env';

/** `npm run db:migrate`: applies pending migrations to DATABASE_URL (each in its own transaction). */
async function main() {
  const config = loadConfig(devEnv(process.env).env);
  const ds = await createDataSource(config.database);
  await ds.initialize();
  const applied = await ds.runMigrations({ transaction: 'each' });
  process.stdout.write(applied.length ? `applied: ${applied.map((m) => m.name).join(', ')}\n` : 'database is up to date\n');
  await ds.destroy();
}
main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
