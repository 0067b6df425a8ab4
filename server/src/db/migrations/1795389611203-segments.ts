import type { MigrationInterface, QueryRunner } from 'typeorm';

// Generated from the entities (scripts/write-migration.ts output, segment tables only) for both dialects; reviewed by hand.
const MYSQL_UP = [
  "CREATE TABLE `segment` (`id` int NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL, `description` varchar(500) NULL, `rule` text NOT NULL, `created_by` int NULL, `created_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `updated_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), PRIMARY KEY (`id`)) ENGINE=InnoDB",
  "CREATE TABLE `segment_export` (`id` int NOT NULL AUTO_INCREMENT, `segment_id` int NOT NULL, `status` varchar(16) NOT NULL, `rule` text NOT NULL, `as_of` datetime(3) NOT NULL, `total` int NULL, `processed` int NOT NULL DEFAULT '0', `chunk_count` int NOT NULL DEFAULT '0', `lease_until` datetime(3) NULL, `error` varchar(255) NULL, `requested_by` int NULL, `created_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `finished_at` datetime(3) NULL, INDEX `idx_segment_export_status` (`status`, `lease_until`), INDEX `idx_segment_export_segment` (`segment_id`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
  "CREATE TABLE `segment_export_chunk` (`export_id` int NOT NULL, `chunk_no` int NOT NULL, `data` text NOT NULL, PRIMARY KEY (`export_id`, `chunk_no`)) ENGINE=InnoDB",
];
const MYSQL_DOWN = [
  "DROP TABLE `segment_export_chunk`",
  "DROP INDEX `idx_segment_export_segment` ON `segment_export`",
  "DROP INDEX `idx_segment_export_status` ON `segment_export`",
  "DROP TABLE `segment_export`",
  "DROP TABLE `segment`",
];
const SQLITE_UP = [
  "CREATE TABLE \"segment\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"name\" varchar(64) NOT NULL, \"description\" varchar(500), \"rule\" text NOT NULL, \"created_by\" integer, \"created_at\" datetime(6) NOT NULL DEFAULT (datetime('now')), \"updated_at\" datetime(6) NOT NULL DEFAULT (datetime('now')))",
  "CREATE TABLE \"segment_export\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"segment_id\" integer NOT NULL, \"status\" varchar(16) NOT NULL, \"rule\" text NOT NULL, \"as_of\" datetime(3) NOT NULL, \"total\" integer, \"processed\" integer NOT NULL DEFAULT (0), \"chunk_count\" integer NOT NULL DEFAULT (0), \"lease_until\" datetime(3), \"error\" varchar(255), \"requested_by\" integer, \"created_at\" datetime(6) NOT NULL DEFAULT (datetime('now')), \"finished_at\" datetime(3))",
  "CREATE INDEX \"idx_segment_export_status\" ON \"segment_export\" (\"status\", \"lease_until\") ",
  "CREATE INDEX \"idx_segment_export_segment\" ON \"segment_export\" (\"segment_id\", \"id\") ",
  "CREATE TABLE \"segment_export_chunk\" (\"export_id\" integer NOT NULL, \"chunk_no\" integer NOT NULL, \"data\" text NOT NULL, PRIMARY KEY (\"export_id\", \"chunk_no\"))",
];
const SQLITE_DOWN = [
  "DROP TABLE \"segment_export_chunk\"",
  "DROP INDEX \"idx_segment_export_segment\"",
  "DROP INDEX \"idx_segment_export_status\"",
  "DROP TABLE \"segment_export\"",
  "DROP TABLE \"segment\"",
];

export class Segments1795389611203 implements MigrationInterface {
  name = 'Segments1795389611203';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of q.connection.driver.options.type !== 'better-sqlite3' ? MYSQL_UP : SQLITE_UP) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of q.connection.driver.options.type !== 'better-sqlite3' ? MYSQL_DOWN : SQLITE_DOWN) await q.query(sql);
  }
}
