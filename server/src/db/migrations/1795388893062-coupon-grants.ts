import type { MigrationInterface, QueryRunner } from 'typeorm';

// Coupons part 2: QR-scan coupon schedules and the revocation audit on the coupon.
// DDL as scripts/write-migration.ts derives it from the entities; SQLite adds the nullable columns by ALTER TABLE
// (no table rebuild needed for nullable columns without constraints).
const MYSQL_UP = [
  "CREATE TABLE `qr_code_coupon` (`id` int NOT NULL AUTO_INCREMENT, `qr_code_id` int NOT NULL, `template_id` int NOT NULL, `valid_from` datetime(3) NOT NULL, `valid_to` datetime(3) NULL, `created_by` int NULL, `created_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), INDEX `idx_qr_code_coupon_code_from` (`qr_code_id`, `valid_from`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
  "ALTER TABLE `coupon` ADD `revoked_at` datetime(3) NULL",
  "ALTER TABLE `coupon` ADD `revoked_by` int NULL",
  "ALTER TABLE `coupon` ADD `revoke_reason` varchar(80) NULL",
];
const MYSQL_DOWN = [
  "ALTER TABLE `coupon` DROP COLUMN `revoke_reason`",
  "ALTER TABLE `coupon` DROP COLUMN `revoked_by`",
  "ALTER TABLE `coupon` DROP COLUMN `revoked_at`",
  "DROP INDEX `idx_qr_code_coupon_code_from` ON `qr_code_coupon`",
  "DROP TABLE `qr_code_coupon`",
];
const SQLITE_UP = [
  "CREATE TABLE \"qr_code_coupon\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"qr_code_id\" integer NOT NULL, \"template_id\" integer NOT NULL, \"valid_from\" datetime(3) NOT NULL, \"valid_to\" datetime(3), \"created_by\" integer, \"created_at\" datetime(6) NOT NULL DEFAULT (datetime('now')))",
  "CREATE INDEX \"idx_qr_code_coupon_code_from\" ON \"qr_code_coupon\" (\"qr_code_id\", \"valid_from\") ",
  "ALTER TABLE \"coupon\" ADD COLUMN \"revoked_at\" datetime(3)",
  "ALTER TABLE \"coupon\" ADD COLUMN \"revoked_by\" integer",
  "ALTER TABLE \"coupon\" ADD COLUMN \"revoke_reason\" varchar(80)",
];
const SQLITE_DOWN = [
  "ALTER TABLE \"coupon\" DROP COLUMN \"revoke_reason\"",
  "ALTER TABLE \"coupon\" DROP COLUMN \"revoked_by\"",
  "ALTER TABLE \"coupon\" DROP COLUMN \"revoked_at\"",
  "DROP INDEX \"idx_qr_code_coupon_code_from\"",
  "DROP TABLE \"qr_code_coupon\"",
];

export class CouponGrants1795388893062 implements MigrationInterface {
  name = 'CouponGrants1795388893062';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of q.connection.driver.options.type !== 'better-sqlite3' ? MYSQL_UP : SQLITE_UP) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of q.connection.driver.options.type !== 'better-sqlite3' ? MYSQL_DOWN : SQLITE_DOWN) await q.query(sql);
  }
}
