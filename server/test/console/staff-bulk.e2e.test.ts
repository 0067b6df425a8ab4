import { toCsv } from '@o2o/shared';
import { describeEachDb } from '../helpers/harness';
import { adminToken, count, postCsv, STORE_HEADER, uniquePrefix } from './stores-helpers';

describeEachDb('console staff import at brand scale', (get) => {
  it('imports 3,900 staff of 1,300 stores (1,300 managers with a console login) in one transaction, then re-imports them unchanged', async () => {
    const h = get();
    const { token } = await adminToken(h);
    const p = uniquePrefix();
    const codes = Array.from({ length: 1300 }, (_, i) => `${p}-${i}`);
    await postCsv(h, token, '/api/admin/stores/import', [STORE_HEADER, ...codes.map((c, i) => [c, `店 ${i}`, '武汉', '华中', '', ''])], false);
    const rows = [['门店编码', '姓名', '角色', '用户名']];
    for (const c of codes) rows.push([c, `店长${c}`, '店长', `${c.toLowerCase()}.m`], [c, '王芳', '导购', ''], [c, '李娜', '导购', '']);
    const csv = toCsv(rows);
    const t0 = Date.now();
    const res = await h.http.post('/api/admin/staff/import?dryRun=0').set({ authorization: `Bearer ${token}` }).send({ csv });
    const ms = Date.now() - t0;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 3900, created: 3900, errors: [] });
    expect(res.body.logins).toHaveLength(1300);
    const t1 = Date.now();
    const again = await h.http.post('/api/admin/staff/import?dryRun=0').set({ authorization: `Bearer ${token}` }).send({ csv });
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 3900, logins: [] });
    process.stdout.write(`staff import [${h.target}]: 3,900 new (1,300 logins) in ${ms} ms, 3,900 unchanged in ${Date.now() - t1} ms\n`);
    expect(await count(h, 'staff', "username LIKE ?", [`${p.toLowerCase()}-%`])).toBe(1300);
  }, 120_000);
});
