#!/usr/bin/env node
/**
 * H5 end-to-end: the consumer's journey in Debian Chromium (playwright-core) against a real stack.
 *
 *   npm run test:e2e -w @o2o/miniapp        (CI: CI=true, after apt-get install chromium fonts-wqy-microhei)
 *
 * 1. Builds the server (tsc -b) and the H5 app when it is older than its sources (E2E_SKIP_BUILD=1: reuse).
 * 2. Boots `node server/dist/src/cli/start.js` (what `npm start` runs) on free ports with throwaway secrets on
 *    MariaDB/MySQL (a fresh database at E2E_MYSQL_BASE_URL, default mysql://root@127.0.0.1:3306, dropped after;
 *    when unreachable: a temporary SQLite file and a loud banner, a failure with CI=true): migrations, the demo
 *    brand, the WeChat emulator (also WeChat Pay), the API, and the H5 build at /h5/ on the API's origin. Store,
 *    clerk and console logins are read from the demo summary it prints; the marketer creates two coupon templates.
 * 3. Stack check over HTTP (no browser): health, the H5 assets, and the same journey through the API.
 * 4. In Chromium, two browser contexts (the customer's phone, the clerk's phone): the customer opens a clerk's
 *    code, logs in through the emulator, binds a phone (1000 points), claims a coupon and opens its rotating code;
 *    the clerk binds with the invite, types the 12 digits and the bill, previews, confirms; the customer's screen
 *    turns "已使用"; the customer pre-orders at member prices with points, pays through the emulator and sees the
 *    points and the order updated; the clerk sends an offer that reaches the customer's inbox.
 * 5. The store counter: the member opens the member code (also checked at 375 px); the clerk's cashier identifies
 *    them by the digits on that screen, rings up two items at member prices (points spent and points given) with
 *    points as cash, confirms, and reads the receipt; the customer's points and orders show the in-store sale; the
 *    clerk hands over the pre-order paid earlier (预订取货: found by its pickup code, confirmed) and the customer's
 *    order reads 已取货; the customer opens the store switcher.
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

/**
 * A fresh MariaDB/MySQL database for this run (the product's database), or null when none is reachable: the run
 * then uses SQLite and says so loudly (with CI=true that is a failure).
 */
