/**
 * Decides which databases the DB suites run on and prepares them.
 * - SQLite always (in memory, per suite).
 * - MySQL/MariaDB at TEST_DATABASE_URL (default mysql://root@127.0.0.1:3306/o2o_test) when reachable.
 *   With CI=true an unreachable MySQL fails the run instead of being skipped.
 * The result goes to workers through TEST_DB_TARGETS ("sqlite,mysql").
 */
const mysql = require('mysql2/promise');

module.exports = async function globalSetup() {
  const url = new URL(process.env.TEST_DATABASE_URL || 'mysql://root@127.0.0.1:3306/o2o_test');
  const dbName = url.pathname.replace(/^\//, '') || 'o2o_test';
  const targets = ['sqlite'];
  try {
    const conn = await mysql.createConnection({
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username || 'root'),
      password: decodeURIComponent(url.password || ''),
      connectTimeout: 3000,
    });
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await conn.end();
    targets.push('mysql');
    process.env.TEST_MYSQL_BASE_URL = `${url.protocol}//${url.username || 'root'}${url.password ? ':' + url.password : ''}@${url.hostname}:${url.port || 3306}`;
  } catch (err) {
    const msg = `MySQL/MariaDB not reachable at ${url.hostname}:${url.port || 3306} (${err.code || err.message})`;
    if (process.env.CI === 'true') throw new Error(`${msg}; CI=true requires it`);
    const bar = '!'.repeat(78);
    process.stderr.write(`\n${bar}\n!! ${msg}\n!! SKIPPING every MySQL variant of the DB suites; they ran on SQLite only.\n${bar}\n\n`);
  }
  process.env.TEST_DB_TARGETS = targets.join(',');
};
