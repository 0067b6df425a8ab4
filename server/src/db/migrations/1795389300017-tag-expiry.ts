import type { MigrationInterface, QueryRunner } from 'typeorm';

// Written by hand (one index): the tag expiry job finds due rows by `expires_at` without scanning customer_tag.
const MYSQL_UP = ['CREATE INDEX `idx_customer_tag_expires` ON `customer_tag` (`expires_at`)'];
const MYSQL_DOWN = ['DROP INDEX `idx_customer_tag_expires` ON `customer_tag`'];
const SQLITE_UP = ['CREATE INDEX "idx_customer_tag_expires" ON "customer_tag" ("expires_at") '];
const SQLITE_DOWN = ['DROP INDEX "idx_customer_tag_expires"'];

export class TagExpiry1795389300017 implements MigrationInterface {
  name = 'TagExpiry1795389300017';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of q.connection.driver.options.type !== 'better-sqlite3' ? MYSQL_UP : SQLITE_UP) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of q.connection.driver.options.type !== 'better-sqlite3' ? MYSQL_DOWN : SQLITE_DOWN) await q.query(sql);
  }
}