async function createMysqlDatabase() {
  const base = process.env.E2E_MYSQL_BASE_URL || 'mysql://root@127.0.0.1:3306';
  let mysql;
  try {
    mysql = require(require.resolve('mysql2/promise', { paths: [path.join(REPO, 'server'), REPO] }));
  } catch {
    return null;
  }
  const name = `o2o_e2e_${crypto.randomBytes(5).toString('hex')}`;
  try {
    const conn = await mysql.createConnection({ uri: base, connectTimeout: 3000 });
    await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await conn.end();
  } catch (err) {
    if (IN_CI) throw new Error(`MariaDB/MySQL not reachable at ${base} (${err.code || err.message}) and CI=true`);
    banner([`MariaDB/MySQL not reachable at ${base} (${err.code || err.message})`, 'The e2e runs on a temporary SQLite file instead.']);
    return null;
  }
  return {
    url: `${base}/${name}`,
    async drop() {
      const conn = await mysql.createConnection({ uri: base });
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}

/** Starts the dev stack on free ports; resolves with its URLs and the demo codes it printed. */
async function startStack(tmp, databaseUrl) {
  const [port, emulatorPort] = [await freePort(), await freePort()];
  const key = () => crypto.randomBytes(32).toString('base64');
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    EMULATOR_PORT: String(emulatorPort),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: databaseUrl || `sqlite:${path.join(tmp, 'o2o.db')}`,
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
  const clerkLine = /^ {4}导购 (\S+) {2}invite ([A-Za-z0-9]+) {2}clerk code ([A-Za-z0-9]+)/m.exec(afterStore);
  if (!clerkLine) throw new Error(`no clerk in the demo summary:\n${summary}`);
  const marketerLine = /^ {4}marketer\s+(\S+) \/ (\S+)\s*$/m.exec(summary);
  if (!marketerLine) throw new Error(`no marketer login in the demo summary:\n${summary}`);
  return {
    child,
    logs: () => `${out}\n${err}`,
    base: `http://127.0.0.1:${port}`,
    emulator: `http://127.0.0.1:${emulatorPort}`,
    store: { name: storeLine[1], code: storeLine[2] },
    manager: { name: managerLine[1], invite: managerLine[2] },
    clerk: { name: clerkLine[1], invite: clerkLine[2], code: clerkLine[3] },
    marketer: { username: marketerLine[1], password: marketerLine[2] },
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

async function http(method, url, body, token, extraHeaders = {}) {
  const headers = { Accept: 'application/json', ...extraHeaders };
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

/** The marketer's console work before the journey: a claimable coupon and a coupon clerks may offer. */
async function setUpCoupons(stack) {
  const { token } = await http('POST', `${stack.base}/api/admin/session`, stack.marketer);
  const template = (body) => http('POST', `${stack.base}/api/admin/coupon-templates`, { validDays: 7, status: 'active', ...body }, token).then((r) => r.template);
  const claimable = await template({ title: '到店满20减5', kind: 'amount_off', thresholdFen: 2000, amountOffFen: 500, claimable: true, perCustomerLimit: 1 });
  const offer = await template({ title: '导购专享3元券', kind: 'voucher', amountOffFen: 300 });
  await http('PUT', `${stack.base}/api/admin/clerk-offer-templates/${offer.id}`, { offerable: true }, token);
  return { claimable, offer };
}

async function browserJourney(stack) {
  const { chromium } = require('playwright-core');
  fs.rmSync(ARTIFACTS, { recursive: true, force: true }); // no stale pictures from an earlier run
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const coupons = await setUpCoupons(stack);
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
  const pages = [];
  /** One phone: its own browser context (storage, session), a page on it, and helpers bound to that page. */
  async function phone(who) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    // The emulator of this stack is on a free port, not the build's default 3100 (see platform/emulator.h5.ts).
    await context.addInitScript((emulatorBase) => {
      if (window.location.protocol.startsWith('http')) window.localStorage.setItem('o2o.h5.emulatorBase', emulatorBase);
    }, stack.emulator);
    const page = await context.newPage();
    pages.push(page);
    page.setDefaultTimeout(STEP_TIMEOUT);
    page.on('pageerror', (e) => problems.push(`${who} page error: ${e.message}`));
    // Chromium also logs every 4xx as "Failed to load resource"; responses are checked on their own below.
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(`${who} console error: ${m.text()}`));
    page.on('requestfailed', (r) => {
      const why = r.failure()?.errorText ?? '';
      // Leaving a page (openFresh) aborts whatever it still had in flight; that is not a failure of the app.
      if (!why.includes('ERR_ABORTED')) problems.push(`${who} request failed: ${r.method()} ${r.url()} ${why}`);
    });
    page.on('response', (r) => {
      const url = r.url();
      // The clerk login probes /api/clerk/session before binding (401 for an unbound WeChat); a coupon's code
      // endpoint answers 409 once it is redeemed, which is how the customer's screen learns it (besides the poll).
      const expected = url.includes('/api/clerk/session') || (url.includes('/code') && r.status() === 409);
      if (r.status() >= 400 && !url.endsWith('/favicon.ico') && !expected) problems.push(`${who} HTTP ${r.status()}: ${r.request().method()} ${url}`);
    });
    return {
      page,
      // Taro H5 keeps earlier pages of the stack in the DOM (hidden): only what is on screen counts.
      text: (t) => page.getByText(t, { exact: true }).filter({ visible: true }).first(),
      // Taro H5 buttons take the pointer themselves (their content does not): click the button element.
      button: (t) => page.locator('taro-button-core').filter({ hasText: t }).filter({ visible: true }).first(),
      input: (placeholder) => page.locator(`input[placeholder="${placeholder}"]`).filter({ visible: true }).first(),
      // A full load of a route, like opening a shared link: no client-side history to lean on.
      openFresh: async (route) => {
        await page.goto('about:blank');
        await page.goto(`${stack.base}/h5/#${route}`);
      },
      /**
       * `tall`: Taro H5 scrolls inside its page element, so a full-page picture is one screen; a long page (the
       * cashier) is pictured whole by growing the viewport to the content's height for the shot.
       */
      shot: async (name, { tall = false } = {}) => {
        await page.waitForTimeout(400); // let Taro's page transition finish, for a clean picture
        const viewport = page.viewportSize();
        if (tall) {
          const height = await page.evaluate(() => {
            let max = document.documentElement.scrollHeight;
            for (const el of document.querySelectorAll('*')) {
              const overflow = getComputedStyle(el).overflowY;
              if (el.clientHeight > 0 && (overflow === 'auto' || overflow === 'scroll')) max = Math.max(max, el.scrollHeight);
            }
            return max;
          });
          await page.setViewportSize({ width: viewport.width, height: Math.min(Math.max(height, viewport.height), 4000) });
          await page.waitForTimeout(200);
        }
        const file = path.join(ARTIFACTS, `${name}.png`);
        await page.screenshot({ path: file, fullPage: true });
        if (tall) await page.setViewportSize(viewport);
        log(`screenshot ${path.relative(REPO, file)}`);
      },
      /** The customer's API token, as the app stored it (to check figures against the server). */
      token: () =>
        page.evaluate(() => {
          // Taro H5 storage wraps values as {data: value}.
          const raw = JSON.parse(window.localStorage.getItem('o2o.session.v1') || 'null');
          const v = raw && raw.data !== undefined ? raw.data : raw;
          return v ? v.token : null;
        }),
    };
  }

  try {
    const me = await phone('customer');
    const { page, text, button, input, openFresh, shot } = me;

    // Entry through the clerk's code: silent login, the store and the clerk greeting, the invitation.
    const started = Date.now();
    await page.goto(`${stack.base}/h5/#/pages/index/index?scene=${encodeURIComponent(`c=${stack.clerk.code}`)}`);
    await text(`欢迎光临 ${stack.store.name}`).waitFor();
    await text(`您的专属导购 ${stack.clerk.name}`).waitFor();
    log(`entry page rendered the store and clerk greeting in ${Date.now() - started} ms`);
    await text('粉丝').waitFor();
    await text('成为会员').waitFor();
    await shot('01-entry-fan');

    // Phone binding (H5: typed number → emulator phone code → POST /api/app/member).
    const phoneNumber = randomPhone();
    await input('请输入手机号').fill(phoneNumber);
    await button('绑定手机号').click();
    await text('获得 1000 积分').waitFor();
    await text(maskPhone(phoneNumber)).waitFor();
    const points = (await page.locator('.member-card__points').filter({ visible: true }).first().innerText()).trim();
    assert(points === '1000', `the member card shows 1000 points (saw "${points}")`);
    assert((await page.getByText('成为会员', { exact: true }).filter({ visible: true }).count()) === 0, 'the join card is gone after binding');
    await shot('02-member');

    await text('积分明细 ›').click();
    await text('入会礼').waitFor();
    await text('+1000').waitFor();
    await shot('03-points-ledger');

    // Claim centre → claim → the coupon's rotating code.
    await openFresh('/pages/coupon-center/index');
    await text(coupons.claimable.title).waitFor();
    await button('立即领取').click();
    await button('去使用').waitFor();
    await shot('04-coupon-center-claimed');
    await button('去使用').click();
    const digitsEl = page.locator('.code-panel__digits').filter({ visible: true }).first();
    await digitsEl.waitFor();
    const digits = (await digitsEl.innerText()).replace(/\s/g, '');
    assert(/^\d{12}$/.test(digits), `the coupon shows 12 digits (saw "${digits}")`);
    await page.locator('.code-panel__qr').filter({ visible: true }).first().waitFor();
    await text('请向店员出示券码').waitFor();
    await shot('05-coupon-code');

    // The clerk's phone: bind with the invite, the workbench with today's figures.
    const clerk = await phone('clerk');
    await clerk.openFresh('/clerk/pages/home/index');
    await clerk.button('绑定并登录').waitFor();
    await clerk.input('请输入邀请码').fill(stack.clerk.invite);
    await clerk.button('绑定并登录').click();
    await clerk.text(`${stack.clerk.name}，您好`).waitFor();
    await clerk.text('我的今日').waitFor();
    await clerk.text(maskPhone(phoneNumber)).waitFor();
    await clerk.page.locator('.figure-tiles__value').first().waitFor();
    await clerk.shot('06-clerk-workbench');

    // Redeem: typed digits + the bill → preview (coupon, masked member, discount) → confirm.
    await clerk.text('扫码核销').click();
    await clerk.input('12 位数字券码').fill(digits);
    await clerk.input('本单消费金额（元）').fill('25');
    await clerk.button('查询优惠').click();
    await clerk.text(maskPhone(phoneNumber)).waitFor();
    await clerk.text('-¥5.00').waitFor();
    await clerk.text('¥20.00').waitFor();
    await clerk.shot('07-clerk-redeem-preview');
    await clerk.button('确认核销').click();
    await clerk.text('核销成功').waitFor();
    await clerk.shot('08-clerk-redeemed');

    // The customer's screen turns "已使用" by itself (status poll).
    await text('已使用').waitFor();
    assert((await page.locator('.code-panel__digits').filter({ visible: true }).count()) === 0, 'the used coupon shows no code');
    await shot('09-coupon-used');

    // Pre-order: member prices on the menu, points at checkout, exact amounts from the server preview.
    await openFresh('/pages/menu/index');
    await text('每日坚果 25g').waitFor();
    const nuts = page.locator('.product-row').filter({ hasText: '每日坚果 25g' });
    await nuts.getByText('+', { exact: true }).click();
    await nuts.getByText('+', { exact: true }).click();
    await text('¥3.80 + 12积分').waitFor();
    await shot('10-menu-cart');
    await button('去结算').click();
    await text('使用积分抵现（可用 1000）').waitFor();
    await text('暂无可用 ›').waitFor(); // the claimed coupon is used; the wallet has nothing for this cart
    await text('使用积分抵现（可用 1000）').click();
    await page.locator('.checkout-page__payable').filter({ visible: true }).first().waitFor();
    await text('积分抵现').waitFor();
    await shot('11-checkout');
    await button('提交订单并支付').click();
    await text('确认支付').click(); // the emulator's payment sheet (H5 stand-in for WeChat Pay)
    await text('支付成功').waitFor();
    await text('取餐码').waitFor();
    await button('开启').click();
    await text('允许').click();
    await text('已开启提醒，备好后会第一时间通知您').waitFor();
    await shot('12-paid');

    // Points and order, checked against the server.
    const token = await me.token();
    assert(token, 'the customer has a stored session token');
    const orders = await http('GET', `${stack.base}/api/app/orders`, undefined, token);
    const order = orders.items[0];
    assert(order && order.status === 'paid' && order.pointsUsed > 0, `the newest order is paid and used points (${JSON.stringify(order && { status: order.status, pointsUsed: order.pointsUsed })})`);
    const expectedPoints = 1000 - order.pointsUsed + order.pointsEarned;
    await openFresh('/pages/index/index');
    await page.locator('.member-card__points', { hasText: String(expectedPoints) }).filter({ visible: true }).first().waitFor();
    await openFresh('/pages/orders/index');
    await text(`取餐码 ${order.pickupCode}`).waitFor();
    await shot('13-orders');

    // The clerk sends an offer from the customer's card; it reaches the customer's inbox.
    await clerk.openFresh('/clerk/pages/home/index');
    await clerk.text(maskPhone(phoneNumber)).click();
    await clerk.button('发专属优惠').click();
    await clerk.text(coupons.offer.title).waitFor();
    await clerk.button('发送').click();
    await clerk.text('已发送给 1 位顾客').waitFor();
    await clerk.shot('14-clerk-offer');

    let delivered = false;
    for (let i = 0; i < 20 && !delivered; i++) {
      await openFresh('/pages/inbox/index');
      await page.locator('.inbox-page__item, .state-view').filter({ visible: true }).first().waitFor();
      delivered = (await page.getByText('您的专属导购送您一张券', { exact: true }).filter({ visible: true }).count()) > 0;
      if (!delivered) await page.waitForTimeout(1000);
    }
    assert(delivered, "the clerk's offer reached the customer's inbox");
    await shot('15-inbox');
    await openFresh('/pages/coupons/index');
    await text(coupons.offer.title).waitFor();
    await shot('16-wallet');

    await storeCounter({ stack, me, clerk, phoneNumber, preorder: order });

    if (problems.length) throw new Error(`the browser reported problems:\n  ${problems.join('\n  ')}`);
    log('browser journey passed: clerk code → member (1000 points) → claim → code → clerk redeems → used → pre-order with points → paid → offer in the inbox → member code → clerk cashier sale → points and orders → pickup → 已取货 → store switcher');
  } catch (err) {
    for (const [i, page] of pages.entries()) {
      const file = path.join(ARTIFACTS, `failure-${i === 0 ? 'customer' : 'clerk'}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      log(`screenshot of the failure: ${path.relative(REPO, file)} (at ${page.url()})`);
    }
    if (problems.length) log(`browser problems so far:\n  ${problems.join('\n  ')}`);
    throw err;
  } finally {
    await browser.close();
  }
}

/**
 * The store counter, after the pre-order journey: the member code at the till (the clerk's cashier reads the digits
 * the customer's screen shows), a sale at member prices with points, the customer's figures checked against the
 * server and on screen, then the pickup of the pre-order paid earlier, and the store switcher.
 */
async function storeCounter({ stack, me, clerk, phoneNumber, preorder }) {
  const { page, text, openFresh, shot } = me;
  const token = await me.token();
  const before = (await http('GET', `${stack.base}/api/app/me`, undefined, token)).customer;

  // 会员码: one tap from the member card.
  await openFresh('/pages/index/index');
  await page.locator('.member-card__code').filter({ visible: true }).first().click();
  const digitsEl = page.locator('.member-code__digits').filter({ visible: true }).first();
  await digitsEl.waitFor();
  await page.locator('.member-code__barcode').filter({ visible: true }).first().waitFor();
  await page.locator('.member-code__qr').filter({ visible: true }).first().waitFor();
  await page.getByText(/^\d+ 秒后自动刷新$/).filter({ visible: true }).first().waitFor();
  await page.locator('.member-code__points', { hasText: String(before.pointsBalance) }).filter({ visible: true }).first().waitFor();
  // The smallest common phone width: nothing may spill sideways.
  // Phones draw overlay scrollbars (no layout width); desktop Chromium's 6 px gutter would make a 100vw element "spill".
  await page.addStyleTag({ content: 'html { scrollbar-width: none; }' });
  await page.setViewportSize({ width: 375, height: 667 });
  await page.waitForTimeout(200);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `the member code page fits 375 px (overflows by ${overflow} px)`);
  const box = await page.locator('.member-code__barcode').filter({ visible: true }).first().boundingBox();
  assert(box && box.width >= 280 && box.x >= 0 && box.x + box.width <= 375, `the barcode is wide and on screen at 375 px (${JSON.stringify(box)})`);
  await shot('17-member-code-375');
  await page.setViewportSize({ width: 390, height: 844 });
  const memberCode = (await digitsEl.innerText()).replace(/\s/g, '');
  assert(/^\d{18}$/.test(memberCode), `the member code shows 18 digits (saw "${memberCode}")`);

  // The clerk's cashier: the digits typed, the member found.
  await clerk.openFresh('/clerk/pages/home/index');
  await clerk.text('收银').click();
  await clerk.input('18 位会员码或 11 位手机号').fill(memberCode);
  await clerk.button('识别会员').click();
  await clerk.text(maskPhone(phoneNumber)).waitFor();
  await clerk.page.locator('.cashier-member__sub', { hasText: `会员码识别 · 积分 ${before.pointsBalance}` }).filter({ visible: true }).first().waitFor();
  // Two items at member prices: one spends points (¥1.90 + 6积分), one gives them (¥29.90 送30积分); points as cash.
  const row = (name) => clerk.page.locator('.cashier-product').filter({ hasText: name }).filter({ visible: true }).first();
  await row('每日坚果 25g').locator('.stepper__btn--plus').click();
  await row('每日坚果 25g').locator('.stepper__btn--plus').click();
  await row('夏威夷果 500g').locator('.stepper__btn--plus').click();
  await clerk.text(`积分抵现（可用 ${before.pointsBalance}）`).click();
  const confirm = clerk.page.locator('.cashier-bar taro-button-core').filter({ hasText: /^确认收款 ¥\d+\.\d\d$/ }).first();
  await confirm.waitFor();
  await clerk.text('积分抵现').waitFor();
  await clerk.text('¥3.80 + 12积分').waitFor(); // the quote's line: 2 × (1.90 + 6)
  await clerk.text('¥29.90 送30积分').waitFor();
  const payText = (await confirm.innerText()).trim();
  await clerk.shot('18-clerk-cashier-quote', { tall: true });
  await confirm.click();
  await clerk.text('收款成功').waitFor();
  const receiptBalance = Number((await clerk.page.locator('.cashier-receipt__points-value').filter({ visible: true }).nth(1).innerText()).trim());
  await clerk.shot('19-clerk-cashier-receipt');

  // The customer's figures: the server's and the screen's.
  const orders = await http('GET', `${stack.base}/api/app/orders`, undefined, token);
  const sale = orders.items.find((o) => o.channel === 'clerk');
  assert(sale && sale.status === 'paid', 'the in-store sale is in the customer\'s orders');
  assert(payText === `确认收款 ¥${(sale.payableFen / 100).toFixed(2)}`, `the clerk confirmed what the sale charged (${payText}, ${sale.payableFen})`);
  assert(sale.items.length === 2 && sale.pointsUsed > 12 && sale.pointsEarned >= 30, `member prices with points spent, used as cash and given (${JSON.stringify({ used: sale.pointsUsed, earned: sale.pointsEarned })})`);
  const after = (await http('GET', `${stack.base}/api/app/me`, undefined, token)).customer;
  assert(after.pointsBalance === before.pointsBalance - sale.pointsUsed + sale.pointsEarned, `points: ${before.pointsBalance} - ${sale.pointsUsed} + ${sale.pointsEarned} = ${after.pointsBalance}`);
  assert(receiptBalance === after.pointsBalance, `the receipt shows the new balance (${receiptBalance} vs ${after.pointsBalance})`);
  await openFresh('/pages/index/index');
  await page.locator('.member-card__points', { hasText: String(after.pointsBalance) }).filter({ visible: true }).first().waitFor();
  await openFresh('/pages/orders/index');
  await text('门店消费').waitFor();
  await text(`+${sale.pointsEarned} 积分`).waitFor();
  await shot('20-orders-in-store');

  // Pickup: the pre-order paid earlier, found by its code and handed over.
  await clerk.openFresh('/clerk/pages/home/index');
  await clerk.text('预订取货').click();
  await clerk.text(preorder.pickupCode).waitFor();
  await clerk.input('输入顾客的取餐码').fill(preorder.pickupCode);
  await clerk.shot('21-clerk-pickups');
  await clerk.button('确认取货').click();
  const confirmPickup = clerk.page.locator('.taro-model__confirm').filter({ visible: true }).first();
  await confirmPickup.waitFor();
  await clerk.shot('22-clerk-pickup-confirm');
  await confirmPickup.click();
  await clerk.page.locator('.pickup-row__done').filter({ visible: true }).first().waitFor();
  await clerk.text('已取货').waitFor();
  await clerk.shot('23-clerk-picked-up');
  const pickedUp = (await http('GET', `${stack.base}/api/app/orders/${preorder.id}`, undefined, token)).order;
  assert(pickedUp.pickedUpAt, 'the pre-order is picked up on the server');
  await openFresh(`/pages/order/index?id=${preorder.id}`);
  await text('已取货').waitFor();
  await shot('24-order-picked-up');

  // The store switcher from the menu: the plain list (no position in a headless browser), the current store marked.
  await openFresh('/pages/menu/index');
  await text('切换门店 ›').click();
  await text('当前门店').waitFor();
  await shot('25-store-switcher');
  await page.locator('.stores-page__row--current').filter({ visible: true }).first().click();
  await text('每日坚果 25g').waitFor();
}

async function main() {
  const hasChromium = fs.existsSync(CHROMIUM);
  if (!hasChromium && IN_CI) {
    throw new Error(`Chromium not found at ${CHROMIUM} and CI=true: install it (apt-get install -y chromium fonts-wqy-microhei)`);
  }
  build();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'o2o-e2e-'));
  let stack = null;
  const mysqlDb = await createMysqlDatabase();
  try {
    stack = await startStack(tmp, mysqlDb && mysqlDb.url);
    log(`database: ${mysqlDb ? 'MariaDB/MySQL (fresh database)' : 'SQLite (temporary file)'}`);
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
    if (mysqlDb) await mysqlDb.drop().catch((e) => log(`could not drop the e2e database: ${e.message}`));
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
