/**
 * The console's browser harness: build, a real stack on a fresh database, Chromium at 1440×900, the staff
 * logins, screenshots, and a watch on everything the page reports. Shared by the journey (console.e2e.js) and
 * the one-off screenshot tool (shot.js). Conventions are miniapp/e2e/h5.e2e.js's:
 * - Debian Chromium at /usr/bin/chromium (CHROMIUM_PATH for another), playwright-core's `chromium.launch`.
 * - MariaDB/MySQL when reachable (a fresh database at E2E_MYSQL_BASE_URL, default mysql://root@127.0.0.1:3306,
 *   dropped after); otherwise a temporary SQLite file and a loud banner; with CI=true no MariaDB is a failure.
 * - The server from its build (server/dist) with the WeChat emulator (and WeChat Pay) on free ports, throwaway
 *   secrets, the demo brand (stack-child.js). E2E_SKIP_BUILD=1 reuses the existing builds.
 */
const { fork, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..', '..');
const CONSOLE_DIR = path.resolve(__dirname, '..');
const CONSOLE_DIST = path.join(CONSOLE_DIR, 'dist');
/**
 * The journey's screenshots (gitignored: under dist/, so a console build clears them). E2E_ARTIFACTS and
 * E2E_CONSOLE_DIR move the pictures and the console build elsewhere (while others rebuild dist/ in parallel).
 */
const ARTIFACTS = process.env.E2E_ARTIFACTS ? path.resolve(process.env.E2E_ARTIFACTS) : path.join(CONSOLE_DIST, 'e2e');
const JOURNEY_CONSOLE_DIR = process.env.E2E_CONSOLE_DIR ? path.resolve(process.env.E2E_CONSOLE_DIR) : undefined;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
const STEP_TIMEOUT = Number(process.env.E2E_STEP_TIMEOUT || 20_000);
const VIEWPORT = { width: 1440, height: 900 };

const T0 = Date.now();
const log = (msg) => process.stdout.write(`[console-e2e ${((Date.now() - T0) / 1000).toFixed(1).padStart(5)} s] ${msg}\n`);

function banner(lines) {
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const bar = '!'.repeat(width);
  process.stdout.write(`\n${bar}\n${lines.map((l) => `! ${l.padEnd(width - 4)} !`).join('\n')}\n${bar}\n\n`);
}

function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
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

// ---------------------------------------------------------------------------------------------------------------
// Builds

function npm(args, what, { tolerant = false } = {}) {
  const t = Date.now();
  const res = spawnSync('npm', args, { cwd: REPO, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const out = `${res.stdout || ''}\n${res.stderr || ''}`;
  if (res.status !== 0) {
    const tail = out.split('\n').slice(-30).join('\n');
    if (!tolerant) throw new Error(`${what} failed (exit ${res.status}):\n${tail}`);
    log(`WARNING: ${what} failed (exit ${res.status}); going on with what was emitted:\n${tail}`);
  } else log(`${what}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

/**
 * Builds the server (tsc -b) and the console. `consoleOutDir` builds the console into a private directory (the
 * screenshot tool: others may be rebuilding dist/ at the same moment); otherwise server/console/dist.
 * `tolerant`: a type error elsewhere in the tree (others mid-edit) does not stop the tool when tsc still emitted.
 */
function build({ consoleOutDir, tolerant = false, server = true } = {}) {
  if (process.env.E2E_SKIP_BUILD === '1') {
    log('E2E_SKIP_BUILD=1: using the existing server and console builds');
    return;
  }
  if (server) npm(['run', 'build:server', '--silent'], 'npm run build:server', { tolerant });
  else log('server build skipped: using server/dist as it is');
  if (consoleOutDir) npm(['exec', '-w', '@o2o/console', '--', 'vite', 'build', '--logLevel', 'warn', '--outDir', consoleOutDir, '--emptyOutDir'], 'console build (vite)');
  else npm(['run', 'build:console', '--silent'], 'npm run build:console');
}

// ---------------------------------------------------------------------------------------------------------------
// Database

/**
 * A fresh MariaDB/MySQL database for this run, or null when none is reachable (SQLite then; with CI=true a failure).
 */
async function createMysqlDatabase() {
  const base = process.env.E2E_MYSQL_BASE_URL || 'mysql://root@127.0.0.1:3306';
  let mysql;
  try {
    mysql = require(require.resolve('mysql2/promise', { paths: [path.join(REPO, 'server'), REPO] }));
  } catch {
    return null;
  }
  const name = `o2o_console_e2e_${crypto.randomBytes(5).toString('hex')}`;
  try {
    const conn = await mysql.createConnection({ uri: base, connectTimeout: 3000 });
    await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await conn.end();
  } catch (err) {
    if (IN_CI) throw new Error(`MariaDB/MySQL not reachable at ${base} (${err.code || err.message}) and CI=true`);
    banner([`MariaDB/MySQL not reachable at ${base} (${err.code || err.message})`, 'The console e2e runs on a temporary SQLite file instead.']);
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

// ---------------------------------------------------------------------------------------------------------------
// The stack

/**
 * Boots the stack (stack-child.js) on free ports and a fresh database. Resolves with
 * {baseUrl, consoleUrl, emulatorUrl, db, adminPassword, marketerPassword, logins, demo, sql(), logs(), stop()}.
 * `demo` is the seed's summary: stores {id, name, storeCode, qrCode}, clerks {id, name, storeId, role, inviteCode,
 * qrCode}, logins. `stop()` shuts the server down and drops the database.
 */
async function startStack({ consoleDir = CONSOLE_DIST, h5Dir } = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'o2o-console-e2e-'));
  const mysqlDb = await createMysqlDatabase();
  const [port, emulatorPort] = [await freePort(), await freePort()];
  const key = () => crypto.randomBytes(32).toString('base64');
  const pw = () => `e2e-${crypto.randomBytes(9).toString('base64url')}`;
  const adminPassword = pw();
  const marketerPassword = pw();
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    EMULATOR_PORT: String(emulatorPort),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    WECHAT_API_BASE: `http://127.0.0.1:${emulatorPort}`,
    WECHATPAY_API_BASE: `http://127.0.0.1:${emulatorPort}`,
    DATABASE_URL: mysqlDb ? mysqlDb.url : `sqlite:${path.join(tmp, 'o2o.db')}`,
    LOG_LEVEL: process.env.E2E_LOG_LEVEL || 'warn',
    PII_KEY: key(),
    PII_INDEX_KEY: key(),
    TOKEN_SECRET: key(),
    COUPON_CODE_SECRET: key(),
    WECHAT_SECRET: crypto.randomBytes(16).toString('hex'),
    E2E_ADMIN_PASSWORD: adminPassword,
    E2E_MARKETER_PASSWORD: marketerPassword,
    E2E_CONSOLE_DIR: consoleDir,
    E2E_H5_DIR: h5Dir || '',
  };
  delete env.REDIS_URL;
  delete env.WECHATPAY_MCHID;
  if (!fs.existsSync(path.join(REPO, 'server', 'dist', 'src', 'main.js'))) throw new Error('no server build: npm run build:server');
  if (!fs.existsSync(path.join(consoleDir, 'index.html'))) throw new Error(`no console build at ${consoleDir}: npm run build:console`);

  const started = Date.now();
  const child = fork(path.join(__dirname, 'stack-child.js'), [], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let out = '';
  child.stdout.on('data', (d) => (out = (out + d).slice(-200_000)));
  child.stderr.on('data', (d) => (out = (out + d).slice(-200_000)));
  const cleanup = async () => {
    if (mysqlDb) await mysqlDb.drop().catch((e) => log(`could not drop the e2e database: ${e.message}`));
    fs.rmSync(tmp, { recursive: true, force: true });
  };

  let ready;
  try {
    ready = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the stack did not start within 90 s\n${out}`)), 90_000);
      child.on('message', (m) => {
        if (m && m.type === 'ready') {
          clearTimeout(timer);
          resolve(m);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the stack exited (${code}) before it was ready\n${out}`));
      });
    });
  } catch (err) {
    await cleanup();
    throw err;
  }

  let sqlSeq = 0;
  const waiting = new Map();
  child.on('message', (m) => {
    if (!m || m.type !== 'sql' || !waiting.has(m.id)) return;
    const { resolve, reject } = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error) reject(new Error(m.error));
    else resolve(m.rows);
  });

  const baseUrl = ready.url;
  const stack = {
    baseUrl,
    consoleUrl: `${baseUrl}/console/`,
    emulatorUrl: ready.emulator,
    db: ready.db,
    adminPassword,
    marketerPassword,
    logins: { admin: { username: 'admin', password: adminPassword }, marketer: { username: 'marketer', password: marketerPassword } },
    demo: ready.demo,
    bootMs: Date.now() - started,
    logs: () => out,
    /** Raw SQL on the stack's database, through the server process (same connection settings, both dialects). */
    sql(sql, params = []) {
      const id = ++sqlSeq;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        child.send({ type: 'sql', id, sql, params });
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await cleanup();
    },
  };
  return stack;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP, staff sessions, consumers (through the emulator, as the mini-program does)

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
  if (!res.ok) {
    const err = new Error(`${method} ${url} → ${res.status} ${text.slice(0, 300)}`);
    err.status = res.status;
    err.body = data;
    throw err;
  }
  return data;
}

