import type { MigrationInterface, QueryRunner } from 'typeorm';

// Campaigns, clerk offers, inbox and subscribe quota. Generated from the entities for both dialects
// (schema builder on empty databases), reviewed by hand; the CHECK is added by hand for MySQL (TypeORM omits it).
const MYSQL_UP = [
  "CREATE TABLE `campaign` (`id` int NOT NULL AUTO_INCREMENT, `kind` varchar(16) NOT NULL, `name` varchar(64) NOT NULL, `status` varchar(16) NOT NULL, `segment_id` int NULL, `audience` text NOT NULL, `template_id` int NOT NULL, `message` text NOT NULL, `send_at` datetime(3) NULL, `holdout_percent` int NOT NULL DEFAULT '0', `cap_count` int NULL, `cap_days` int NULL, `report_window_days` int NOT NULL DEFAULT '14', `clerk_id` int NULL, `created_by` int NOT NULL, `request_key` varchar(64) NULL, `audience_count` int NOT NULL DEFAULT '0', `held_out_count` int NOT NULL DEFAULT '0', `excluded_no_consent` int NOT NULL DEFAULT '0', `batch_count` int NOT NULL DEFAULT '0', `started_at` datetime(3) NULL, `completed_at` datetime(3) NULL, `created_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `updated_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), INDEX `idx_campaign_clerk` (`clerk_id`, `id`), INDEX `idx_campaign_status` (`status`, `send_at`), UNIQUE INDEX `uq_campaign_request` (`created_by`, `request_key`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
  "CREATE TABLE `campaign_recipient` (`campaign_id` int NOT NULL, `customer_id` int NOT NULL, `batch_no` int NOT NULL, `held_out` tinyint NOT NULL, INDEX `idx_campaign_recipient_batch` (`campaign_id`, `batch_no`), PRIMARY KEY (`campaign_id`, `customer_id`)) ENGINE=InnoDB",
  "CREATE TABLE `campaign_batch` (`campaign_id` int NOT NULL, `batch_no` int NOT NULL, `status` varchar(8) NOT NULL, `owner` varchar(40) NULL, `lease_until` datetime(3) NULL, `enqueued_at` datetime(3) NULL, `attempts` int NOT NULL DEFAULT '0', INDEX `idx_campaign_batch_status` (`campaign_id`, `status`), PRIMARY KEY (`campaign_id`, `batch_no`)) ENGINE=InnoDB",
  "CREATE TABLE `campaign_delivery` (`id` int NOT NULL AUTO_INCREMENT, `campaign_id` int NOT NULL, `customer_id` int NOT NULL, `kind` varchar(16) NOT NULL, `status` varchar(12) NOT NULL, `reason` varchar(24) NULL, `coupon_id` int NULL, `subscribe_status` varchar(12) NOT NULL DEFAULT 'none', `at` datetime(3) NOT NULL, INDEX `idx_campaign_delivery_status` (`campaign_id`, `status`), INDEX `idx_campaign_delivery_customer` (`customer_id`, `at`), UNIQUE INDEX `uq_campaign_delivery` (`campaign_id`, `customer_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
  "CREATE TABLE `clerk_offer_template` (`template_id` int NOT NULL, `added_by` int NOT NULL, `created_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), PRIMARY KEY (`template_id`)) ENGINE=InnoDB",
  "CREATE TABLE `inbox_message` (`id` int NOT NULL AUTO_INCREMENT, `customer_id` int NOT NULL, `campaign_id` int NOT NULL, `title` varchar(40) NOT NULL, `body` varchar(500) NOT NULL, `coupon_id` int NULL, `read_at` datetime(3) NULL, `at` datetime(3) NOT NULL, INDEX `idx_inbox_customer` (`customer_id`, `id`), UNIQUE INDEX `uq_inbox_campaign` (`campaign_id`, `customer_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
  "CREATE TABLE `subscribe_quota` (`customer_id` int NOT NULL, `template_id` varchar(64) NOT NULL, `remaining` int NOT NULL DEFAULT '0', `updated_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), PRIMARY KEY (`customer_id`, `template_id`)) ENGINE=InnoDB",
  // Added by hand: the last guard against sending more subscribe messages than accepted.
  "ALTER TABLE `subscribe_quota` ADD CONSTRAINT `chk_subscribe_quota_nonneg` CHECK (`remaining` >= 0)",
];
const MYSQL_DOWN = [
  "ALTER TABLE `subscribe_quota` DROP CONSTRAINT `chk_subscribe_quota_nonneg`",
  "DROP TABLE `subscribe_quota`",
  "DROP INDEX `uq_inbox_campaign` ON `inbox_message`",
  "DROP INDEX `idx_inbox_customer` ON `inbox_message`",
  "DROP TABLE `inbox_message`",
  "DROP TABLE `clerk_offer_template`",
  "DROP INDEX `uq_campaign_delivery` ON `campaign_delivery`",
  "DROP INDEX `idx_campaign_delivery_customer` ON `campaign_delivery`",
  "DROP INDEX `idx_campaign_delivery_status` ON `campaign_delivery`",
  "DROP TABLE `campaign_delivery`",
  "DROP INDEX `idx_campaign_batch_status` ON `campaign_batch`",
  "DROP TABLE `campaign_batch`",
  "DROP INDEX `idx_campaign_recipient_batch` ON `campaign_recipient`",
  "DROP TABLE `campaign_recipient`",
  "DROP INDEX `uq_campaign_request` ON `campaign`",
  "DROP INDEX `idx_campaign_status` ON `campaign`",
  "DROP INDEX `idx_campaign_clerk` ON `campaign`",
  "DROP TABLE `campaign`",
];
const SQLITE_UP = [
  "CREATE TABLE \"campaign\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"kind\" varchar(16) NOT NULL, \"name\" varchar(64) NOT NULL, \"status\" varchar(16) NOT NULL, \"segment_id\" integer, \"audience\" text NOT NULL, \"template_id\" integer NOT NULL, \"message\" text NOT NULL, \"send_at\" datetime(3), \"holdout_percent\" integer NOT NULL DEFAULT (0), \"cap_count\" integer, \"cap_days\" integer, \"report_window_days\" integer NOT NULL DEFAULT (14), \"clerk_id\" integer, \"created_by\" integer NOT NULL, \"request_key\" varchar(64), \"audience_count\" integer NOT NULL DEFAULT (0), \"held_out_count\" integer NOT NULL DEFAULT (0), \"excluded_no_consent\" integer NOT NULL DEFAULT (0), \"batch_count\" integer NOT NULL DEFAULT (0), \"started_at\" datetime(3), \"completed_at\" datetime(3), \"created_at\" datetime(6) NOT NULL DEFAULT (datetime('now')), \"updated_at\" datetime(6) NOT NULL DEFAULT (datetime('now')), CONSTRAINT \"uq_campaign_request\" UNIQUE (\"created_by\", \"request_key\"))",
  "CREATE INDEX \"idx_campaign_clerk\" ON \"campaign\" (\"clerk_id\", \"id\") ",
  "CREATE INDEX \"idx_campaign_status\" ON \"campaign\" (\"status\", \"send_at\") ",
  "CREATE TABLE \"campaign_recipient\" (\"campaign_id\" integer NOT NULL, \"customer_id\" integer NOT NULL, \"batch_no\" integer NOT NULL, \"held_out\" boolean NOT NULL, PRIMARY KEY (\"campaign_id\", \"customer_id\"))",
  "CREATE INDEX \"idx_campaign_recipient_batch\" ON \"campaign_recipient\" (\"campaign_id\", \"batch_no\") ",
  "CREATE TABLE \"campaign_batch\" (\"campaign_id\" integer NOT NULL, \"batch_no\" integer NOT NULL, \"status\" varchar(8) NOT NULL, \"owner\" varchar(40), \"lease_until\" datetime(3), \"enqueued_at\" datetime(3), \"attempts\" integer NOT NULL DEFAULT (0), PRIMARY KEY (\"campaign_id\", \"batch_no\"))",
  "CREATE INDEX \"idx_campaign_batch_status\" ON \"campaign_batch\" (\"campaign_id\", \"status\") ",
  "CREATE TABLE \"campaign_delivery\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"campaign_id\" integer NOT NULL, \"customer_id\" integer NOT NULL, \"kind\" varchar(16) NOT NULL, \"status\" varchar(12) NOT NULL, \"reason\" varchar(24), \"coupon_id\" integer, \"subscribe_status\" varchar(12) NOT NULL DEFAULT ('none'), \"at\" datetime(3) NOT NULL, CONSTRAINT \"uq_campaign_delivery\" UNIQUE (\"campaign_id\", \"customer_id\"))",
  "CREATE INDEX \"idx_campaign_delivery_status\" ON \"campaign_delivery\" (\"campaign_id\", \"status\") ",
  "CREATE INDEX \"idx_campaign_delivery_customer\" ON \"campaign_delivery\" (\"customer_id\", \"at\") ",
  "CREATE TABLE \"clerk_offer_template\" (\"template_id\" integer PRIMARY KEY NOT NULL, \"added_by\" integer NOT NULL, \"created_at\" datetime(6) NOT NULL DEFAULT (datetime('now')))",
  "CREATE TABLE \"inbox_message\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"customer_id\" integer NOT NULL, \"campaign_id\" integer NOT NULL, \"title\" varchar(40) NOT NULL, \"body\" varchar(500) NOT NULL, \"coupon_id\" integer, \"read_at\" datetime(3), \"at\" datetime(3) NOT NULL, CONSTRAINT \"uq_inbox_campaign\" UNIQUE (\"campaign_id\", \"customer_id\"))",
  "CREATE INDEX \"idx_inbox_customer\" ON \"inbox_message\" (\"customer_id\", \"id\") ",
  "CREATE TABLE \"subscribe_quota\" (\"customer_id\" integer NOT NULL, \"template_id\" varchar(64) NOT NULL, \"remaining\" integer NOT NULL DEFAULT (0), \"updated_at\" datetime(6) NOT NULL DEFAULT (datetime('now')), CONSTRAINT \"chk_subscribe_quota_nonneg\" CHECK (remaining >= 0), PRIMARY KEY (\"customer_id\", \"template_id\"))",
];
const SQLITE_DOWN = [
  "DROP TABLE \"subscribe_quota\"",
  "DROP INDEX \"idx_inbox_customer\"",
  "DROP TABLE \"inbox_message\"",
  "DROP TABLE \"clerk_offer_template\"",
  "DROP INDEX \"idx_campaign_delivery_customer\"",
  "DROP INDEX \"idx_campaign_delivery_status\"",
  "DROP TABLE \"campaign_delivery\"",
  "DROP INDEX \"idx_campaign_batch_status\"",
  "DROP TABLE \"campaign_batch\"",
  "DROP INDEX \"idx_campaign_recipient_batch\"",
  "DROP TABLE \"campaign_recipient\"",
  "DROP INDEX \"idx_campaign_status\"",
  "DROP INDEX \"idx_campaign_clerk\"",
  "DROP TABLE \"campaign\"",
];

export class Campaigns1795389000001 implements MigrationInterface {
  name = 'Campaigns1795389000001';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of q.connection.driver.options.type !== 'better-sqlite3' ? MYSQL_UP : SQLITE_UP) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of q.connection.driver.options.type !== 'better-sqlite3' ? MYSQL_DOWN : SQLITE_DOWN) await q.query(sql);
  }
}
