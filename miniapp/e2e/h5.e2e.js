#!/usr/bin/env node
/**
 * H5 end-to-end: the consumer's journey in Debian Chromium (playwright-core) against a real stack.
 *
 *   npm run test:e2e -w @o2o/miniapp        (CI: CI=true, after apt-get install chromium fonts-wqy-microhei)
 *
 * 1. Builds the server (tsc -b) and the H5 app when it is older than its sources (E2E_SKIP_BUILD=1: reuse).
 * 2. Boots `node server/dist/src/cli/start.js` (what `npm start` runs) on free ports with a throwaway
 *    SQLite file and throwaway secrets: migrations, the demo brand, the WeChat emulator, the API, and the
 *    H5 build at /h5/ on the API's origin. Store and clerk codes are read from the demo summary it prints.
 * 3. Stack check over HTTP (no browser): health, the H5 assets, and the same journey through the API.
 * 4. In Chromium: opens the entry URL with a store scene, logs in through the emulator, binds a phone,
 *    sees 1000 points and the welcome entry in the ledger, prices a member cart on the menu, then binds the
 *    store manager on the clerk pages and finds the new member in the store's customers.
 *
 * Without /usr/bin/chromium (or CHROMIUM_PATH) the browser part is skipped with a loud message, unless
 * CI=true, where that is a failure. Screenshots go to miniapp/dist/e2e/.
 */
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { ensureFreshBuild } = require('../scripts/fresh-build');

const REPO = path.resolve(__dirname, '..', '..');
const ARTIFACTS = path.resolve(__dirname, '..', 'dist', 'e2e');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
const STEP_TIMEOUT = 20_000;

const log = (msg) => process.stdout.write(`[e2e] ${msg}\n`);

function banner(lines) {
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const bar = '!'.repeat(width);
  process.stdout.write(`\n${bar}\n${lines.map((l) => `! ${l.padEnd(width - 4)} !`).join('\n')}\n${bar}\n\n`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function build() {
  if (process.env.E2E_SKIP_BUILD === '1') {
    log('E2E_SKIP_BUILD=1: using the existing server and H5 builds');
    return;
  }
  log('building the server (tsc -b)');
  const res = spawnSync('npm', ['run', 'build:server', '--silent'], { cwd: REPO, stdio: 'inherit' });
  if (res.status !== 0) throw new Error('npm run build:server failed');
  const h5 = ensureFreshBuild('h5', { log });
  log(`H5 build ${h5.built ? 'rebuilt' : 'is fresh'}`);
}

/** Starts the dev stack on free ports; resolves with its URLs and the demo codes it printed. */
async function startStack(tmp) {
  const [port, emulatorPort] = [await freePort(), await freePort()];
  const key = () => crypto.randomBytes(32).toString('base64');
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    EMULATOR_PORT: String(emulatorPort),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: `sqlite:${path.join(tmp, 'o2o.db')}`,
    LOG_LEVEL: 'warn',
    PII_KEY: key(),
    PII_INDEX_KEY: key(),
    TOKEN_SECRET: key(),
    COUPON_CODE_SECRET: key(),
    WECHAT_SECRET: crypto.randomBytes(16).toString('hex'),
  };
  delete env.REDIS_URL;
  delete env.WECHAT_API_BASE;
  delete env.WECHATPAY_API_BASE;

  const entry = path.join(REPO, 'server', 'dist', 'src', 'cli', 'start.js');
  if (!fs.existsSync(entry)) throw new Error(`no server build at ${entry}`);
  const child = spawn(process.execPath, [entry], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));

  const summary = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the stack did not start within 90 s\n${out}\n${err}`)), 90_000);
    const check = () => {
      if (!/Console logins:/.test(out)) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      resolve(out);
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the stack exited (${code}) before it was ready\n${out}\n${err}`));
    });
  });

  // "  小食光·光谷店  store code AbC123  → …" then "    店长 周店长  invite XYZ  clerk code …"
  const storeLine = /^ {2}(\S+) {2}store code ([A-Za-z0-9]+)/m.exec(summary);
  if (!storeLine) throw new Error(`no store code in the demo summary:\n${summary}`);
  const afterStore = summary.slice(storeLine.index + storeLine[0].length);
  const managerLine = /^ {4}店长 (\S+) {2}invite ([A-Za-z0-9]+)/m.exec(afterStore);
  if (!managerLine) throw new Error(`no store manager invite in the demo summary:\n${summary}`);
  return {
    child,
    logs: () => `${out}\n${err}`,
    base: `http://127.0.0.1:${port}`,
    emulator: `http://127.0.0.1:${emulatorPort}`,
    store: { name: storeLine[1], code: storeLine[2] },
    manager: { name: managerLine[1], invite: managerLine[2] },
  };
}

