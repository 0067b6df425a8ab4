#!/usr/bin/env node
/**
 * The brand console's journey in Debian Chromium (playwright-core, 1440×900) against the real server on a fresh
 * database (MariaDB; SQLite outside CI when MariaDB is unreachable), with a screenshot of every page visited in
 * server/console/dist/e2e/ (numbered in journey order).
 *
 *   npm run test:e2e -w @o2o/console        (or npm run test:e2e:console; E2E_SKIP_BUILD=1 reuses the builds;
 *                                            E2E_CONSOLE_DIR / E2E_ARTIFACTS: a private console build / pictures)
 *
 * Before the browser, through the API and the WeChat emulator as the mini-program does: a member (1000 points)
 * who scanned clerk 王芳's code at 光谷店 and paid a pre-order there.
 *  1. the admin signs in;
 *  2. imports 20 stores (华东/华南) and 60 staff from CSV files made here: a duplicate store code and an unknown
 *     store code are reported by line, the other rows applied (counts checked as the UI shows them);
 *  3. batch-generates QR codes for every store and clerk;
 *  4. generates the poster PDF (a job with progress), downloads it, and checks it has one page per code;
 *  5. schedules a poster tag change on the store codes of the 华南 region and sees it on a code's timeline;
 *  6. finds the member by phone, adjusts their points, and refunds their order;
 *  7. marks 王芳 as left with her customers handed over to the store manager;
 *  8. the admin resets the console password of 光谷店's manager (周店长, now owning the member; a manager without a
 *     login gets one the same way), who signs in and sees only their store: the menu, the store, staff and
 *     customer lists. (The staff import's 20 manager logins, with their one-time passwords, are checked in step 2.)
 *  9. the admin creates a product whose member price gives points (会员价 ¥29.90 送 30 积分) and sees it in the list;
 * 10. creates a POS terminal for 光谷店 (the secret is shown once), signs a till sale for the member with it (the
 *     order shows as 收银机 with its receipt number), then 停用 it: the till's next signed request is refused.
 * Also: a marketer opening an admin-only page gets 无权访问; a session revoked mid-form opens the re-login dialog
 * over the page, keeps what was typed, and the submission goes through after signing in again; then a picture of
 * every other page of the console (from the routes in the bundle), which must not error either.
 *
 * Every step runs when its page exists in the console build. A step whose page is not there yet is reported as
 * WAITING (and its data is set up through the API so later steps still have it); with CI=true any waiting step
 * fails the run. Any page error, console error or unexpected HTTP error fails it too (lib.js `operator`).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const lib = require('./lib');

const { assert, log } = lib;

/**
 * The data-testids this journey relies on, by page (named `<area>-<thing>` by the pages' authors); a rename is one
 * line here. Row actions carry the row's id: `${T.staff.leave}${id}`.
 */
const T = {
  user: 'current-user',
  stores: { table: 'stores-table', importButton: 'stores-import-button', createButton: 'stores-create-button', formSubmit: 'stores-form-submit' },
  staff: { table: 'staff-table', importButton: 'staff-import-button', leave: 'staff-leave-', reset: 'staff-reset-', resetUsername: 'staff-reset-username', resetConfirm: 'staff-reset-confirm', newPassword: 'staff-new-password', importLogins: 'staff-import-logins' },
  leave: { select: 'leave-handover-select', summary: 'leave-summary', confirm: 'leave-confirm' },
  // the CSV import flow shared by stores and staff (components/CsvImport.tsx)
  csv: { file: 'csv-file-input', dryRun: 'csv-dry-run', counts: 'csv-counts', errors: 'csv-errors', dryRunReport: 'csv-dry-run-report', apply: 'csv-apply', result: 'csv-result' },
  qr: {
    table: 'qr-table',
    batchButton: 'qr-batch-generate',
    batchConfirm: 'qr-batch-confirm',
    postersButton: 'qr-posters-button',
    postersScope: 'qr-posters-scope',
    postersSubmit: 'qr-posters-submit',
    scheduleButton: 'qr-schedule-button',
    scheduleScope: 'qr-schedule-scope',
    scheduleRegion: 'qr-schedule-region',
    scheduleTag: 'qr-schedule-tag',
    scheduleStart: 'qr-schedule-start',
    scheduleSubmit: 'qr-schedule-submit',
    scheduleCount: 'qr-schedule-count',
    scheduleConfirm: 'qr-schedule-confirm',
    detail: 'qr-detail-', // on the row
    drawer: 'qr-drawer',
  },
  job: { progress: 'job-progress', count: 'job-progress-count', download: 'job-download' },
  customers: { table: 'customers-table', phone: 'customers-phone-search', search: 'customers-search-submit', row: 'customer-row-', balance: 'customer-balance', ledger: 'customer-ledger', orders: 'customer-orders' },
  points: { button: 'points-adjust-button', delta: 'points-adjust-delta', reason: 'points-adjust-reason', after: 'points-adjust-after', submit: 'points-adjust-submit' },
  orders: { table: 'orders-table', refundButton: 'order-refund-button' },
  refund: { amount: 'refund-amount', reason: 'refund-reason', preview: 'refund-preview', pointsReversed: 'refund-points-reversed', confirm: 'refund-confirm' },
  products: {
    table: 'products-table',
    create: 'product-create-button',
    sku: 'product-sku',
    name: 'product-name',
    category: 'product-category',
    price: 'product-price',
    memberPrice: 'product-member-price',
    pointsGiven: 'product-member-points-given',
    preview: 'product-price-preview',
    submit: 'product-form-submit',
    memberPriceCell: 'product-member-price-', // + sku
  },
  pos: {
    table: 'pos-terminals-table',
    create: 'pos-create-button',
    store: 'pos-create-store',
    name: 'pos-create-name',
    submit: 'pos-create-submit',
    secretModal: 'pos-secret-modal',
    keyId: 'pos-secret-key-id',
    secret: 'pos-secret-value',
    secretCopy: 'pos-secret-value-copy',
    done: 'pos-secret-done',
    revoke: 'pos-revoke-', // + terminal id
    revokeConfirm: 'pos-revoke-confirm',
  },
  orderDetail: { receiptNo: 'order-receipt-no', points: 'order-points' },
};