/** A staff session over the API: {token, staff, get(path), post(path, body), …} on /api/admin. */
async function staffApi(stack, { username, password }) {
  const s = await http('POST', `${stack.baseUrl}/api/admin/session`, { username, password });
  const call = (method) => (p, body, headers) => http(method, `${stack.baseUrl}/api/admin${p}`, body, s.token, headers);
  return { token: s.token, staff: s.staff, get: call('GET'), post: call('POST'), put: call('PUT'), patch: call('PATCH'), del: call('DELETE') };
}

const randomPhone = () => `139${String(crypto.randomInt(0, 1e8)).padStart(8, '0')}`;
const maskPhone = (p) => `${p.slice(0, 3)}****${p.slice(7)}`;

/**
 * A consumer as the mini-program makes one: WeChat login through the emulator (scanning `qrCode`, a store or
 * clerk code), phone binding (a member with the welcome points), and, when `order` is given ([{sku, quantity}]),
 * a pre-order at `storeId` paid through the emulator's WeChat Pay (waits until the server has the payment).
 * Returns {openid, phone, token, customer, order}.
 */
async function makeCustomer(stack, { qrCode, phone = randomPhone(), storeId, order } = {}) {
  const openid = `e2e_${crypto.randomBytes(8).toString('hex')}`;
  const { code } = await http('POST', `${stack.emulatorUrl}/__emulator/login-code`, { openid });
  const session = await http('POST', `${stack.baseUrl}/api/app/session`, qrCode ? { code, scene: encodeURIComponent(`c=${qrCode}`) } : { code });
  const { code: phoneCode } = await http('POST', `${stack.emulatorUrl}/__emulator/phone-code`, { phoneNumber: phone });
  const bound = await http('POST', `${stack.baseUrl}/api/app/member`, { phoneCode }, session.token);
  const result = { openid, phone, token: session.token, customer: bound.customer, order: null };
  if (!order) return result;
  const sid = storeId || (session.customer.store && session.customer.store.id);
  assert(sid, 'makeCustomer: a store for the order (storeId, or a store scene)');
  const created = await http('POST', `${stack.baseUrl}/api/app/orders`, { storeId: sid, items: order }, session.token, { 'Idempotency-Key': `e2e-${crypto.randomBytes(8).toString('hex')}` });
  await http('POST', `${stack.emulatorUrl}/__emulator/pay`, { prepayId: created.payment.package });
  for (let i = 0; i < 100; i++) {
    const { items } = await http('GET', `${stack.baseUrl}/api/app/orders`, undefined, session.token);
    const o = items.find((x) => x.id === created.order.id);
    if (o && o.status === 'paid') {
      result.order = o;
      return result;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`order ${created.order.id} was not paid within 10 s`);
}

// ---------------------------------------------------------------------------------------------------------------
// Browser

async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium fonts-wqy-microhei (or set CHROMIUM_PATH)`);
  const { chromium } = require(require.resolve('playwright-core', { paths: [CONSOLE_DIR, REPO] }));
  return chromium.launch({
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
}

/**
 * One operator's browser: its own context (localStorage = its own console session) at 1440×900, zh-CN,
 * Asia/Shanghai, downloads accepted. Everything the page reports is watched and collected in `problems`:
 * uncaught errors, console errors, failed requests, and any HTTP answer ≥ 400. The only console errors allowed
 * are Chromium's own "Failed to load resource" lines (it prints one per 4xx/5xx; those answers are checked on
 * their own, by URL and status). A production build prints no React development warnings, so there is nothing
 * else to allow. A step that provokes an error answer on purpose (a 401 to test re-login, a 403) announces it
 * with `expectHttp(status, urlPart)`; an announced answer that never comes is a problem too (see `settle`).
 */
async function operator(browser, stack, who) {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  const problems = [];
  const expected = [];
  // Requests to the stack not yet answered. A request leaves the set at its response (an unread 401 body — the
  // request wrapper retries instead of reading it — never reaches 'requestfinished'), or when it fails.
  const pending = new Set();
  let lastActivity = Date.now();
  const mine = (r) => r.url().startsWith(stack.baseUrl);
  const begin = (r) => {
    if (!mine(r)) return;
    pending.add(r);
    lastActivity = Date.now();
  };
  const end = (r) => {
    if (pending.delete(r)) lastActivity = Date.now();
  };
  page.on('pageerror', (e) => problems.push(`${who} page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`${who} console error: ${m.text()}`);
  });
  page.on('request', begin);
  page.on('requestfinished', end);
  page.on('requestfailed', (r) => {
    end(r);
    const why = (r.failure() && r.failure().errorText) || '';
    // Leaving a page aborts what it still had in flight (react-query cancels too): not a failure of the app.
    if (!why.includes('ERR_ABORTED')) problems.push(`${who} request failed: ${r.method()} ${r.url()} ${why}`);
  });
  page.on('response', (r) => {
    end(r.request());
    const url = r.url();
    if (r.status() < 400 || url.endsWith('/favicon.ico')) return;
    const i = expected.findIndex((e) => e.status === r.status() && url.includes(e.urlPart));
    if (i >= 0) expected[i].seen++;
    else problems.push(`${who} HTTP ${r.status()}: ${r.request().method()} ${url}`);
  });
  const op = {
    who,
    context,
    page,
    problems,
    /** Allows an error answer the step provokes on purpose; `done()` checks it came and stops allowing it. */
    expectHttp(status, urlPart) {
      const e = { status, urlPart, seen: 0 };
      expected.push(e);
      return {
        done() {
          expected.splice(expected.indexOf(e), 1);
          if (!e.seen) problems.push(`${who}: expected an HTTP ${status} from ${urlPart}, none came`);
        },
      };
    },
    /** Waits until the page's requests to the stack have been quiet for `quietMs` (an SPA's "network idle"). */
    async settle({ quietMs = 300, timeout = STEP_TIMEOUT } = {}) {
      const t0 = Date.now();
      const until = t0 + timeout;
      while (Date.now() < until) {
        if (pending.size === 0 && Date.now() - lastActivity >= quietMs) break;
        await page.waitForTimeout(50);
      }
      if (pending.size) log(`${who}: ${pending.size} request(s) unanswered after ${timeout} ms: ${[...pending].map((r) => `${r.method()} ${r.url()}`).join(', ')}`);
      // antd spinners (ProTable loading, lazy pages) finish after the data arrives
      const spinner = page.locator('.ant-spin-spinning:visible, .ant-skeleton-active:visible').first();
      await spinner.waitFor({ state: 'hidden', timeout: Math.max(1000, until - Date.now()) }).catch(async () => {
        log(`${who}: a spinner still turns after ${timeout} ms at ${page.url()}: ${await spinner.evaluate((e) => e.outerHTML.slice(0, 200)).catch(() => '?')}`);
      });
      if (Date.now() - t0 > 5000) log(`${who}: the page took ${((Date.now() - t0) / 1000).toFixed(1)} s to settle at ${page.url()}`);
    },
    /**
     * Opens /console/<p> and waits for it to settle. Inside the console this is the router's own navigation (as a
     * menu click is: the bundle is not loaded again); from outside it (a blank page, the login page) a full load.
     */
    async open(p) {
      const target = `${stack.consoleUrl}${p.replace(/^\//, '')}`;
      // Another page of the console: the router's navigation. The same page with other filters: a full load (a
      // page reads its URL filters when it mounts, as after following a link).
      const here = new URL(page.url());
      const inside = here.href.startsWith(stack.consoleUrl) && !here.pathname.startsWith('/console/login') && here.pathname !== new URL(target).pathname;
      if (inside) {
        await page.evaluate((url) => {
          window.history.pushState({}, '', url);
          window.dispatchEvent(new PopStateEvent('popstate', { state: window.history.state }));
        }, target);
        await page.waitForURL((u) => u.href.startsWith(target.split('?')[0]));
      } else await page.goto(target);
      await op.settle();
    },
    testid: (id) => page.getByTestId(id),
    throwIfProblems() {
      if (problems.length) throw new Error(`the browser reported problems:\n  ${problems.join('\n  ')}`);
    },
  };
  return op;
}

