import { describeEachDb } from '../helpers/harness';
import { becomeMember, newOpenid, session, bearer } from '../helpers/flows';
import { makeStaff, makeStore, staffToken } from '../helpers/fixtures';

describeEachDb('PII: phone numbers and session keys', (get) => {
  it('phones are ciphertext at rest, absent from logs and responses to staff; session_key never leaves the server', async () => {
    const h = get();
    const phones = ['13812340001', '13812340002', '13812340003'];
    const sessions = [];
    for (const p of phones) {
      const s = await session(h, newOpenid());
      const res = await becomeMember(h, s.token, p);
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toMatch(/session_?key/i);
      sessions.push(s);
    }
    // no 11-digit plaintext anywhere in the customer table (every text column scanned)
    const rows = await h.deps.db.read((em) => em.query('SELECT * FROM customer'));
    const dump = JSON.stringify(rows);
    for (const p of phones) expect(dump).not.toContain(p);
    expect(dump).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/);
    expect(rows.every((r: any) => r.phone_enc === null || String(r.phone_enc).startsWith('v1:'))).toBe(true);
    // the blind index finds the member without decrypting anything
    const hash = h.deps.pii.blindIndex(`86:${phones[0]}`);
    expect((await h.deps.db.read((em) => em.query('SELECT id FROM customer WHERE phone_hash = ?', [hash]))).length).toBe(1);

    // an admin listing shows masked phones only
    const { staff: admin } = await makeStaff(h, 'admin');
    const list = await h.http.get('/api/admin/customers?isMember=true').set(bearer(staffToken(h, admin.id)));
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: any) => c.phoneMasked)).toEqual(expect.arrayContaining(['138****0001', '138****0002', '138****0003']));
    const listText = JSON.stringify(list.body);
    for (const p of phones) expect(listText).not.toContain(p);
    expect(listText).not.toMatch(/openid|unionid|session/i);

    // logs: no phone, no session key, no bearer token
    const logText = h.logs.join('');
    expect(logText.length).toBeGreaterThan(0);
    for (const p of phones) expect(logText).not.toContain(p);
    for (const s of sessions) expect(logText).not.toContain(s.token);
    const keys = await h.deps.db.read((em) => em.query('SELECT session_key_enc FROM customer WHERE session_key_enc IS NOT NULL'));
    for (const k of keys) expect(logText).not.toContain(h.deps.pii.decrypt(k.session_key_enc));
  });

  it('a store manager sees masked phones of own-store customers only', async () => {
    const h = get();
    const store = await makeStore(h);
    const { staff } = await makeStaff(h, 'store_manager', store.id);
    const res = await h.http.get('/api/clerk/customers?isMember=true').set(bearer(staffToken(h, staff.id)));
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });
});