/** Pages each step needs (console paths); a step waits while one of them is not in the build. */
const STEP_PAGES = {
  import: ['/stores', '/staff/import'],
  batch: ['/qr-codes'],
  posters: ['/qr-codes'],
  schedule: ['/qr-codes'],
  customer: ['/customers', '/customers/:id', '/orders/:id'],
  leave: ['/staff'],
  manager: ['/stores', '/staff', '/customers'],
  noAccess: ['/stores/import'],
  reauth: ['/stores'],
  products: ['/products'],
  pos: ['/pos-terminals', '/orders', '/orders/:id'],
};

const REGION_EAST = '华东';
const REGION_SOUTH = '华南';

// ---------------------------------------------------------------------------------------------------------------
// The CSV files

/** 20 stores (10 华东, 10 华南) and one bad row: a code already used earlier in the file. */
function storesCsv() {
  const cities = { [REGION_EAST]: ['上海', '杭州', '南京'], [REGION_SOUTH]: ['广州', '深圳'] };
  const rows = [['门店编码', '门店名称', '城市', '区域', '地址', '状态']];
  const stores = [];
  for (let i = 1; i <= 20; i++) {
    const region = i <= 10 ? REGION_EAST : REGION_SOUTH;
    const city = cities[region][i % cities[region].length];
    const code = `${region === REGION_EAST ? 'HD' : 'HN'}${String(i).padStart(3, '0')}`;
    const store = { code, name: `小食光·${city}${['万象城', '天街', '大悦城', '来福士', '万达'][i % 5]}${i}店`, city, region, address: `${city}市人民路 ${100 + i} 号` };
    stores.push(store);
    rows.push([store.code, store.name, store.city, store.region, store.address, '营业']);
  }
  rows.splice(8, 0, ['HD003', '小食光·重复编码店', '上海', REGION_EAST, '上海市重复路 1 号', '营业']); // line 9: HD003 again
  return { stores, csv: rows.map((r) => r.join(',')).join('\n') + '\n', badLine: 9 };
}

