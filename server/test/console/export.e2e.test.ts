import crypto from 'node:crypto';
import { parseCsv, type JobView, type OrderStatus } from '@o2o/shared';
import { describeEachDb, type Harness } from '../helpers/harness';
import { makeClerkCode, makeStaff, makeStore, staffToken } from '../helpers/fixtures';
import { Job } from '../../src/modules/job/job.entity';
import { runJobs } from '../../src/modules/job/job-runner';
import { Order } from '../../src/modules/payment/order.entity';
import { consoleStore, consoleTokens, fanAt, memberAt, postAs } from './customer-fixtures';

jest.setTimeout(120_000);

/**
 * CSV exports of the customers and orders lists as `csv_export` jobs, run to their end before the file is read.
 */

async function insertOrder(h: Harness, customerId: number, storeId: number, status: OrderStatus, payableFen: number): Promise<number> {
  const no = crypto.randomBytes(8).toString('hex');
  return h.deps.db.transaction((tx) =>
    h.deps.db.insertReturningId(tx, Order, {
      outTradeNo: no,
      customerId,
      storeId,
      clerkId: null,
      status,
      channel: 'preorder',
      idempotencyKey: no,
      requestHash: no,
      listFen: payableFen,
      totalFen: payableFen,
      couponDiscountFen: 0,
      pointsDeductionFen: 0,
      payableFen,
      pointsUsed: 0,
      pickupCode: '000000',
      expiresAt: h.clock.now(),
      paidAt: status === 'created' || status === 'closed' ? null : h.clock.now(),
      inCustomerStats: false,
    }),
  );
}

/** Requests an export, runs it, and returns the job and its file (raw bytes and parsed records). */
async function exportCsv(h: Harness, token: string, list: 'customers' | 'orders', filters: object) {
  const req = await postAs(h, token, `/api/admin/${list}/export`, { filters });
  expect(req.status).toBe(202);
  expect(req.body.job).toMatchObject({ kind: 'csv_export', status: 'queued', downloadUrl: null });
  const id = req.body.job.id as number;
  // The requesting process may already run it (PROCESS_ROLE all starts a job after commit); else the test works it.
  let job: JobView;
  for (let tries = 0; ; tries++) {
    await runJobs(h.ctx);
    job = (await h.http.get(`/api/admin/jobs/${id}`).set({ Authorization: `Bearer ${token}` })).body.job;
    if (job.status === 'done' || job.status === 'failed' || tries > 200) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(job.status).toBe('done');
  const file = await h.http
    .get(`/api/admin/jobs/${id}/file`)
    .set({ Authorization: `Bearer ${token}` })
    .buffer(true)
    .parse((res, cb) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => cb(null, Buffer.concat(parts)));
    });
  expect(file.status).toBe(200);
  const bytes = file.body as Buffer;
  const records = parseCsv(bytes.toString('utf8')).records.map((r) => r.fields);
  return { id, job, file, bytes, text: bytes.toString('utf8'), header: records[0]!, rows: records.slice(1) };
}

