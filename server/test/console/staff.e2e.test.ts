import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer, newOpenid, session } from '../helpers/flows';
import { hashPassword, makeClerkCode, makeStaff, makeStore, staffToken } from '../helpers/fixtures';
import { adminToken, count, postCsv, sql, STORE_HEADER, uniquePrefix } from './stores-helpers';

const STAFF_HEADER = ['门店编码', '姓名', '角色', '用户名'];

/** `n` customers bound to `clerkId` by scanning their clerk code. */
async function customersOf(h: Harness, storeId: number, clerkId: number, n: number): Promise<number[]> {
  const code = await makeClerkCode(h, storeId, clerkId);
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push((await session(h, newOpenid(), code.sceneEncoded)).customer.id);
  return ids;
}
const ownerOf = async (h: Harness, customerIds: number[]) =>
  (await sql(h, `SELECT staff_id FROM customer_clerk WHERE customer_id IN (${customerIds.map(() => '?').join(',')})`, customerIds)).map((r) => Number(r.staff_id));
const me = (h: Harness, token: string) => h.http.get('/api/clerk/me').set(bearer(token));

describeEachDb('console staff import (CSV)', (get) => {
  it('reports unknown stores and bad rows per line, creates the rest with invite codes, gives managers a one-time login, and is idempotent', async () => {
    const h = get();
    const { token } = await adminToken(h);
    const p = uniquePrefix();
    await postCsv(h, token, '/api/admin/stores/import', [STORE_HEADER, [`${p}A`, 'A 店', '武汉', '华中', '', ''], [`${p}B`, 'B 店', '武汉', '华中', '', '']], false);
    const mgr = `${p.toLowerCase()}.mgr`;
    const rows = [
      STAFF_HEADER,
      [`${p}A`, '周店长', '店长', mgr],
      [`${p}A`, '王芳', '导购', ''],
      [`${p}a`, '李娜', 'clerk', ''], // store code in another case
      [`${p}X`, '赵六', '导购', ''], // unknown store
      [`${p}B`, '钱七', '收银', ''], // unknown role
      [`${p}B`, '孙八', '导购', mgr], // username repeated in the file
      [`${p}A`, '王芳', '导购', ''], // the same person twice
      [`${p}B`, '', '导购', ''], // no name
      [`${p}B`, '吴店长', 'store_manager', 'x'], // username too short
    ];
    const before = await count(h, 'staff');
    const dry = await postCsv(h, token, '/api/admin/staff/import', rows, true);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, applied: false, total: 9, created: 3, updated: 0, unchanged: 0, logins: [] });
    expect(dry.body.errors.map((e: { line: number; code: string }) => [e.line, e.code])).toEqual([
      [5, 'UNKNOWN_STORE'],
      [6, 'INVALID_VALUE'],
      [7, 'DUPLICATE_IN_FILE'],
      [8, 'DUPLICATE_IN_FILE'],
      [9, 'REQUIRED'],
      [10, 'INVALID_FORMAT'],
    ]);
    expect(dry.body.errors[0].message).toContain(`${p}X`);
    expect(await count(h, 'staff')).toBe(before);

    const applied = await postCsv(h, token, '/api/admin/staff/import', rows, false);
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ applied: true, created: 3, updated: 0, unchanged: 0 });
    expect(applied.body.logins).toEqual([{ line: 2, storeCode: `${p}A`, name: '周店长', username: mgr, initialPassword: expect.stringMatching(/^.{14}$/) }]);
    expect(await count(h, 'staff')).toBe(before + 3);
    const password = applied.body.logins[0].initialPassword;
    // the password is stored hashed only, never in the audit row; it signs the manager in
    expect(await count(h, 'staff', 'password_hash = ?', [password])).toBe(0);
    const auditRow = (await sql(h, "SELECT details FROM audit_log WHERE action = 'staff.import' ORDER BY id DESC"))[0];
    expect(auditRow.details).not.toContain(password);
    const login = await h.http.post('/api/admin/session').send({ username: mgr, password });
    expect(login.status).toBe(200);
    expect(login.body.staff).toMatchObject({ role: 'store_manager', name: '周店长' });

    // the invite sheet lists the new, unbound people of the store with their codes
    const storeA = (await sql(h, 'SELECT id FROM store WHERE code = ?', [`${p}A`]))[0].id;
    const sheet = await h.http.get('/api/admin/staff/invites').query({ storeId: storeA }).set(bearer(token));
    expect(sheet.status).toBe(200);
    expect(sheet.body.stores).toHaveLength(1);
    expect(sheet.body.stores[0]).toMatchObject({ storeCode: `${p}A`, storeName: 'A 店' });
    expect(sheet.body.stores[0].staff.map((s: { name: string }) => s.name)).toEqual(['周店长', '王芳', '李娜']);
    expect(sheet.body.stores[0].staff.every((s: { inviteCode: string }) => /^[A-Za-z0-9]{10}$/.test(s.inviteCode))).toBe(true);

    // the same file again: nothing created, nothing changed, no new logins
    const again = await postCsv(h, token, '/api/admin/staff/import', rows, false);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 3, logins: [] });
    expect(await count(h, 'staff')).toBe(before + 3);

    // a role change updates that person and ends their sessions; the manager's password still works
    const wang = (await sql(h, "SELECT id FROM staff WHERE store_id = ? AND name = '王芳'", [storeA]))[0].id;
    const wangToken = staffToken(h, Number(wang));
    expect((await me(h, wangToken)).status).toBe(200);
    const promoted = await postCsv(h, token, '/api/admin/staff/import', [STAFF_HEADER, [`${p}A`, '王芳', '店长', '']], false);
    expect(promoted.body).toMatchObject({ created: 0, updated: 1, logins: [] });
    expect((await me(h, wangToken)).status).toBe(401);
    expect((await h.http.post('/api/admin/session').send({ username: mgr, password })).status).toBe(200);
  });

  it('a header without 角色 is refused whole; a username of another store or of a former employee is a row error', async () => {
    const h = get();
    const { token } = await adminToken(h);
    const before = await count(h, 'staff');
    const bad = await postCsv(h, token, '/api/admin/staff/import', [['storeCode', 'name'], ['S', '王']], false);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('IMPORT_HEADER_INVALID');
    expect(bad.body.details.missing).toEqual(['角色']);
    expect(await count(h, 'staff')).toBe(before);

    const a = await makeStore(h);
    const b = await makeStore(h);
    const p = uniquePrefix().toLowerCase();
    await h.http.post('/api/admin/staff').set(bearer(token)).send({ name: '甲', role: 'store_manager', storeId: a.id, username: `${p}.a`, password: 'correct horse battery' });
    const left = await h.http.post('/api/admin/staff').set(bearer(token)).send({ name: '乙', role: 'store_manager', storeId: b.id, username: `${p}.b`, password: 'correct horse battery' });
    await h.http.post(`/api/admin/staff/${left.body.staff.id}/leave`).set(bearer(token)).send({});
    const res = await postCsv(h, token, '/api/admin/staff/import', [STAFF_HEADER, [b.code, '甲', '店长', `${p}.a`], [b.code, '乙', '店长', `${p}.b`], [b.code, '丙', '导购', 'admin']], true);
    expect(res.body.errors.map((e: { line: number; code: string }) => [e.line, e.code])).toEqual([
      [2, 'USERNAME_TAKEN'],
      [3, 'USERNAME_TAKEN'],
    ]);
    expect(res.body.errors[1].message).toContain('离职');
  });
});

