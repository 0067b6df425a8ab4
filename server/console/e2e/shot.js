#!/usr/bin/env node
/**
 * One-off screenshot of a console page, for whoever is building it:
 *
 *   node server/console/e2e/shot.js <path>[,<path>…] [admin|marketer|manager] [--click <testid>]… [--no-data]
 *                                   [--no-server-build]
 *   e.g. node server/console/e2e/shot.js /stores
 *        node server/console/e2e/shot.js /stores,/staff manager
 *        node server/console/e2e/shot.js /stores admin --click stores-import-button
 *
 * Builds the server (tsc -b; a type error elsewhere in the tree only warns while tsc still emits) and the console
 * into a private directory (others may be rebuilding server/console/dist at the same moment), boots the stack
 * on a fresh database (MariaDB when reachable, else SQLite) with the demo brand plus one member customer with a
 * paid order (--no-data: without), signs in as the role (manager: a store manager of 小食光·光谷店 with a console
 * password, created through the API unless the seed has one), opens /console/<path>, waits for the network to
 * be quiet, clicks the given test ids in order, and saves a 1440×900 full-page PNG under
 * server/console/dist/shots/. Prints each PNG's path, then any page error, console error or HTTP error the
 * page met (exit 1 if there were any). --no-server-build reuses server/dist (the console is still built: ~4 s);
 * E2E_SKIP_BUILD=1 skips both builds (uses server/dist and server/console/dist as they are).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const lib = require('./lib');

const SHOTS = path.join(lib.CONSOLE_DIST, 'shots');

function parseArgs(argv) {
  const args = { paths: [], role: 'admin', clicks: [], data: true, serverBuild: true };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--click') args.clicks.push(argv[++i]);
    else if (a === '--no-data') args.data = false;
    else if (a === '--no-server-build') args.serverBuild = false;
    else if (a === '-h' || a === '--help') args.help = true;
    else rest.push(a);
  }
  if (rest[0]) args.paths = rest[0].split(',').filter(Boolean);
  if (rest[1]) args.role = rest[1];
  return args;
}

/** The store manager login: the seed's when it has one, otherwise one made through the staff API. */
async function managerLogin(stack) {
  const seeded = (stack.demo.managerLogins || []).find((l) => l.storeCode === stack.demo.stores[0].storeCode);
  if (seeded) return { username: seeded.username, password: seeded.password };
  const admin = await lib.staffApi(stack, stack.logins.admin);
  const store = stack.demo.stores[0];
  const creds = { username: 'e2e-manager', password: 'e2e-manager-password' };
  await admin.post('/staff', { name: '光谷店长', role: 'store_manager', storeId: store.id, ...creds });
  return creds;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.help || args.paths.length === 0) {
    process.stdout.write(fs.readFileSync(__filename, 'utf8').split('*/')[0].replace(/^#!.*\n\/\*\*?/, '').replace(/^ \* ?/gm, ''));
    process.exit(args.help ? 0 : 2);
  }
  if (!['admin', 'marketer', 'manager'].includes(args.role)) throw new Error(`role must be admin, marketer or manager (got ${args.role})`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'o2o-console-shot-'));
  const consoleDir = process.env.E2E_SKIP_BUILD === '1' ? lib.CONSOLE_DIST : path.join(tmp, 'console');
  lib.build({ consoleOutDir: consoleDir, tolerant: true, server: args.serverBuild });
  const stack = await lib.startStack({ consoleDir });
  let browser;
  let failed = false;
  try {
    lib.log(`stack up in ${(stack.bootMs / 1000).toFixed(1)} s on ${stack.db}: ${stack.consoleUrl}`);
    if (args.data) {
      const c = await lib.makeCustomer(stack, { qrCode: stack.demo.stores[0].qrCode, order: [{ sku: 'NUT-002', quantity: 2 }, { sku: 'MEAT-001', quantity: 1 }] });
      lib.log(`member ${lib.maskPhone(c.phone)} with paid order ${c.order.outTradeNo} (¥${(c.order.payableFen / 100).toFixed(2)})`);
    }
    const creds = args.role === 'manager' ? await managerLogin(stack) : stack.logins[args.role];
    browser = await lib.launchBrowser();
    const op = await lib.operator(browser, stack, args.role);
    await lib.loginWithToken(op, stack, creds);
    fs.mkdirSync(SHOTS, { recursive: true });
    for (const p of args.paths) {
      await op.open(p);
      for (const id of args.clicks) {
        await op.testid(id).first().click();
        await op.settle();
      }
      const slug = `${args.role}${p.replace(/[^A-Za-z0-9]+/g, '-')}`.replace(/-+$/, '');
      const file = await lib.shot(op, slug, { dir: SHOTS, numbered: false });
      process.stdout.write(`${file}\n`);
    }
    if (op.problems.length) {
      failed = true;
      process.stdout.write(`\nthe page reported problems:\n  ${op.problems.join('\n  ')}\n`);
    }
  } finally {
    if (browser) await browser.close();
    await stack.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  process.stderr.write(`\n[shot] FAILED: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