describeEachDb('CSV export of the customers and orders lists: a job with the list filters, scoped, masked', (get) => {
  let world: Awaited<ReturnType<typeof setup>>;
  async function setup(h: Harness) {
    const tokens = await consoleTokens(h);
    const a = await consoleStore(h);
    const b = await consoleStore(h);
    // a store whose name a spreadsheet would run as a formula, with a comma and a quote in it
    const evil = await makeStore(h, `=HYPERLINK("x"),店${crypto.randomBytes(2).toString('hex')}`);
    const { staff: evilClerk } = await makeStaff(h, 'clerk', evil.id);
    const evilCode = await makeClerkCode(h, evil.id, evilClerk.id);
    const a1 = await memberAt(h, a.code.sceneEncoded);
    const a2 = await memberAt(h, a.code.sceneEncoded);
    const aFan = await fanAt(h, a.code.sceneEncoded);
    const b1 = await memberAt(h, b.code.sceneEncoded);
    const e1 = await memberAt(h, evilCode.sceneEncoded);
    return { ...tokens, a, b, evil, a1, a2, aFan, b1, e1 };
  }
  beforeAll(async () => {
    world = await setup(get());
  });

  it('customers filtered by store: BOM, header, exactly the matching rows newest first, phones masked only', async () => {
    const h = get();
    const { marketerToken, a, a1, a2, aFan, b1 } = world;
    const out = await exportCsv(h, marketerToken, 'customers', { storeId: String(a.store.id) });
    // UTF-8 BOM first (Excel reads the Chinese right), CRLF records
    expect([...out.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(out.text.split('\r\n')).toHaveLength(1 + 3 + 1); // header, 3 rows, nothing after the last CRLF
    expect(out.file.headers['content-type']).toMatch(/^text\/csv/);
    expect(out.file.headers['content-disposition']).toMatch(/^attachment; filename="job-\d+\.csv"; filename\*=UTF-8''%E9%A1%BE%E5%AE%A2/); // 顾客…
    expect(out.header[0]).toBe('顾客ID'); // (parseCsv drops the BOM)
    expect(out.header.slice(1, 3)).toEqual(['手机号（脱敏）', '会员']);
    // exactly the store's three customers (two members, one fan), newest first
    expect(out.rows.map((r) => Number(r[0]))).toEqual([aFan.customerId, a2.customerId, a1.customerId]);
    const mask = (p: string) => `${p.slice(0, 3)}****${p.slice(7)}`;
    expect(out.rows.map((r) => r[1])).toEqual(['', mask(a2.phone), mask(a1.phone)]);
    expect(out.rows.map((r) => r[2])).toEqual(['粉丝', '会员', '会员']);
    expect(out.rows.every((r) => r[6] === a.store.name && r[7] === a.clerk.name)).toBe(true);
    // never a full phone, of this store or another
    for (const p of [a1.phone, a2.phone, b1.phone]) expect(out.text).not.toContain(p);
    expect(out.job).toMatchObject({ status: 'done', progressDone: 3, progressTotal: 3, result: { list: 'customers', rows: 3, capped: false } });

    // member filter and the phone filter (stored as its blind index, never as the number)
    const members = await exportCsv(h, marketerToken, 'customers', { storeId: String(a.store.id), isMember: 'true' });
    expect(members.rows.map((r) => Number(r[0]))).toEqual([a2.customerId, a1.customerId]);
    const byPhone = await exportCsv(h, marketerToken, 'customers', { phone: `+86 ${a1.phone}` });
    expect(byPhone.rows.map((r) => Number(r[0]))).toEqual([a1.customerId]);
    const stored = await h.deps.db.read((em) => em.getRepository(Job).findOneByOrFail({ id: byPhone.id }));
    expect(stored.params).not.toContain(a1.phone);
    const audits: { details: string }[] = await h.deps.db.read((em) => em.query("SELECT details FROM audit_log WHERE action = 'customer.export' ORDER BY id"));
    expect(audits).toHaveLength(3);
    expect(audits.map((x) => x.details).join()).not.toContain(a1.phone);
  });

  it('text a spreadsheet would run is defused and quoted', async () => {
    const h = get();
    const { adminToken, evil, e1 } = world;
    const out = await exportCsv(h, adminToken, 'customers', { storeId: String(evil.id) });
    expect(out.rows.map((r) => Number(r[0]))).toEqual([e1.customerId]);
    expect(out.rows[0]![6]).toBe(`'${evil.name}`);
    expect(out.text).toContain(`"'=HYPERLINK(""x""),店`);
  });

  it("a store manager's export holds only their store, whatever storeId they send; others cannot see the job", async () => {
    const h = get();
    const { a, b, a1, a2, aFan, marketerToken } = world;
    const out = await exportCsv(h, a.managerToken, 'customers', { storeId: String(b.store.id) });
    expect(out.rows.map((r) => Number(r[0]))).toEqual([aFan.customerId, a2.customerId, a1.customerId]);
    const none = await exportCsv(h, a.managerToken, 'customers', {});
    expect(none.rows).toHaveLength(3);
    const row = await h.deps.db.read((em) => em.getRepository(Job).findOneByOrFail({ id: out.id }));
    expect(row.storeId).toBe(a.store.id);
    for (const t of [b.managerToken, marketerToken]) expect((await h.http.get(`/api/admin/jobs/${out.id}/file`).set({ Authorization: `Bearer ${t}` })).status).toBe(404);
    // a clerk may not export at all
    const { staff: clerk } = await makeStaff(h, 'clerk', a.store.id);
    expect((await postAs(h, staffToken(h, clerk.id), '/api/admin/customers/export', { filters: {} })).status).toBe(403);
  });

  it('bad filters are a 400 and queue nothing', async () => {
    const h = get();
    const { adminToken } = world;
    const before = await h.deps.db.read((em) => em.getRepository(Job).count());
    for (const [list, body] of [
      ['customers', { filters: { phone: '12345' } }],
      ['customers', { filters: { storeId: 'abc' } }],
      ['customers', { filters: { current: '2' } }], // paging is not a filter
      ['customers', { filters: {}, extra: 1 }],
      ['orders', { filters: { status: 'lost' } }],
      ['orders', { filters: { cursor: 'x' } }],
    ] as const) {
      const res = await postAs(h, adminToken, `/api/admin/${list}/export`, body);
      expect([list, res.status, res.body.code]).toEqual([list, 400, 'VALIDATION_FAILED']);
    }
    expect(await h.deps.db.read((em) => em.getRepository(Job).count())).toBe(before);
  });

  it('orders with a status filter: exactly the matching orders, amounts in yuan, masked phones; a manager only their store', async () => {
    const h = get();
    const { adminToken, a, b, a1, a2, b1 } = world;
    const paidA1 = await insertOrder(h, a1.customerId, a.store.id, 'paid', 1999);
    await insertOrder(h, a1.customerId, a.store.id, 'created', 500);
    const paidA2 = await insertOrder(h, a2.customerId, a.store.id, 'paid', 12000);
    await insertOrder(h, a2.customerId, a.store.id, 'refunded', 800);
    const paidB1 = await insertOrder(h, b1.customerId, b.store.id, 'paid', 300);

    const out = await exportCsv(h, adminToken, 'orders', { status: 'paid', storeId: String(a.store.id) });
    expect(out.header.slice(0, 4)).toEqual(['订单ID', '商户订单号', '状态', '渠道']);
    expect(out.rows.map((r) => Number(r[0]))).toEqual([paidA2, paidA1]);
    expect(out.rows.map((r) => [r[2], r[3], r[4], r[11]])).toEqual([
      ['已支付', '预订单', a.store.name, '120.00'],
      ['已支付', '预订单', a.store.name, '19.99'],
    ]);
    expect(out.rows.map((r) => r[6])).toEqual([`${a2.phone.slice(0, 3)}****${a2.phone.slice(7)}`, `${a1.phone.slice(0, 3)}****${a1.phone.slice(7)}`]);
    for (const p of [a1.phone, a2.phone]) expect(out.text).not.toContain(p);
    expect(out.job.result).toEqual({ list: 'orders', rows: 2, capped: false });

    // every paid order of the brand, then a store manager asking for another store gets their own
    const brand = await exportCsv(h, adminToken, 'orders', { status: 'paid' });
    expect(brand.rows.map((r) => Number(r[0]))).toEqual(expect.arrayContaining([paidA1, paidA2, paidB1]));
    expect(brand.rows.every((r) => r[2] === '已支付')).toBe(true);
    const managed = await exportCsv(h, a.managerToken, 'orders', { status: 'paid', storeId: String(b.store.id) });
    expect(managed.rows.map((r) => Number(r[0]))).toEqual([paidA2, paidA1]);
  });
});