/** The login page: username + password → the first page of the role, with the user in the header. */
async function login(op, stack, { username, password }) {
  const { page } = op;
  if (!page.url().includes('/console/login')) await page.goto(`${stack.consoleUrl}login`);
  await page.getByPlaceholder('用户名').fill(username);
  await page.getByPlaceholder('密码').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByTestId('current-user').waitFor();
  await op.settle();
}

/** A UI login without typing (for tools): stores the session the login endpoint returns, then opens the page. */
async function loginWithToken(op, stack, creds) {
  const s = await http('POST', `${stack.baseUrl}/api/admin/session`, creds);
  await op.context.addInitScript((session) => {
    if (!window.localStorage.getItem('o2o.console.session')) window.localStorage.setItem('o2o.console.session', JSON.stringify(session));
  }, { token: s.token, expiresAt: s.expiresAt, staff: s.staff });
  return s;
}

let shotSeq = 0;
/** Console paths pictured so far (`/stores`, `/staff/import`…), for a tour of what is left. */
const pictured = new Set();
/**
 * Settles the page and saves a full-page PNG as `<dir>/<nn>-<name>.png` (dir: server/console/dist/e2e, the
 * folder the README names). Returns the file's path.
 */
async function shot(op, name, { dir = ARTIFACTS, numbered = true, fullPage = true } = {}) {
  const page = op.page || op;
  if (op.settle) await op.settle();
  await page.evaluate(() => document.fonts && document.fonts.ready).catch(() => undefined);
  await page.waitForTimeout(250); // antd's enter animations (modal zoom, drawer slide) take ~0.2 s
  const m = /\/console(\/[^?#]*)/.exec(page.url());
  if (m) pictured.add(m[1].replace(/\/\d+$/, '/:id'));
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, numbered ? `${String(++shotSeq).padStart(2, '0')}-${name}.png` : `${name}.png`);
  // Fixed elements (the sider, a dialog's mask) are painted over the first viewport only in a 'full page' picture:
  // the window is made as tall as the page instead, so the picture is what a tall screen would show.
  // A dialog scrolls inside its own wrapper: its height counts too.
  const height = fullPage
    ? await page.evaluate(() => Math.max(document.documentElement.scrollHeight, document.body.scrollHeight, ...[...document.querySelectorAll('.ant-modal-wrap, .ant-drawer-body')].map((e) => e.scrollHeight + (e.classList.contains('ant-drawer-body') ? e.getBoundingClientRect().top : 0))))
    : VIEWPORT.height;
  const tall = Math.min(Math.max(height, VIEWPORT.height), 4000);
  if (tall !== VIEWPORT.height) {
    await page.setViewportSize({ width: VIEWPORT.width, height: tall });
    await page.waitForTimeout(150);
  }
  try {
    await page.screenshot({ path: file });
  } finally {
    if (tall !== VIEWPORT.height) await page.setViewportSize(VIEWPORT);
  }
  log(`screenshot ${path.relative(REPO, file)}`);
  return file;
}

// ---------------------------------------------------------------------------------------------------------------
// Files

/**
 * The number of pages in a PDF, read from its objects (no poppler): counts `/Type /Page` dictionaries (not
 * `/Pages`), including those inside compressed object streams. pdfkit writes plain objects, so the first pass is
 * enough for it; the object-stream pass keeps the count honest for other writers.
 */
function pdfPageCount(buf) {
  assert(buf.subarray(0, 5).toString('latin1') === '%PDF-', 'the file is a PDF');
  const zlib = require('node:zlib');
  const count = (text) => (text.match(/\/Type\s*\/Page(?![a-zA-Z])/g) || []).length;
  const raw = buf.toString('latin1');
  let pages = count(raw);
  const streamRe = /\/Type\s*\/ObjStm[\s\S]*?stream\r?\n/g;
  let m;
  while ((m = streamRe.exec(raw))) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    try {
      pages += count(zlib.inflateSync(buf.subarray(start, end)).toString('latin1'));
    } catch {
      /* not a deflated stream: nothing to count there */
    }
  }
  return pages;
}

module.exports = {
  REPO,
  CONSOLE_DIR,
  CONSOLE_DIST,
  ARTIFACTS,
  JOURNEY_CONSOLE_DIR,
  CHROMIUM,
  IN_CI,
  STEP_TIMEOUT,
  VIEWPORT,
  log,
  banner,
  assert,
  build,
  startStack,
  http,
  staffApi,
  makeCustomer,
  randomPhone,
  maskPhone,
  launchBrowser,
  operator,
  login,
  loginWithToken,
  shot,
  pictured,
  pdfPageCount,
};
