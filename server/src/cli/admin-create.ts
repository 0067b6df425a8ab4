import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { backgroundCtx } from '../context';
import { loadConfig } from '../config';
import { buildDeps } from '../deps';
import { createConsoleAdmin } from '../modules/staff/staff.service';
import { devEnv } from './dev-env';

/** `npm run admin:create -- --username U --password P`: creates a console admin (scrypt-hashed password). */
async function main() {
  const { values } = parseArgs({ options: { username: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } } });
  if (!values.username || !values.password) throw new Error('usage: npm run admin:create -- --username U --password P');
  if (values.password.length < 10) throw new Error('password must be at least 10 characters');
  const config = loadConfig({ LOG_LEVEL: 'warn', ...devEnv(process.env).env });
  const deps = await buildDeps(config);
  try {
    await deps.db.dataSource.runMigrations({ transaction: 'each' });
    const staff = await createConsoleAdmin(backgroundCtx(deps, 'admin-create'), values.username, values.password, values.name);
    process.stdout.write(`created admin #${staff.id} ${staff.username}\n`);
  } finally {
    await deps.db.dataSource.destroy();
  }
}
main().catch((err) => {
  process.stderr.write(`${err?.code === 'USERNAME_TAKEN' ? 'username is taken' : err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
