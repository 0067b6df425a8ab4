import { describeEachDb } from '../helpers/harness';
import { bearer } from '../helpers/flows';
import { makeStaff, makeStore, staffToken } from '../helpers/fixtures';
import { adminToken, count, postCsv, sql, STORE_HEADER, uniquePrefix } from './stores-helpers';

describeEachDb('console stores: list, create, edit, scoping', (get) => {
  it('admin creates and edits a store (audited); a taken code is STORE_CODE_TAKEN and changes nothing', async () => {
    const h = get();
    const { token } = await adminToken(h);
    const code = uniquePrefix();
    const created = await h.http.post('/api/admin/stores').set(bearer(token)).send({ code, name: '光谷店', city: '武汉', region: '华中一区' });
    expect(created.status).toBe(201);
    expect(created.body.store).toMatchObject({ code, name: '光谷店', city: '武汉', region: '华中一区', address: null, status: 'active' });
    const id = created.body.store.id;

    const taken = await h.http.post('/api/admin/stores').set(bearer(token)).send({ code, name: '重复' });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('STORE_CODE_TAKEN');
    expect(await count(h, 'store', 'code = ?', [code])).toBe(1);

    const edited = await h.http.patch(`/api/admin/stores/${id}`).set(bearer(token)).send({ name: '光谷旗舰店', region: null, status: 'closed', address: ' 光谷步行街 1 号 ' });
    expect(edited.status).toBe(200);
    expect(edited.body.store).toMatchObject({ code, name: '光谷旗舰店', region: null, status: 'closed', address: '光谷步行街 1 号', city: '武汉' });
    // the code never changes by PATCH; unknown fields are refused
    expect((await h.http.patch(`/api/admin/stores/${id}`).set(bearer(token)).send({ code: 'X' })).status).toBe(400);
    expect((await h.http.patch(`/api/admin/stores/${id}`).set(bearer(token)).send({})).status).toBe(400);
    expect((await h.http.patch('/api/admin/stores/99999999').set(bearer(token)).send({ name: 'x' })).status).toBe(404);

    const audit = await sql(h, "SELECT action, details FROM audit_log WHERE target_type = 'store' AND target_id = ? ORDER BY id", [String(id)]);
    expect(audit.map((a) => a.action)).toEqual(['store.create', 'store.update']);
    expect(JSON.parse(audit[1].details)).toMatchObject({ name: { from: '光谷店', to: '光谷旗舰店' }, region: { from: '华中一区', to: null }, status: { from: 'active', to: 'closed' } });
    // an edit that changes nothing writes no audit row
    await h.http.patch(`/api/admin/stores/${id}`).set(bearer(token)).send({ name: '光谷旗舰店' });
    expect(await count(h, 'audit_log', "target_type = 'store' AND target_id = ?", [String(id)])).toBe(2);
  });

  it('lists with paging, filters (q on code or name, city, region, status) and sorting', async () => {
    const h = get();
    const { token } = await adminToken(h);
    const p = uniquePrefix();
    const region = `区${p}`;
    for (const [i, city] of ['成都', '成都', '重庆', '重庆', '重庆'].entries()) {
      await h.http.post('/api/admin/stores').set(bearer(token)).send({ code: `${p}-${i}`, name: `门店${i}号`, city, region: i < 4 ? region : undefined });
    }
    const list = (q: Record<string, string | number>) => h.http.get('/api/admin/stores').query(q).set(bearer(token));
    const page1 = await list({ q: p, pageSize: 2, current: 1 });
    expect(page1.status).toBe(200);
    expect(page1.body.total).toBe(5);
    expect(page1.body.items.map((s: { code: string }) => s.code)).toEqual([`${p}-0`, `${p}-1`]);
    const page3 = await list({ q: p, pageSize: 2, current: 3 });
    expect(page3.body.items.map((s: { code: string }) => s.code)).toEqual([`${p}-4`]);
    expect((await list({ q: p, sort: 'code', order: 'descend', pageSize: 1 })).body.items[0].code).toBe(`${p}-4`);
    expect((await list({ region })).body.total).toBe(4);
    expect((await list({ region, city: '重庆' })).body.items.map((s: { code: string }) => s.code)).toEqual([`${p}-2`, `${p}-3`]);
    // q is literal: % and _ are not wildcards
    expect((await list({ q: `${p}%` })).body.total).toBe(0);
    expect((await list({ q: '门店3号' })).body.items.map((s: { code: string }) => s.code)).toContain(`${p}-3`);
    expect((await list({ status: 'closed', q: p })).body.total).toBe(0);
    expect((await list({ pageSize: 101 })).status).toBe(400);
    expect((await list({ sort: 'city' })).status).toBe(400);
    const facets = await h.http.get('/api/admin/stores/facets').set(bearer(token));
    expect(facets.body.regions).toContain(region);
    expect(facets.body.cities).toEqual(expect.arrayContaining(['成都', '重庆']));
  });

  it('without paging parameters the list answers every store with total (the contract before paging)', async () => {
    const h = get();
    const { token } = await adminToken(h);
    const missing = 21 - (await count(h, 'store')); // more than one default page
    for (let i = 0; i < missing; i++) await makeStore(h);
    const res = await h.http.get('/api/admin/stores').set(bearer(token));
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBe(await count(h, 'store'));
    expect(res.body.total).toBe(res.body.items.length);
    expect(res.body.items.length).toBeGreaterThan(20);
  });

  it('a store manager lists only their own store; marketers read the brand; only admins write', async () => {
    const h = get();
    const own = await makeStore(h);
    const other = await makeStore(h);
    const { staff: manager } = await makeStaff(h, 'store_manager', own.id);
    const { staff: marketer } = await makeStaff(h, 'marketer');
    const m = staffToken(h, manager.id);
    const all = await h.http.get('/api/admin/stores').query({ pageSize: 100 }).set(bearer(m));
    expect(all.status).toBe(200);
    expect(all.body.items.map((s: { id: number }) => s.id)).toEqual([own.id]);
    expect(all.body.total).toBe(1);
    // filters cannot widen the scope
    expect((await h.http.get('/api/admin/stores').query({ q: other.code }).set(bearer(m))).body.items).toEqual([]);
    expect((await h.http.patch(`/api/admin/stores/${own.id}`).set(bearer(m)).send({ name: 'x' })).status).toBe(403);
    expect((await h.http.post('/api/admin/stores').set(bearer(m)).send({ name: 'x' })).status).toBe(403);
    expect((await postCsv(h, m, '/api/admin/stores/import', [STORE_HEADER], true)).status).toBe(403);
    const mk = staffToken(h, marketer.id);
    expect((await h.http.get('/api/admin/stores').query({ pageSize: 100 }).set(bearer(mk))).body.total).toBeGreaterThanOrEqual(2);
    expect((await h.http.post('/api/admin/stores').set(bearer(mk)).send({ name: 'x' })).status).toBe(403);
    const { staff: clerk } = await makeStaff(h, 'clerk', own.id);
    expect((await h.http.get('/api/admin/stores').set(bearer(staffToken(h, clerk.id)))).status).toBe(403);
  });
});