/** 60 staff (a manager with a console login and 2 clerks per imported store) and one bad row: an unknown store. */
function staffCsv(stores) {
  const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
  const given = ['晓明', '丽华', '建国', '秀英', '志强', '海燕', '俊杰', '雪梅', '文博', '佳怡'];
  const rows = [['门店编码', '姓名', '角色', '用户名']];
  let n = 0;
  const name = () => `${surnames[n % surnames.length]}${given[(n + Math.floor(n++ / surnames.length)) % given.length]}`;
  const staff = [];
  for (const s of stores) {
    const manager = { storeCode: s.code, name: `${name()}`, role: '店长', username: `${s.code.toLowerCase()}.manager` };
    staff.push(manager, { storeCode: s.code, name: name(), role: '导购', username: '' }, { storeCode: s.code, name: name(), role: '导购', username: '' });
  }
  for (const p of staff) rows.push([p.storeCode, p.name, p.role, p.username]);
  rows.splice(31, 0, ['XX999', '赵无店', '导购', '']); // line 32: no such store
  return { staff, csv: rows.map((r) => r.join(',')).join('\n') + '\n', badLine: 32 };
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  const hasChromium = fs.existsSync(lib.CHROMIUM);
  if (!hasChromium) {
    if (lib.IN_CI) throw new Error(`Chromium not found at ${lib.CHROMIUM} and CI=true: apt-get install -y chromium fonts-wqy-microhei`);
    lib.banner([`CONSOLE BROWSER E2E SKIPPED: no Chromium at ${lib.CHROMIUM}`, 'Install it: apt-get install -y chromium fonts-wqy-microhei (or set CHROMIUM_PATH)']);
    return;
  }
  lib.build({ consoleOutDir: lib.JOURNEY_CONSOLE_DIR });
  fs.rmSync(lib.ARTIFACTS, { recursive: true, force: true });
  const stack = await lib.startStack({ consoleDir: lib.JOURNEY_CONSOLE_DIR });
  let browser;
  const ops = [];
  const waiting = [];
  const durations = [];
  try {
    log(`stack up in ${(stack.bootMs / 1000).toFixed(1)} s on ${stack.db === 'mysql' ? 'MariaDB (fresh database)' : 'SQLite (temporary file)'}: ${stack.consoleUrl}`);
    let admin = await lib.staffApi(stack, stack.logins.admin);
    const guanggu = stack.demo.stores.find((s) => s.storeCode === 'DEMO01');
    const wangfang = stack.demo.clerks.find((c) => c.name === '王芳');
    const member = await lib.makeCustomer(stack, { qrCode: wangfang.qrCode, order: [{ sku: 'NUT-002', quantity: 2 }, { sku: 'MEAT-001', quantity: 1 }] });
    log(`member ${lib.maskPhone(member.phone)} (王芳's customer) paid order ${member.order.outTradeNo} ¥${(member.order.payableFen / 100).toFixed(2)}`);
    // The marketer's coupon templates (as the H5 journey sets them up): the coupon pages and the scan-coupon choice show real rows.
    const marketer = await lib.staffApi(stack, stack.logins.marketer);
    await marketer.post('/coupon-templates', { title: '到店满20减5', kind: 'amount_off', thresholdFen: 2000, amountOffFen: 500, claimable: true, perCustomerLimit: 1, validDays: 7, status: 'active', totalStock: 1000 });
    await marketer.post('/coupon-templates', { title: '导购专享3元券', kind: 'voucher', amountOffFen: 300, validDays: 7, status: 'active' });

    browser = await lib.launchBrowser();
    const op = await lib.operator(browser, stack, 'admin');
    ops.push(op);
    const { page } = op;
    // The console's routes are declared in its area list (src/pages/*/index.tsx), in the entry bundle: a page is
    // there when its path is (cheaper than visiting each page, and not fooled by a slow lazy chunk).
    const html = await (await fetch(stack.consoleUrl)).text();
    const entry = /<script[^>]+src="([^"]+\.js)"/.exec(html);
    assert(entry, 'the console index references its entry script');
    const bundle = await (await fetch(new URL(entry[1], stack.baseUrl))).text();
    const exists = async (p) => bundle.includes(`path:\`${p}\``) || bundle.includes(`path:"${p}"`) || bundle.includes(`path:'${p}'`);
    /**
     * Runs a step when its pages exist; otherwise records it as waiting and runs `fallback` (API set-up). What the
     * browser reported during the step (page errors, console errors, unexpected HTTP errors) is attributed to it;
     * the journey goes on (later pictures are still taken) and fails at the end.
     */
    const troubles = [];
    const step = async (name, key, run, fallback) => {
      const t = Date.now();
      const missing = [];
      for (const p of STEP_PAGES[key] || []) if (!(await exists(p))) missing.push(p);
      if (missing.length) {
        waiting.push(`${name} (page ${missing.join(', ')} not in the console yet)`);
        log(`WAITING  ${name}: page ${missing.join(', ')} not in the console yet`);
        if (fallback) await fallback();
        return;
      }
      const seen = ops.map((o) => o.problems.length);
      await run();
      const fresh = ops.flatMap((o, i) => o.problems.slice(seen[i] ?? 0));
      durations.push([name, Date.now() - t]);
      if (fresh.length) {
        troubles.push(`${name}:\n    ${fresh.join('\n    ')}`);
        log(`PROBLEMS ${name} (${((Date.now() - t) / 1000).toFixed(1)} s):\n  ${fresh.join('\n  ')}`);
      } else log(`passed   ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    };

    // 1. Sign in.
    await step('1. admin signs in', 'login', async () => {
      await page.goto(`${stack.consoleUrl}`);
      await page.waitForURL(/\/console\/login/);
      await page.getByPlaceholder('用户名').waitFor();
      await lib.shot(op, 'login');
      await lib.login(op, stack, stack.logins.admin);
      assert((await op.testid('current-user').innerText()).includes('管理员'), 'the header names the admin');
      await lib.shot(op, 'admin-home');
    });

    // 2. Imports.
    const storeFile = storesCsv();
    const staffFile = staffCsv(storeFile.stores);
    let managerLogin = null;
    await step(
      '2. imports 20 stores and 60 staff (2 bad rows reported)',
      'import',
      async () => {
        const storesBefore = (await admin.get('/stores?current=1&pageSize=1')).total;
        const staffBefore = (await admin.get('/staff?current=1&pageSize=1')).total;
        await op.open('/stores');
        await op.testid(T.stores.importButton).click();
        const storeDialog = page.locator('.ant-modal').filter({ hasText: '导入门店' });
        await storeDialog.waitFor();
        await importThroughUi(op, storeDialog, 'stores.csv', storeFile.csv, { rows: 21, created: 20, badLine: storeFile.badLine, badText: 'HD003', shotName: 'stores-import' });
        await storeDialog.locator('.ant-modal-close').click();
        await storeDialog.waitFor({ state: 'hidden' });
        await op.settle();
        await op.testid(T.stores.table).getByText(`共 ${storesBefore + 20} 条`).waitFor();
        await lib.shot(op, 'stores-list');

        await op.open('/staff');
        await op.testid(T.staff.importButton).click();
        await page.waitForURL(/\/console\/staff\/import/);
        const staffPage = page.locator('.ant-pro-page-container');
        const staffReport = await importThroughUi(op, staffPage, 'staff.csv', staffFile.csv, { rows: 61, created: 60, badLine: staffFile.badLine, badText: 'XX999', shotName: 'staff-import' });
        const logins = op.testid(T.staff.importLogins);
        await logins.getByText('hd001.manager').waitFor();
        assert(staffReport.logins.length === 20, `20 store managers got a console login (${staffReport.logins.length})`);
        const row = logins.locator('tr', { hasText: 'hd001.manager' });
        const shownPassword = (await row.locator('code').last().innerText()).trim();
        managerLogin = staffReport.logins.find((l) => l.username === 'hd001.manager');
        assert(shownPassword === managerLogin.initialPassword, 'the page shows the initial password the server answered');
        await op.open('/staff');
        await op.testid(T.staff.table).getByText(`共 ${staffBefore + 60} 条`).waitFor();
        await lib.shot(op, 'staff-list');
      },
      async () => {
        await admin.post('/stores/import', { csv: storeFile.csv });
        const report = await admin.post('/staff/import', { csv: staffFile.csv });
        managerLogin = report.logins.find((l) => l.username === 'hd001.manager');
      },
    );

    // 3. QR codes for every store and clerk: the 20 new stores and their 60 staff have none yet.
    let codeCount = 0;
    await step(
      '3. batch-generates codes',
      'batch',
      async () => {
        const before = (await admin.get('/qr-codes?current=1&pageSize=1')).total;
        await op.open('/qr-codes');
        await op.testid(T.qr.batchButton).click();
        await op.testid(T.qr.batchConfirm).waitFor();
        await lib.shot(op, 'qr-batch-confirm');
        await op.testid(T.qr.batchConfirm).click();
        await page.getByText('已生成 80 个新二维码，已有的保持不变').waitFor();
        await op.settle();
        codeCount = (await admin.get('/qr-codes?current=1&pageSize=1')).total;
        assert(codeCount === before + 80, `80 new codes: 20 stores and 60 staff (${before} → ${codeCount})`);
        await op.testid(T.qr.table).getByText(`共 ${codeCount} 条`).waitFor();
        await lib.shot(op, 'qr-codes-list');
      },
      async () => {
        await admin.post('/qr-codes/batch', { includeClerks: true });
        codeCount = (await admin.get('/qr-codes?current=1&pageSize=1')).total;
      },
    );

    // 4. Poster PDF for every store with clerk codes: a job with progress, then the download; one page per code.
    await step('4. downloads the poster PDF and counts its pages', 'posters', async () => {
      await op.open('/qr-codes');
      await op.testid(T.qr.postersButton).click();
      const dialog = page.locator('.ant-modal').filter({ hasText: '生成海报 PDF' });
      await dialog.waitFor();
      await dialog.getByTestId(T.qr.postersScope).getByText('全部门店').click();
      await lib.shot(op, 'posters-dialog');
      await op.testid(T.qr.postersSubmit).click();
      await dialog.locator(`[data-testid="${T.job.progress}"][data-status="done"]`).waitFor({ timeout: 90_000 });
      const progress = await dialog.getByTestId(T.job.count).innerText();
      assert(progress.includes(`${codeCount} / ${codeCount}`), `the progress counts every code (${progress})`);
      await lib.shot(op, 'posters-ready');
      const [file] = await Promise.all([page.waitForEvent('download'), dialog.getByTestId(T.job.download).click()]);
      const pdfPath = path.join(lib.ARTIFACTS, 'posters.pdf');
      await file.saveAs(pdfPath);
      const pages = lib.pdfPageCount(fs.readFileSync(pdfPath));
      assert(pages === codeCount, `the poster PDF has one page per code (${pages} pages, ${codeCount} codes)`);
      log(`poster PDF ${file.suggestedFilename()}: ${pages} pages, ${(fs.statSync(pdfPath).size / 1024).toFixed(0)} KB`);
      await dialog.locator('.ant-modal-close').click();
    });

    // 5. The poster changes to 肉脯 tomorrow 08:00 on the store codes of 华南 (10 stores), then one code's timeline.
    await step("5. schedules a poster tag change on a region's store codes", 'schedule', async () => {
      await op.open('/qr-codes');
      await op.testid(T.qr.scheduleButton).click();
      const dialog = page.locator('.ant-modal').filter({ hasText: '换海报标签' });
      await dialog.waitFor();
      await dialog.getByTestId(T.qr.scheduleScope).getByText('区域').click();
      await pickOption(page, dialog.getByTestId(T.qr.scheduleRegion), REGION_SOUTH);
      await pickOption(page, dialog.getByTestId(T.qr.scheduleTag), '肉脯');
      const tomorrow = new Date(Date.now() + 8 * 3600_000 + 86_400_000).toISOString().slice(0, 10); // Shanghai date + 1
      const start = dialog.getByTestId(T.qr.scheduleStart).locator('input');
      await start.click();
      await start.fill(`${tomorrow} 08:00`);
      await page.locator('.ant-picker-dropdown:visible .ant-picker-ok button').click();
      await page.locator('.ant-picker-dropdown:visible').waitFor({ state: 'detached' }).catch(() => page.locator('.ant-picker-dropdown').first().waitFor({ state: 'hidden' }));
      assert((await start.inputValue()) === `${tomorrow} 08:00`, `the start time reads ${tomorrow} 08:00 (${await start.inputValue()})`);
      await lib.shot(op, 'schedule-dialog');
      await dialog.getByTestId(T.qr.scheduleSubmit).click();
      const count = op.testid(T.qr.scheduleCount);
      await count.waitFor();
      assert((await count.innerText()).trim() === '10', `the confirmation counts the 10 store codes of 华南 (${await count.innerText()})`);
      await lib.shot(op, 'schedule-confirm');
      await op.testid(T.qr.scheduleConfirm).click();
      await page.getByText(/已为 10 个二维码排期/).waitFor();
      await op.settle();
      const code = (await admin.get(`/qr-codes?current=1&pageSize=1&ownerType=store&q=HN012`)).items[0];
      await op.open(`/qr-codes?q=HN012&ownerType=store`);
      await op.testid(`${T.qr.detail}${code.id}`).click();
      const drawer = op.testid(T.qr.drawer);
      await drawer.getByText('肉脯').first().waitFor();
      await drawer.getByText(`${tomorrow} 08:00`).first().waitFor();
      await lib.shot(op, 'qr-timeline');
      const timeline = await admin.get(`/qr-codes/${code.id}/timeline`);
      const future = timeline.items.find((i) => i.kind === 'tag' && i.name === '肉脯' && i.state === 'future');
      assert(future && future.validFrom === new Date(`${tomorrow}T08:00:00+08:00`).toISOString(), `HN012's timeline has 肉脯 from tomorrow 08:00 (${JSON.stringify(timeline.items)})`);
      await page.keyboard.press('Escape');
    });

    // 6. The member by phone (blind index), +200 points with a reason, then a full refund of their order.
    await step('6. finds a customer by phone, adjusts points, refunds the order', 'customer', async () => {
      await op.open('/customers');
      await op.testid(T.customers.phone).fill(member.phone);
      await op.testid(T.customers.search).click();
      const row = op.testid(`${T.customers.row}${member.customer.id}`);
      await row.waitFor();
      await op.testid(T.customers.table).getByText('共 1 条').waitFor();
      assert((await row.innerText()).trim() === lib.maskPhone(member.phone), 'the list shows the masked phone only');
      await lib.shot(op, 'customers-by-phone');
      await row.click();
      await page.waitForURL(new RegExp(`/console/customers/${member.customer.id}$`));
      const detail = (await admin.get(`/customers/${member.customer.id}`)).customer;
      const balance = op.testid(T.customers.balance);
      await balance.getByText(String(detail.pointsBalance), { exact: true }).waitFor();
      await lib.shot(op, 'customer-detail');

      await op.testid(T.points.button).click();
      await op.testid(T.points.delta).fill('200');
      await op.testid(T.points.reason).fill('门店活动积分补发');
      await op.testid(T.points.after).getByText(String(detail.pointsBalance + 200)).waitFor();
      await lib.shot(op, 'points-adjust-dialog');
      await op.testid(T.points.submit).click();
      await page.getByText(`积分已调整 +200，当前 ${detail.pointsBalance + 200}`).waitFor();
      await balance.getByText(String(detail.pointsBalance + 200), { exact: true }).waitFor();
      await page.getByRole('tab', { name: '积分明细' }).click();
      await op.testid(T.customers.ledger).getByText('门店活动积分补发').waitFor();
      await lib.shot(op, 'customer-points-adjusted');

      await page.getByRole('tab', { name: '订单' }).click();
      await op.testid(T.customers.orders).getByText(member.order.outTradeNo).click();
      await page.waitForURL(new RegExp(`/console/orders/${member.order.id}$`));
      await op.settle();
      await lib.shot(op, 'order-detail');
      await op.testid(T.orders.refundButton).click();
      const dialog = page.locator('.ant-modal').filter({ hasText: `退款 · 订单 ${member.order.outTradeNo}` });
      await dialog.waitFor();
      const amount = page.locator(`input[data-testid="${T.refund.amount}"], [data-testid="${T.refund.amount}"] input`).first();
      assert((await amount.inputValue()) === (member.order.payableFen / 100).toFixed(2), `the whole paid amount is proposed (${await amount.inputValue()})`);
      await op.testid(T.refund.reason).fill('顾客退货');
      await op.testid(T.refund.pointsReversed).waitFor();
      await lib.shot(op, 'refund-confirm');
      await op.testid(T.refund.confirm).click();
      await page.getByText(`退款 ¥${(member.order.payableFen / 100).toFixed(2)} 已提交`).waitFor();
      let refunded = null;
      for (let i = 0; i < 40 && !refunded; i++) {
        const o = (await admin.get(`/orders/${member.order.id}`)).order;
        if (o.status === 'refunded') refunded = o;
        else await page.waitForTimeout(250);
      }
      assert(refunded, 'the order is refunded once WeChat Pay (the emulator) confirms');
      await op.open(`/orders/${member.order.id}`);
      await page.locator('.ant-page-header, .ant-pro-page-container').getByText('已退款').first().waitFor();
      await lib.shot(op, 'order-refunded');
      const after = (await admin.get(`/customers/${member.customer.id}`)).customer;
      const { pointsEarned, pointsUsed } = member.order;
      assert(after.pointsBalance === detail.pointsBalance + 200 - pointsEarned + pointsUsed, `the full refund takes back the ${pointsEarned} points earned and returns the ${pointsUsed} used (${detail.pointsBalance} + 200 → ${after.pointsBalance})`);
    });

    // 7. 王芳 leaves; her customers (the member) go to the store manager 周店长.
    const zhou = stack.demo.clerks.find((c) => c.name === '周店长');
    await step('7. marks a clerk as left with their customers handed over', 'leave', async () => {
      await op.open(`/staff?storeId=${guanggu.id}`);
      await op.testid(`${T.staff.leave}${wangfang.id}`).click();
      const dialog = page.locator('.ant-modal').filter({ hasText: `离职并交接：王芳` });
      await dialog.waitFor();
      await dialog.getByTestId(T.leave.summary).getByText('1 位顾客将转给 周店长').waitFor();
      await lib.shot(op, 'staff-leave-dialog');
      await dialog.getByTestId(T.leave.confirm).click();
      await page.getByText('王芳 已离职，1 位顾客已转给 周店长').waitFor();
      await dialog.waitFor({ state: 'hidden' });
      await op.settle();
      const row = op.testid(T.staff.table).locator('tr', { hasText: '王芳' });
      await row.getByText('已离职').waitFor();
      await lib.shot(op, 'staff-after-leave');
      const owned = await admin.get(`/customers?current=1&pageSize=20&clerkId=${zhou.id}`);
      assert(owned.items.some((c) => c.id === member.customer.id), `the member's clerk is now 周店长 (${JSON.stringify(owned.items.map((c) => c.id))})`);
    });

    // A marketer opening an admin-only page (the store import) gets 无权访问, not a blank page.
    await step('marketer opens an admin-only page: 无权访问', 'noAccess', async () => {
      const mk = await lib.operator(browser, stack, 'marketer');
      ops.push(mk);
      await lib.login(mk, stack, stack.logins.marketer);
      await mk.open('/stores/import');
      await mk.page.getByText('无权访问', { exact: true }).waitFor();
      await mk.page.getByText('你的角色不能查看此页面').waitFor();
      await lib.shot(mk, 'marketer-no-access');
      await mk.context.close();
    });

    // 8. The store manager: the admin (re)issues 周店长's console password, 周店长 signs in and sees only 光谷店.
    await step('8. a store manager signs in and sees only their store', 'manager', async () => {
      await op.open(`/staff?storeId=${guanggu.id}`);
      await op.testid(`${T.staff.reset}${zhou.id}`).click();
      const zhouRow = (await admin.get(`/staff?current=1&pageSize=20&storeId=${guanggu.id}&role=store_manager`)).items[0];
      const username = zhouRow.username || 'guanggu.manager';
      if (!zhouRow.username) await op.testid(T.staff.resetUsername).fill(username); // a manager without a login gets one
      await op.testid(T.staff.resetConfirm).click();
      const password = (await op.testid(T.staff.newPassword).innerText()).trim();
      assert(password.length >= 10, 'a new password is shown once');
      await lib.shot(op, 'staff-manager-login-opened');
      await page.getByRole('button', { name: /知\s*道\s*了|确\s*定|OK/ }).last().click();

      const mg = await lib.operator(browser, stack, 'manager');
      ops.push(mg);
      await lib.login(mg, stack, { username, password });
      assert((await mg.testid(T.user).innerText()).includes('店长'), 'the header names the store manager');
      const menu = (await mg.page.locator('.ant-pro-sider').first().innerText()).replace(/\s+/g, ' ');
      for (const hidden of ['优惠券', '标签', '告警']) assert(!menu.includes(hidden), `the manager's menu has no ${hidden} (menu: ${menu})`);
      await lib.shot(mg, 'manager-home');
      await mg.open('/stores');
      const stores = mg.testid(T.stores.table);
      await stores.getByText(guanggu.name).waitFor();
      await stores.getByText('共 1 条').waitFor();
      await lib.shot(mg, 'manager-stores');
      await mg.open('/staff');
      await mg.testid(T.staff.table).getByText('共 3 条').waitFor(); // 周店长, 李娜, 王芳 (left)
      await lib.shot(mg, 'manager-staff');
      await mg.open('/customers');
      await mg.page.getByText(lib.maskPhone(member.phone)).waitFor();
      await lib.shot(mg, 'manager-customers');
      await mg.context.close();
    });

    // A session revoked mid-form: the re-login dialog opens over the page, the typed values stay, the save goes through.
    await step('session expired mid-form keeps the input after re-login', 'reauth', async () => {
      await op.open('/stores');
      await op.testid(T.stores.createButton).click();
      const drawer = page.locator('.ant-drawer').filter({ hasText: '新建门店' });
      await drawer.waitFor();
      const typed = { code: 'RELOGIN01', name: '小食光·重新登录测试店', city: '苏州', region: REGION_EAST, address: '苏州市观前街 8 号' };
      await drawer.getByPlaceholder('留空自动生成').fill(typed.code);
      // by the form item's label (the list's search form above has fields with the same ids)
      const field = (label) => drawer.locator('.ant-form-item').filter({ has: page.locator(`label:text-is("${label}")`) }).locator('input');
      await field('门店名称').fill(typed.name);
      await field('城市').fill(typed.city);
      await field('区域').fill(typed.region);
      await field('地址').fill(typed.address);
      // The server revokes the admin's sessions (what a password reset or 退出所有设备 does): the next request is a 401.
      await stack.sql('UPDATE staff SET token_version = token_version + 1 WHERE username = ?', ['admin']);
      const expected401 = op.expectHttp(401, '/api/admin/');
      await op.testid(T.stores.formSubmit).click();
      const relogin = page.locator('.ant-modal').filter({ hasText: '登录已过期' });
      await relogin.waitFor();
      const values = await drawer.locator('input').evaluateAll((els) => els.map((e) => e.value));
      for (const v of Object.values(typed)) assert(values.includes(v), `the form still holds "${v}" under the re-login dialog (${JSON.stringify(values)})`);
      await lib.shot(op, 'session-expired-relogin');
      await relogin.getByPlaceholder('密码').fill(stack.logins.admin.password);
      const created = page.waitForResponse((r) => r.url().endsWith('/api/admin/stores') && r.request().method() === 'POST' && r.status() === 201);
      await relogin.getByRole('button', { name: /登\s*录/ }).click();
      await created; // the submission that met the 401 is sent again with the new session
      await relogin.waitFor({ state: 'hidden' });
      await drawer.waitFor({ state: 'hidden' });
      expected401.done();
      await op.settle();
      admin = await lib.staffApi(stack, stack.logins.admin);
      const store = (await admin.get(`/stores?q=${typed.code}`)).items[0];
      assert(store && store.name === typed.name && store.city === typed.city && store.region === typed.region && store.address === typed.address, `the store was created with the typed values (${JSON.stringify(store)})`);
      await lib.shot(op, 'session-expired-saved');
    });

    // 9. A product whose member price gives points (会员价送积分), created in the form, listed as the price tag reads.
    const newSku = 'NUT-009';
    await step('9. creates a product whose member price gives points', 'products', async () => {
      await op.open('/products');
      const table = op.testid(T.products.table);
      await table.getByTestId(`${T.products.memberPriceCell}NUT-003`).getByText('¥29.90 送 30 积分').waitFor(); // the demo's
      await table.getByTestId(`${T.products.memberPriceCell}NUT-001`).getByText('¥1.90 + 6 积分').waitFor();
      await lib.shot(op, 'products-list');
      await op.testid(T.products.create).click();
      const drawer = page.locator('.ant-drawer').filter({ hasText: '新建商品' });
      await drawer.waitFor();
      const input = (id) => drawer.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first();
      await input(T.products.sku).fill(newSku);
      await input(T.products.name).fill('开心果 200g');
      await input(T.products.category).fill('坚');
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: /^坚果$/ }).click(); // a suggested category
      await input(T.products.price).fill('39.90');
      await drawer.getByText('现金送积分', { exact: true }).click();
      await input(T.products.memberPrice).fill('29.90');
      await input(T.products.pointsGiven).fill('30');
      await drawer.getByTestId(T.products.preview).getByText('会员价 ¥29.90 送 30 积分').waitFor();
      await lib.shot(op, 'product-form-points-given');
      const created = page.waitForResponse((r) => r.url().endsWith('/api/admin/products') && r.request().method() === 'POST');
      await op.testid(T.products.submit).click();
      const res = await created;
      assert(res.status() === 201, `the product is created (${res.status()} ${await res.text()})`);
      await drawer.waitFor({ state: 'hidden' });
      await op.settle();
      await table.getByTestId(`${T.products.memberPriceCell}${newSku}`).getByText('¥29.90 送 30 积分').waitFor();
      await lib.shot(op, 'products-created');
      const { items } = await admin.get(`/products?current=1&pageSize=20&q=${newSku}`);
      assert(items.length === 1 && items[0].memberPriceFen === 2990 && items[0].memberPointsGiven === 30 && !items[0].memberPoints, `the product gives 30 points at ¥29.90 (${JSON.stringify(items)})`);
    });

    // 10. A till for 光谷店: created with its secret shown once, used for a signed sale, then 停用 (refused at once).
    await step('10. creates a POS terminal, sells at the till with it, then revokes it', 'pos', async () => {
      await op.open('/pos-terminals');
      await op.testid(T.pos.create).click();
      const dialog = page.locator('.ant-modal').filter({ hasText: '新建收银终端' });
      await dialog.waitFor();
      // the store picker searches the server by code or name
      const storeSelect = dialog.getByTestId(T.pos.store);
      await storeSelect.click();
      await storeSelect.locator('input').fill(guanggu.storeCode);
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: `${guanggu.name}（${guanggu.storeCode}）` }).first().click();
      await dialog.locator(`input[data-testid="${T.pos.name}"]`).fill('1 号收银台');
      await lib.shot(op, 'pos-terminal-create');
      const created = page.waitForResponse((r) => r.url().endsWith('/api/admin/pos-terminals') && r.request().method() === 'POST');
      await op.testid(T.pos.submit).click();
      const { terminal, secret } = await (await created).json();
      const modal = op.testid(T.pos.secretModal);
      await modal.waitFor();
      assert((await op.testid(T.pos.secret).innerText()).includes(secret), 'the modal shows the secret the server answered');
      assert((await op.testid(T.pos.keyId).innerText()).includes(terminal.keyId), 'the modal shows the key id');
      await op.testid(T.pos.secretCopy).click();
      await modal.getByText('已复制').first().waitFor();
      await lib.shot(op, 'pos-terminal-secret');
      await op.testid(T.pos.done).click();
      await modal.waitFor({ state: 'hidden' });
      const row = op.testid(T.pos.table).locator('tr', { hasText: terminal.keyId });
      await row.getByText('启用中').waitFor();
      const listed = (await admin.get(`/pos-terminals?storeId=${guanggu.id}`)).items.find((t) => t.id === terminal.id);
      assert(listed && !JSON.stringify(listed).includes(secret), 'the list never carries the secret');

      // The till signs with the key: the member buys 2 × NUT-003 (会员价送积分) and 1 × NUT-001 (会员价扣积分).
      const till = { keyId: terminal.keyId, secret };
      const receiptNo = 'T1-000123';
      const sale = await posCall(stack, till, 'POST', '/api/pos/v1/sales', { phone: member.phone, items: [{ sku: 'NUT-003', quantity: 2 }, { sku: 'NUT-001', quantity: 1 }], receiptNo });
      assert(sale.status === 201, `the signed sale is recorded (${sale.status} ${JSON.stringify(sale.json)})`);
      assert(sale.json.sale.pointsGiven === 60, `the member is given 2 × 30 points (${sale.json.sale.pointsGiven})`);
      await op.open('/orders?channel=pos');
      const orderRow = op.testid(T.orders.table).locator('tr', { hasText: sale.json.sale.outTradeNo });
      await orderRow.getByText('收银机').waitFor();
      await orderRow.getByText(`小票号 ${receiptNo}`).waitFor();
      await lib.shot(op, 'orders-till-sale');
      await op.open(`/orders/${sale.json.sale.id}`);
      await op.testid(T.orderDetail.receiptNo).getByText(receiptNo).waitFor();
      await page.getByText('¥29.90 送 30 积分').first().waitFor();
      await op.testid(T.orderDetail.points).getByText(/含会员价送积分 60 积分/).waitFor();
      await lib.shot(op, 'order-till-sale-detail');

      await op.open('/pos-terminals');
      await op.testid(`${T.pos.revoke}${terminal.id}`).click();
      const confirm = page.locator('.ant-popover').filter({ hasText: '立即生效' });
      await confirm.waitFor();
      await lib.shot(op, 'pos-terminal-revoke-confirm');
      await op.testid(T.pos.revokeConfirm).click();
      await op.testid(T.pos.table).locator('tr', { hasText: terminal.keyId }).getByText('已停用').waitFor();
      await op.settle();
      await lib.shot(op, 'pos-terminal-revoked');
      const refused = await posCall(stack, till, 'POST', '/api/pos/v1/members/identify', { phone: member.phone });
      assert(refused.status === 401 && refused.json.code === 'POS_KEY_INVALID', `a revoked key is refused at once (${refused.status} ${JSON.stringify(refused.json)})`);
    });

    // Every other page of the console, as the admin sees it after the journey (the audit log has its entries now):
    // a picture of each, and nothing on them may error.
    await step('tour: every other console page (admin)', 'tour', async () => {
      const paths = [...new Set([...bundle.matchAll(/path:[`'"](\/[a-z0-9/-]*)[`'"]/g)].map((m) => m[1]))].filter((p) => !['/', '/login', '/no-access'].includes(p) && !lib.pictured.has(p));
      for (const p of paths) {
        await op.open(p);
        assert((await page.getByText('页面不存在', { exact: true }).count()) === 0, `${p} opens`);
        await lib.shot(op, `page${p.replace(/\//g, '-')}`);
      }
      log(`toured ${paths.length} more pages: ${paths.join(' ')}`);
    });

    if (troubles.length) throw new Error(`the browser reported problems:\n  ${troubles.join('\n  ')}`);
    const total = (Date.now() - started) / 1000;
    log(`journey done in ${total.toFixed(0)} s (steps: ${durations.map(([n, ms]) => `${n.split(' ')[0]} ${(ms / 1000).toFixed(1)} s`).join(', ')})`);
    if (waiting.length) {
      lib.banner(['CONSOLE JOURNEY INCOMPLETE: these steps wait for their pages', ...waiting.map((w) => `  ${w}`)]);
      if (lib.IN_CI) throw new Error(`${waiting.length} journey step(s) waiting for their pages with CI=true`);
    }
  } catch (err) {
    for (const o of ops.filter((x) => !x.page.isClosed())) {
      const file = path.join(lib.ARTIFACTS, `failure-${o.who}.png`);
      fs.mkdirSync(lib.ARTIFACTS, { recursive: true });
      await o.page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      log(`screenshot of the failure: ${path.relative(lib.REPO, file)} (at ${o.page.url()})`);
      if (o.problems.length) log(`${o.who}: browser problems so far:\n  ${o.problems.join('\n  ')}`);
    }
    process.stderr.write(`\n--- stack output (tail) ---\n${stack.logs().slice(-6000)}\n`);
    throw err;
  } finally {
    if (browser) await browser.close();
    await stack.stop();
  }
}

/**
 * A signed POS API request, as a till makes one (docs/pos-integration.md): HMAC-SHA256 with the terminal's secret over
 * method, path, timestamp, nonce and the body's SHA-256. Returns {status, json}.
 */
async function posCall(stack, { keyId, secret }, method, p, body) {
  const raw = body === undefined ? '' : JSON.stringify(body);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = crypto.randomBytes(16).toString('base64url');
  const canonical = [method, p, timestamp, nonce, crypto.createHash('sha256').update(raw).digest('hex')].join('\n');
  const signature = crypto.createHmac('sha256', Buffer.from(secret, 'utf8')).update(canonical, 'utf8').digest('hex');
  const headers = { Accept: 'application/json', 'X-Pos-Key': keyId, 'X-Pos-Timestamp': timestamp, 'X-Pos-Nonce': nonce, 'X-Pos-Signature': signature };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${stack.baseUrl}${p}`, { method, headers, body: body === undefined ? undefined : raw });
  return { status: res.status, json: await res.json().catch(() => null) };
}

/** An antd Select: open it, type to filter, click the option with exactly this label. */
async function pickOption(page, select, label) {
  await select.click();
  await select.locator('input').fill(label).catch(() => undefined);
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: new RegExp(`^${label}$`) }).first().click();
}

/**
 * The CSV import flow (components/CsvImport.tsx) inside `scope` (the stores' dialog or the staff import page):
 * choose the file, 预检 (the dry run: counts and the bad row by line, nothing written), 导入 (apply), the result.
 * Checks the counts as the page shows them and as the server answered; returns the apply report.
 */
async function importThroughUi(op, scope, fileName, csv, expect) {
  const { page } = op;
  await scope.locator('input[type=file]').setInputFiles({ name: fileName, mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  await scope.getByText(`表头正确，共 ${expect.rows} 行数据`).waitFor();
  const dry = page.waitForResponse((r) => r.url().includes('/import?dryRun=1') && r.request().method() === 'POST');
  await scope.getByTestId(T.csv.dryRun).click();
  const dryReport = await (await dry).json();
  assert(dryReport.dryRun === true && dryReport.applied === false, 'the first request is a dry run that applies nothing');
  await scope.getByTestId(T.csv.dryRunReport).waitFor();
  const counts = countsOf(await scope.getByTestId(T.csv.counts).innerText());
  assert(counts.rows === expect.rows && counts.created === expect.created && counts.errors === 1, `the dry run shows ${expect.rows} rows, ${expect.created} to create, 1 in error (${JSON.stringify(counts)})`);
  const errors = await scope.getByTestId(T.csv.errors).innerText();
  assert(errors.includes(String(expect.badLine)) && errors.includes(expect.badText), `the bad row is shown by its line ${expect.badLine} and names ${expect.badText}:\n${errors}`);
  assert(dryReport.errors.length === 1 && dryReport.errors[0].line === expect.badLine, `the server reported line ${expect.badLine} (${JSON.stringify(dryReport.errors)})`);
  await lib.shot(op, `${expect.shotName}-dry-run`);

  const applied = page.waitForResponse((r) => /\/import(\?dryRun=0)?$/.test(r.url()) && r.request().method() === 'POST');
  await scope.getByTestId(T.csv.apply).click();
  const report = await (await applied).json();
  const result = scope.getByTestId(T.csv.result);
  await result.waitFor();
  const text = await result.innerText();
  assert(text.includes(`新增 ${expect.created}`) && text.includes('1 行有错误，已跳过'), `the result shows ${expect.created} created and 1 row skipped:\n${text}`);
  assert(report.applied === true && report.created === expect.created && report.errors.length === 1, `apply: ${JSON.stringify({ created: report.created, errors: report.errors })}`);
  await lib.shot(op, `${expect.shotName}-applied`);
  return report;
}

/** The counts of `csv-counts` (antd Statistic: title, then value). */
function countsOf(text) {
  const n = (re) => Number((re.exec(text) || [])[1]);
  return { rows: n(/数据行\s*(\d+)/), created: n(/[将已]新增\s*(\d+)/), updated: n(/[将已]更新\s*(\d+)/), unchanged: n(/无变化\s*(\d+)/), errors: n(/有错误[^\d]*(\d+)/) };
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`\n[console-e2e] FAILED: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
