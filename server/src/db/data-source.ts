import fs from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { Config } from '../config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { SnakeNamingStrategy } from './naming';
import { cacheMysql2PromiseWrapper } from './mysql2-promise';

/**
 * TypeORM needs to know MariaDB from MySQL (they report column defaults differently, which otherwise shows
 * up as schema drift). `mariadb://` says so; for `mysql://` we ask the server once at boot.
 */
export async function detectMysqlFlavor(url: string): Promise<'mysql' | 'mariadb'> {
  if (url.startsWith('mariadb://')) return 'mariadb';
  const conn = await mysql.createConnection({ uri: url.replace(/^mysql:/, 'mysql:'), connectTimeout: 5000 });
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    return /mariadb/i.test(String((rows as { v: string }[])[0]?.v)) ? 'mariadb' : 'mysql';
  } finally {
    await conn.end();
  }
}

/** TypeORM DataSource for MySQL/MariaDB (mysql2) or embedded SQLite (better-sqlite3). Schema only by migrations. */
export async function createDataSource(database: Config['database']): Promise<DataSource> {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    logging: false,
  } satisfies Partial<DataSourceOptions>;

  if (database.kind === 'mysql') {
    cacheMysql2PromiseWrapper();
    return new DataSource({
      ...common,
      type: await detectMysqlFlavor(database.url),
      url: database.url.replace(/^mariadb:/, 'mysql:'),
      // Everything is stored and compared in UTC; the API renders offsets.
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
      poolSize: database.poolSize,
      // trace: false — mysql2 would capture a stack trace on every query (5–8 % of the server thread on hot paths).
      extra: { connectionLimit: database.poolSize, connectTimeout: 5000, waitForConnections: true, queueLimit: 0, trace: false },
      supportBigNumbers: true,
      bigNumberStrings: false,
    });
  }
  if (database.file !== ':memory:') fs.mkdirSync(path.dirname(database.file), { recursive: true });
  return new DataSource({
    ...common,
    type: 'better-sqlite3',
    database: database.file,
    // WAL lets readers (e.g. a second process) proceed while a writer commits.
    prepareDatabase: (db: { pragma(s: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
    },
  });
}
