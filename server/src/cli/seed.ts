import 'reflect-metadata';
import { backgroundCtx } from '../context';
import { loadConfig } from '../config';
import { buildDeps } from '../deps';
import { seedDemo } from '../seed/demo';
import { devEnv } from './dev-env';
import { printDemo } from './print-demo';

/** `npm run db:seed`: migrates and adds the demo brand to DATABASE_URL (once). */
async function main() {
  const { env, secrets } = devEnv(process.env);
  const config = loadConfig({ LOG_LEVEL: 'warn', ...env });
  const deps = await buildDeps(config);
  try {
    await deps.db.dataSource.runMigrations({ transaction: 'each' });
    const summary = await seedDemo(backgroundCtx(deps, 'seed'), {
      admin: secrets?.demoAdminPassword ?? requirePassword('DEMO_ADMIN_PASSWORD'),
      marketer: secrets?.demoMarketerPassword ?? requirePassword('DEMO_MARKETER_PASSWORD'),
    });
    process.stdout.write(summary.created ? printDemo(summary, config.publicBaseUrl) : 'demo brand already present; nothing changed\n');
  } finally {
    await deps.db.dataSource.destroy();
  }
}
function requirePassword(name: string): string {
  const v = process.env[name];
  if (!v || v.length < 10) throw new Error(`${name} (>= 10 chars) is required to seed outside development`);
  return v;
}
main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