describeEachDb('console store import (CSV): dry run, per-row errors, all-or-nothing apply, idempotent by code', (get) => {
  it('a wrong header is refused whole with what is missing and unknown; nothing is applied', async () => {
    const h = get();
    const { token } = await adminToken(h);
    const before = await count(h, 'store');
    const p = uniquePrefix();
    const res = await postCsv(h, token, '/api/admin/stores/import', [['门店编码', '门店名称', '城市', '电话', '地址'], [`${p}1`, '店', '武汉', '123', '路']], false);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('IMPORT_HEADER_INVALID');
    expect(res.body.details).toMatchObject({ missing: ['区域'], unknown: ['电话'], expected: STORE_HEADER });
    expect(await count(h, 'store')).toBe(before);
    // an empty file, an unterminated quote and an unknown body field are 400 too
    expect((await postCsv(h, token, '/api/admin/stores/import', '\ufeff\r\n', false)).body.code).toBe('IMPORT_HEADER_INVALID');
    const quote = await postCsv(h, token, '/api/admin/stores/import', `${STORE_HEADER.join(',')}\n"${p}2,店,武汉,华中,路\n`, false);
    expect(quote.status).toBe(400);
    expect(quote.body.code).toBe('VALIDATION_FAILED');
    expect((await h.http.post('/api/admin/stores/import?dryRun=1').set(bearer(token)).send({ csv: 'a', extra: 1 })).status).toBe(400);
    expect(await count(h, 'store')).toBe(before);
  });

  it('reports bad rows with line and column, applies the rest in one transaction, and re-importing changes nothing', async () => {
    const h = get();
    const { token } = await adminToken(h);
    const p = uniquePrefix();
    const rows = [
      // English header names, another order, no status column
      ['code', 'name', 'city', 'region', 'address'],
      [`${p}01`, '小食光·一号店', '武汉', '华中一区', '光谷 1 号'],
      [`${p}02`, '小食光·二号店, "旗舰"', '武汉', '华中一区', '江汉路\n88 号'], // quoted comma, quote and line break
      [`${p}01`, '重复编码店', '武汉', '华中一区', ''], // line 5 (the line break above takes one line)
      [`${p}03`, '', '上海', '华东一区', ''], // missing name
      [`${p} 04`, '空格编码店', '上海', '华东一区', ''], // bad code format
      [`${p}05`, '长'.repeat(65), '上海', '华东一区', ''], // name too long
      [`${p}06`, '六号店', '上海', '华东一区', ''],
    ];
    const before = await count(h, 'store');
    const dry = await postCsv(h, token, '/api/admin/stores/import', rows, true);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, applied: false, total: 7, created: 3, updated: 0, unchanged: 0 });
    expect(dry.body.errors.map((e: { line: number; column: string; code: string }) => [e.line, e.column, e.code])).toEqual([
      [5, '门店编码', 'DUPLICATE_IN_FILE'],
      [6, '门店名称', 'REQUIRED'],
      [7, '门店编码', 'INVALID_FORMAT'],
      [8, '门店名称', 'TOO_LONG'],
    ]);
    expect(dry.body.errors[0].message).toContain('第 2 行');
    expect(await count(h, 'store')).toBe(before); // a dry run writes nothing

    const applied = await postCsv(h, token, '/api/admin/stores/import', rows, false);
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ dryRun: false, applied: true, created: 3, updated: 0, unchanged: 0 });
    expect(applied.body.errors).toHaveLength(4);
    expect(await count(h, 'store')).toBe(before + 3);
    const two = (await sql(h, 'SELECT name, address, status, region FROM store WHERE code = ?', [`${p}02`]))[0];
    expect(two).toMatchObject({ name: '小食光·二号店, "旗舰"', address: '江汉路\n88 号', status: 'active', region: '华中一区' });
    const audits = await sql(h, "SELECT details FROM audit_log WHERE action = 'store.import' ORDER BY id DESC");
    expect(JSON.parse(audits[0].details)).toEqual({ total: 7, created: 3, updated: 0, unchanged: 0, errorRows: 4 });

    // the same file again: nothing new, nothing changed
    const again = await postCsv(h, token, '/api/admin/stores/import', rows, false);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect(await count(h, 'store')).toBe(before + 3);

    // a changed row updates that store only; the code matches whatever its case; status words in Chinese
    const changed = [STORE_HEADER, [`${p}01`.toLowerCase(), '小食光·一号店', '武汉', '华中二区', '光谷 1 号', '停业'], [`${p}06`, '六号店', '上海', '华东一区', '', '']];
    const res = await postCsv(h, token, '/api/admin/stores/import', changed, false);
    expect(res.body).toMatchObject({ created: 0, updated: 1, unchanged: 1, errors: [] });
    expect((await sql(h, 'SELECT code, region, status FROM store WHERE code = ?', [`${p}01`]))[0]).toMatchObject({ code: `${p}01`, region: '华中二区', status: 'closed' });
    const badStatus = await postCsv(h, token, '/api/admin/stores/import', [STORE_HEADER, [`${p}06`, '六号店', '上海', '华东一区', '', '装修中']], true);
    expect(badStatus.body.errors).toEqual([expect.objectContaining({ line: 2, column: '状态', code: 'INVALID_VALUE' })]);
  });

  it('imports 1,300 stores with set-based statements, re-imports them unchanged, then updates them all', async () => {
    const h = get();
    const { token } = await adminToken(h);
    const p = uniquePrefix();
    const rows = [STORE_HEADER, ...Array.from({ length: 1300 }, (_, i) => [`${p}-${i}`, `门店 ${i}`, i % 2 ? '武汉' : '上海', `区${i % 13}`, `路 ${i} 号`, '营业'])];
    const t0 = Date.now();
    const res = await postCsv(h, token, '/api/admin/stores/import', rows, false);
    const ms = Date.now() - t0;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 1300, created: 1300, errors: [] });
    const t1 = Date.now();
    const again = await postCsv(h, token, '/api/admin/stores/import', rows, false);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 1300 });
    const t2 = Date.now();
    const moved = rows.map((r, i) => (i === 0 ? r : [r[0], r[1], r[2], `新区${i % 7}`, r[4], i % 10 === 0 ? '停业' : '营业']));
    const changed = await postCsv(h, token, '/api/admin/stores/import', moved, false);
    expect(changed.body).toMatchObject({ created: 0, updated: 1300, unchanged: 0 });
    expect(await count(h, 'store', "code LIKE ? AND status = 'closed'", [`${p}-%`])).toBe(130);
    process.stdout.write(`store import [${h.target}]: 1,300 new in ${ms} ms, 1,300 unchanged in ${t2 - t1} ms, 1,300 updated in ${Date.now() - t2} ms\n`);
    expect(await count(h, 'store', 'code LIKE ?', [`${p}-%`])).toBe(1300);
  }, 60_000);
});