async function stopStack(stack) {
  if (!stack || stack.child.exitCode !== null) return;
  const exited = new Promise((resolve) => stack.child.once('exit', resolve));
  stack.child.kill('SIGTERM');
  const timer = setTimeout(() => stack.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function http(method, url, body, token) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let data = null;
  try {
    data = JSON.parse(text);
  } catch {
    data = text;
  }
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${text.slice(0, 300)}`);
  return data;
}

function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}

const randomPhone = () => `139${String(crypto.randomInt(0, 1e8)).padStart(8, '0')}`;
const maskPhone = (p) => `${p.slice(0, 3)}****${p.slice(7)}`;
const entryUrl = (stack) => `${stack.base}/h5/#/pages/index/index?scene=${encodeURIComponent(`c=${stack.store.code}`)}`;

/** What the browser will do, straight through the API: proves the stack and the seed before any UI. */
async function stackCheck(stack) {
  const health = await http('GET', `${stack.base}/healthz`);
  assert(health.ok === true, '/healthz ok');
  const html = await (await fetch(`${stack.base}/h5/`)).text();
  const assets = [...html.matchAll(/(?:src|href)="(\/h5\/[^"]+)"/g)].map((m) => m[1]);
  assert(assets.length > 0, 'the H5 index references its assets');
  for (const a of assets) {
    const res = await fetch(`${stack.base}${a}`);
    assert(res.ok, `H5 asset ${a} is served (${res.status})`);
  }

  const openid = `e2e_${crypto.randomBytes(8).toString('hex')}`;
  const { code } = await http('POST', `${stack.emulator}/__emulator/login-code`, { openid });
  const session = await http('POST', `${stack.base}/api/app/session`, { code, scene: encodeURIComponent(`c=${stack.store.code}`) });
  assert(session.customer.store && session.customer.store.name === stack.store.name, `the store scene attributes the fan to ${stack.store.name}`);
  const phone = randomPhone();
  const { code: phoneCode } = await http('POST', `${stack.emulator}/__emulator/phone-code`, { phoneNumber: phone });
  const bound = await http('POST', `${stack.base}/api/app/member`, { phoneCode }, session.token);
  assert(bound.customer.isMember && bound.customer.pointsBalance === 1000, 'binding makes a member with 1000 points');
  const ledger = await http('GET', `${stack.base}/api/app/points/ledger`, undefined, session.token);
  assert(ledger.items.some((i) => i.reason === 'welcome' && i.delta === 1000), 'the ledger has the welcome entry');
  const products = await http('GET', `${stack.base}/api/app/products?storeId=${session.customer.store.id}`, undefined, session.token);
  assert(products.items.some((p) => p.sku === 'NUT-001'), 'the demo menu is served');
  log(`stack check passed (${assets.length} H5 assets, API journey as a member with 1000 points)`);
}

async function browserJourney(stack) {
  const { chromium } = require('playwright-core');
  fs.rmSync(ARTIFACTS, { recursive: true, force: true }); // no stale pictures from an earlier run
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-dev-shm-usage',
      '--disable-gpu',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-extensions',
      '--mute-audio',
    ],
  });
  const problems = [];
  try {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    // The emulator of this stack is on a free port, not the build's default 3100 (see platform/emulator.h5.ts).
    await context.addInitScript((emulatorBase) => {
      if (window.location.protocol.startsWith('http')) window.localStorage.setItem('o2o.h5.emulatorBase', emulatorBase);
    }, stack.emulator);
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    // Chromium also logs every 4xx as "Failed to load resource"; responses are checked on their own below.
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(`console error: ${m.text()}`));
    page.on('requestfailed', (r) => {
      const why = r.failure()?.errorText ?? '';
      // Leaving a page (openFresh) aborts whatever it still had in flight; that is not a failure of the app.
      if (!why.includes('ERR_ABORTED')) problems.push(`request failed: ${r.method()} ${r.url()} ${why}`);
    });
    page.on('response', (r) => {
      const url = r.url();
      if (r.status() >= 400 && !url.endsWith('/favicon.ico') && !url.includes('/api/clerk/session')) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${url}`);
    });
    // Taro H5 keeps earlier pages of the stack in the DOM (hidden): only what is on screen counts.
    const text = (t) => page.getByText(t, { exact: true }).filter({ visible: true }).first();
    // Taro H5 buttons take the pointer themselves (their content does not): click the button element.
    const button = (t) => page.locator('taro-button-core').filter({ hasText: t }).filter({ visible: true }).first();
    // A full load of a route, like opening a shared link: no client-side history to lean on.
    const openFresh = async (route) => {
      await page.goto('about:blank');
      await page.goto(`${stack.base}/h5/#${route}`);
    };
    const shot = async (name) => {
      await page.waitForTimeout(400); // let Taro's page transition finish, for a clean picture
      const file = path.join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      log(`screenshot ${path.relative(REPO, file)}`);
    };

    // Entry: the store scene, silent login through the emulator, the greeting and the invitation.
    const started = Date.now();
    await page.goto(entryUrl(stack));
    await text(`欢迎光临 ${stack.store.name}`).waitFor();
    log(`entry page rendered the store greeting in ${Date.now() - started} ms`);
    await text('粉丝').waitFor();
    await text('成为会员').waitFor();
    await shot('1-entry-fan');

    // Phone binding (H5: typed number → emulator phone code → POST /api/app/member).
    const phone = randomPhone();
    // The native <input> inside Taro's <taro-input-core> (both carry the placeholder attribute).
    await page.locator('input[placeholder="请输入手机号"]').fill(phone);
    await button('绑定手机号').click();
    await text('获得 1000 积分').waitFor();
    await text(maskPhone(phone)).waitFor();
    const points = (await page.locator('.member-card__points').filter({ visible: true }).first().innerText()).trim();
    assert(points === '1000', `the member card shows 1000 points (saw "${points}")`);
    assert((await page.getByText('成为会员', { exact: true }).filter({ visible: true }).count()) === 0, 'the join card is gone after binding');
    await shot('2-member');

    // Ledger: the welcome entry.
    await text('积分明细 ›').click();
    await text('入会礼').waitFor();
    await text('+1000').waitFor();
    await text('余额 1000').waitFor();
    await shot('3-points-ledger');

    // Menu: member prices and a cart priced by the shared pricing.
    await openFresh('/pages/menu/index');
    await text('每日坚果 25g').waitFor();
    const nuts = page.locator('.product-row').filter({ hasText: '每日坚果 25g' });
    await nuts.getByText('+', { exact: true }).click();
    await nuts.getByText('+', { exact: true }).click();
    await text('¥3.80 + 12积分').waitFor();
    await text('会员价已省 ¥4.00').waitFor();
    await shot('4-menu-cart');

    // Clerk: the guard sends an unbound visitor to login; the store manager binds with the invite and
    // finds the new member among the store's customers.
    await openFresh('/clerk/pages/home/index');
    await button('绑定并登录').waitFor();
    await page.locator('input[placeholder="请输入邀请码"]').fill(stack.manager.invite);
    await button('绑定并登录').click();
    await text(`${stack.manager.name}，您好`).waitFor();
    await text('门店顾客').waitFor();
    await text(maskPhone(phone)).waitFor();
    await shot('5-clerk-workbench');
    await text(maskPhone(phone)).click();
    await text('品类偏好').waitFor();
    await page.locator('.customer-card__points', { hasText: '1000' }).waitFor();
    await shot('6-clerk-customer');

    if (problems.length) throw new Error(`the browser reported problems:\n  ${problems.join('\n  ')}`);
    log('browser journey passed: entry → member with 1000 points → ledger → menu cart → clerk customer card');
  } catch (err) {
    const page = browser.contexts()[0]?.pages()[0];
    if (page) {
      const file = path.join(ARTIFACTS, 'failure.png');
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      log(`screenshot of the failure: ${path.relative(REPO, file)} (at ${page.url()})`);
    }
    if (problems.length) log(`browser problems so far:\n  ${problems.join('\n  ')}`);
    throw err;
  } finally {
    await browser.close();
  }
}

async function main() {
  const hasChromium = fs.existsSync(CHROMIUM);
  if (!hasChromium && IN_CI) {
    throw new Error(`Chromium not found at ${CHROMIUM} and CI=true: install it (apt-get install -y chromium fonts-wqy-microhei)`);
  }
  build();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'o2o-e2e-'));
  let stack = null;
  try {
    stack = await startStack(tmp);
    log(`stack up: API ${stack.base}, emulator ${stack.emulator}, store ${stack.store.name} (${stack.store.code})`);
    log(`entry URL ${entryUrl(stack)}`);
    await stackCheck(stack);
    if (!hasChromium) {
      banner([
        'H5 BROWSER E2E SKIPPED: no Chromium at ' + CHROMIUM,
        'Only the stack check ran. Install it to run the browser journey:',
        '  apt-get install -y chromium fonts-wqy-microhei',
        '(set CHROMIUM_PATH for another binary; with CI=true this is a failure)',
      ]);
      return;
    }
    await browserJourney(stack);
  } catch (err) {
    if (stack) process.stderr.write(`\n--- stack output ---\n${stack.logs().slice(-6000)}\n`);
    throw err;
  } finally {
    await stopStack(stack);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`\n[e2e] FAILED: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