describeEachDb('console staff: list, scoping, leave with handover, move, password reset, console login', (get) => {
  it('lists with filters and customer counts; a store manager sees only their store (filters cannot widen it); clerks are refused', async () => {
    const h = get();
    const { token } = await adminToken(h);
    const a = await makeStore(h);
    const b = await makeStore(h);
    const { staff: manager } = await makeStaff(h, 'store_manager', a.id, '甲店长');
    const { staff: clerk } = await makeStaff(h, 'clerk', a.id, '甲导购');
    const { staff: otherClerk } = await makeStaff(h, 'clerk', b.id, '乙导购');
    await customersOf(h, a.id, clerk.id, 2);

    const list = (t: string, q: Record<string, string | number> = {}) => h.http.get('/api/admin/staff').query({ pageSize: 100, ...q }).set(bearer(t));
    const admin = await list(token, { storeId: a.id });
    expect(admin.status).toBe(200);
    expect(admin.body.total).toBe(2);
    const row = admin.body.items.find((s: { id: number }) => s.id === clerk.id);
    expect(row).toMatchObject({ name: '甲导购', role: 'clerk', storeCode: a.code, storeName: a.name, customerCount: 2, consoleLogin: false, status: 'active' });
    expect((await list(token, { storeId: a.id, role: 'store_manager' })).body.items.map((s: { id: number }) => s.id)).toEqual([manager.id]);
    expect((await list(token, { q: '乙导' })).body.items.map((s: { id: number }) => s.id)).toContain(otherClerk.id);

    const m = staffToken(h, manager.id);
    const own = await list(m);
    expect(own.body.items.map((s: { storeId: number }) => s.storeId)).toEqual([a.id, a.id]);
    expect((await list(m, { storeId: b.id })).body.items.every((s: { storeId: number }) => s.storeId === a.id)).toBe(true);
    expect((await h.http.get('/api/admin/staff/invites').query({ storeId: b.id }).set(bearer(m))).body.stores).toEqual([]);
    expect((await h.http.get('/api/admin/staff/invites').set(bearer(m))).body.stores.map((s: { storeId: number }) => s.storeId)).toEqual([a.id]);
    expect((await h.http.get('/api/admin/staff').set(bearer(staffToken(h, clerk.id)))).status).toBe(403);
    expect((await postCsv(h, m, '/api/admin/staff/import', [STAFF_HEADER], true)).status).toBe(403);
  });

  it('leave hands the customers to the chosen clerk in the same request, revokes tokens, and a retry completes nothing twice', async () => {
    const h = get();
    const { token } = await adminToken(h);
    const store = await makeStore(h);
    const { staff: leaving } = await makeStaff(h, 'clerk', store.id);
    const { staff: heir } = await makeStaff(h, 'clerk', store.id);
    const customers = await customersOf(h, store.id, leaving.id, 3);
    const leavingToken = staffToken(h, leaving.id);
    expect((await me(h, leavingToken)).status).toBe(200);

    const res = await h.http.post(`/api/admin/staff/${leaving.id}/leave`).set(bearer(token)).send({ handoverToStaffId: heir.id });
    expect(res.status).toBe(200);
    expect(res.body.staff).toMatchObject({ id: leaving.id, status: 'left' });
    expect(res.body.handover).toEqual({ toStaffId: heir.id, moved: 3 });
    expect(await ownerOf(h, customers)).toEqual([heir.id, heir.id, heir.id]);
    expect((await me(h, leavingToken)).status).toBe(401);
    expect(await count(h, 'clerk_assignment', "from_staff_id = ? AND rule = 'handover'", [leaving.id])).toBe(3);
    expect(await count(h, 'audit_log', "action = 'staff.leave' AND target_id = ?", [String(leaving.id)])).toBe(1);

    const retry = await h.http.post(`/api/admin/staff/${leaving.id}/leave`).set(bearer(token)).send({ handoverToStaffId: heir.id });
    expect(retry.status).toBe(200);
    expect(retry.body.handover).toEqual({ toStaffId: heir.id, moved: 0 });
    expect(await count(h, 'audit_log', "action = 'staff.leave' AND target_id = ?", [String(leaving.id)])).toBe(1);
  });

  it('without a choice the store manager receives the customers; with no manager and no choice nothing changes', async () => {
    const h = get();
    const { token } = await adminToken(h);
    const store = await makeStore(h);
    const { staff: a } = await makeStaff(h, 'clerk', store.id);
    const [c1] = await customersOf(h, store.id, a.id, 1);
    const refused = await h.http.post(`/api/admin/staff/${a.id}/leave`).set(bearer(token)).send({});
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('HANDOVER_RECEIVER_REQUIRED');
    expect((await sql(h, 'SELECT status FROM staff WHERE id = ?', [a.id]))[0].status).toBe('active');

    const other = await makeStore(h);
    const { staff: foreign } = await makeStaff(h, 'clerk', other.id);
    const cross = await h.http.post(`/api/admin/staff/${a.id}/leave`).set(bearer(token)).send({ handoverToStaffId: foreign.id });
    expect(cross.status).toBe(400);
    expect(cross.body.code).toBe('HANDOVER_INVALID');
    expect((await sql(h, 'SELECT status FROM staff WHERE id = ?', [a.id]))[0].status).toBe('active');

    const { staff: manager } = await makeStaff(h, 'store_manager', store.id);
    const res = await h.http.post(`/api/admin/staff/${a.id}/leave`).set(bearer(token)).send({});
    expect(res.status).toBe(200);
    expect(res.body.handover).toEqual({ toStaffId: manager.id, moved: 1 });
    expect(await ownerOf(h, [c1])).toEqual([manager.id]);
  });

  it("a store manager marks their own store's clerk left with handover; another store's clerk is 404", async () => {
    const h = get();
    const store = await makeStore(h);
    const other = await makeStore(h);
    const { staff: manager } = await makeStaff(h, 'store_manager', store.id);
    const { staff: clerk } = await makeStaff(h, 'clerk', store.id);
    const { staff: heir } = await makeStaff(h, 'clerk', store.id);
    const { staff: foreign } = await makeStaff(h, 'clerk', other.id);
    const customers = await customersOf(h, store.id, clerk.id, 2);
    const m = staffToken(h, manager.id);
    expect((await h.http.post(`/api/admin/staff/${foreign.id}/leave`).set(bearer(m)).send({})).status).toBe(404);
    expect((await h.http.post(`/api/admin/staff/${manager.id}/leave`).set(bearer(m)).send({})).status).toBe(404); // not a clerk
    const res = await h.http.post(`/api/admin/staff/${clerk.id}/leave`).set(bearer(m)).send({ handoverToStaffId: heir.id });
    expect(res.status).toBe(200);
    expect(res.body.handover.moved).toBe(2);
    expect(await ownerOf(h, customers)).toEqual([heir.id, heir.id]);
    expect((await h.http.post(`/api/admin/staff/${heir.id}/move`).set(bearer(m)).send({ storeId: other.id })).status).toBe(403);
  });

  it('move: customers stay in the old store (its manager by default), tokens are revoked, a retry is a no-op; keepCustomers keeps them', async () => {
    const h = get();
    const { token } = await adminToken(h);
    const from = await makeStore(h);
    const to = await makeStore(h);
    const { staff: manager } = await makeStaff(h, 'store_manager', from.id);
    const { staff: clerk } = await makeStaff(h, 'clerk', from.id);
    const customers = await customersOf(h, from.id, clerk.id, 2);
    const clerkToken = staffToken(h, clerk.id);

    // a receiver from another store is refused and nothing changes
    const { staff: foreign } = await makeStaff(h, 'clerk', to.id);
    const bad = await h.http.post(`/api/admin/staff/${clerk.id}/move`).set(bearer(token)).send({ storeId: to.id, handoverToStaffId: foreign.id });
    expect(bad.status).toBe(400);
    expect((await sql(h, 'SELECT store_id FROM staff WHERE id = ?', [clerk.id]))[0].store_id).toBe(from.id);
    expect(await ownerOf(h, customers)).toEqual([clerk.id, clerk.id]);

    const res = await h.http.post(`/api/admin/staff/${clerk.id}/move`).set(bearer(token)).send({ storeId: to.id });
    expect(res.status).toBe(200);
    expect(res.body.staff).toMatchObject({ id: clerk.id, storeId: to.id, status: 'active' });
    expect(res.body.handover).toEqual({ toStaffId: manager.id, moved: 2 });
    expect(await ownerOf(h, customers)).toEqual([manager.id, manager.id]);
    expect((await me(h, clerkToken)).status).toBe(401);
    expect((await me(h, staffToken(h, clerk.id, 1))).body.store.id).toBe(to.id);
    const retry = await h.http.post(`/api/admin/staff/${clerk.id}/move`).set(bearer(token)).send({ storeId: to.id });
    expect(retry.status).toBe(200);
    expect(retry.body.handover).toBeNull();
    expect(await count(h, 'audit_log', "action = 'staff.move' AND target_id = ?", [String(clerk.id)])).toBe(1);

    // keepCustomers: the relationship goes with the clerk
    const { staff: keeper } = await makeStaff(h, 'clerk', from.id);
    const kept = await customersOf(h, from.id, keeper.id, 1);
    const keep = await h.http.post(`/api/admin/staff/${keeper.id}/move`).set(bearer(token)).send({ storeId: to.id, keepCustomers: true });
    expect(keep.status).toBe(200);
    expect(keep.body.handover).toBeNull();
    expect(await ownerOf(h, kept)).toEqual([keeper.id]);
    // a closed store takes nobody
    const closed = await makeStore(h);
    await h.http.patch(`/api/admin/stores/${closed.id}`).set(bearer(token)).send({ status: 'closed' });
    expect((await h.http.post(`/api/admin/staff/${keeper.id}/move`).set(bearer(token)).send({ storeId: closed.id, keepCustomers: true })).body.code).toBe('STORE_INACTIVE');
  });

  it('password reset ends the sessions and the new password signs in; clerks cannot have a console login, and sign-in refuses them like an unknown user', async () => {
    const h = get();
    const { token } = await adminToken(h);
    const store = await makeStore(h);
    const { staff: manager } = await makeStaff(h, 'store_manager', store.id, '无账号店长');
    const p = uniquePrefix().toLowerCase();
    const managerToken = staffToken(h, manager.id);
    expect((await h.http.post(`/api/admin/staff/${manager.id}/password`).set(bearer(token)).send({})).status).toBe(400); // no username yet
    const reset = await h.http.post(`/api/admin/staff/${manager.id}/password`).set(bearer(token)).send({ username: `${p}.m` });
    expect(reset.status).toBe(200);
    expect(reset.body.staff.username).toBe(`${p}.m`);
    expect((await me(h, managerToken)).status).toBe(401);
    const login = await h.http.post('/api/admin/session').send({ username: `${p}.m`, password: reset.body.password });
    expect(login.status).toBe(200);
    const audit = (await sql(h, "SELECT details FROM audit_log WHERE action = 'staff.password_reset' AND target_id = ?", [String(manager.id)]))[0];
    expect(audit.details).not.toContain(reset.body.password);

    const { staff: clerk } = await makeStaff(h, 'clerk', store.id);
    const refused = await h.http.post(`/api/admin/staff/${clerk.id}/password`).set(bearer(token)).send({ username: `${p}.c` });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('CONSOLE_LOGIN_NOT_ALLOWED');
    expect((await h.http.post('/api/admin/staff').set(bearer(token)).send({ name: '导购', role: 'clerk', storeId: store.id, username: `${p}.c`, password: 'correct horse battery' })).body.code).toBe(
      'CONSOLE_LOGIN_NOT_ALLOWED',
    );
    // a clerk with a password written some other way still cannot sign in, and learns nothing more than a stranger
    await h.deps.db.transaction((tx) => tx.query('UPDATE staff SET username = ?, password_hash = ? WHERE id = ?', [`${p}.c`, 'x', clerk.id]));
    await h.deps.db.transaction(async (tx) => tx.query('UPDATE staff SET password_hash = ? WHERE id = ?', [await hashPassword('correct horse battery'), clerk.id]));
    const clerkLogin = await h.http.post('/api/admin/session').send({ username: `${p}.c`, password: 'correct horse battery' });
    const stranger = await h.http.post('/api/admin/session').send({ username: `${p}.nobody`, password: 'correct horse battery' });
    expect([clerkLogin.status, clerkLogin.body.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    expect([stranger.status, stranger.body.code, stranger.body.message]).toEqual([401, 'INVALID_CREDENTIALS', clerkLogin.body.message]);
  });
});
