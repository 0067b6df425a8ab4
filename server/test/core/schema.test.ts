import crypto from 'node:crypto';
import mysql from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import type { Config } from '../../src/config';
import { createDataSource } from '../../src/db/data-source';
import { MIGRATIONS } from '../../src/db/migrations';
import { dbTargets, type DbTarget } from '../helpers/harness';

/**
 * Migrations are the only source of schema: after all of them ran, TypeORM must find nothing to change
 * against the entities (on both dialects), and undoing them must leave nothing behind.
 */

const MYSQL_BASE = () => process.env.TEST_MYSQL_BASE_URL ?? 'mysql://root@127.0.0.1:3306';

async function withAdmin<T>(fn: (conn: mysql.Connection) => Promise<T>): Promise<T> {
  const conn = await mysql.createConnection({ uri: MYSQL_BASE() });
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

/** Every user object left in the database, except TypeORM's own migrations table. */
async function userObjects(ds: DataSource): Promise<string[]> {
  const rows: { name: string }[] =
    ds.options.type === 'better-sqlite3'
      ? await ds.query("SELECT name FROM sqlite_master WHERE type IN ('table', 'index', 'view', 'trigger') AND name NOT LIKE 'sqlite_%'")
      : await ds.query('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()');
  return rows.map((r) => r.name).filter((n) => n !== 'migrations').sort();
}

async function pendingSchemaChanges(ds: DataSource): Promise<string[]> {
  const log = await ds.driver.createSchemaBuilder().log();
  return log.upQueries.map((q) => q.query);
}

for (const target of dbTargets() as DbTarget[]) {
  describe(`migrations == entities [${target}]`, () => {
    let ds: DataSource;
    let dbName: string | null = null;

    beforeAll(async () => {
      let database: Config['database'] = { kind: 'sqlite', file: ':memory:' };
      if (target === 'mysql') {
        dbName = `o2o_schema_${crypto.randomBytes(5).toString('hex')}`;
        await withAdmin((c) => c.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`));
        database = { kind: 'mysql', url: `${MYSQL_BASE()}/${dbName}`, poolSize: 4 };
      }
      ds = await createDataSource(database);
      await ds.initialize();
    });

    afterAll(async () => {
      if (ds?.isInitialized) await ds.destroy();
      if (dbName) await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS \`${dbName}\``));
    });

    it('an empty database has every migration pending and the whole entity schema to create', async () => {
      expect(await ds.showMigrations()).toBe(true);
      expect(await userObjects(ds)).toEqual([]);
      expect((await pendingSchemaChanges(ds)).length).toBeGreaterThan(0);
    });

    it('after all migrations the entities have zero pending schema changes', async () => {
      const ran = await ds.runMigrations({ transaction: 'each' });
      expect(ran.map((m) => m.name)).toEqual(MIGRATIONS.map((M) => new M().name ?? M.name));
      expect(await ds.showMigrations()).toBe(false);
      expect(await pendingSchemaChanges(ds)).toEqual([]);
      // every entity has its table
      const tables = await userObjects(ds);
      for (const meta of ds.entityMetadatas) expect(tables).toContain(meta.tableName);
    });

    it('undoing every migration leaves no tables (nor indexes) behind', async () => {
      for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'each' });
      expect(await userObjects(ds)).toEqual([]);
      expect(await ds.query('SELECT COUNT(*) AS n FROM migrations')).toEqual([{ n: 0 }]);
      expect(await ds.showMigrations()).toBe(true);
    });

    it('migrations re-apply cleanly after a full undo and still match the entities', async () => {
      await ds.runMigrations({ transaction: 'each' });
      expect(await pendingSchemaChanges(ds)).toEqual([]);
    });
  });
}
