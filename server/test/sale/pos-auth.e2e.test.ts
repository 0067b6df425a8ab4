import crypto from 'node:crypto';
import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer, member } from '../helpers/flows';
import { makeProduct, makeStaff, makeStore, staffToken } from '../helpers/fixtures';
import { AuditLog } from '../../src/modules/audit/audit-log.entity';
import { PosNonce } from '../../src/modules/sale/pos-nonce.entity';
import { PosTerminal } from '../../src/modules/sale/pos-terminal.entity';
import { NONCE_KEEP_MS, purgePosNonces } from '../../src/modules/sale/pos-terminal.service';
import { deriveTerminalSecret, newNonce } from '../../src/modules/sale/pos-signature';
import { POS_HEADER, adminToken, makeTill, rawSend, signedHeaders, tillClient, type Till } from './pos-helpers';

let phoneSeq = 13900000000;
let receiptSeq = 0;
const receipt = () => `A${process.pid}-${++receiptSeq}`;

/**
 * The POS API's door: terminal credentials in the console (admin only, secret shown once, audited) and every way a
 * signed request can be refused — each with its code and with nothing changed (no sale, no points, and for anything
 * refused before the nonce check, no nonce recorded).
 */
describeEachDb('POS API: terminal credentials and request signatures', (get) => {
  const start = new Date('2026-05-20T02:00:30.000Z');
  let admin: string;
  let storeA: number;
  let storeB: number;
  let sku: string;
  let buyer: { customerId: number; phone: string };
  let till: Till;

  beforeAll(async () => {
    const h = get();
    h.clock.set(start);
    admin = await adminToken(h);
    storeA = (await makeStore(h)).id;
    storeB = (await makeStore(h)).id;
    sku = (await makeProduct(h, { priceFen: 5_000, memberPriceFen: 4_500 })).sku;
    const phone = String(++phoneSeq);
    buyer = { customerId: (await member(h, phone)).customerId, phone };
    till = await makeTill(h, admin, storeA);
  });
  beforeEach(() => get().clock.set(start));

  const SALES = '/api/pos/v1/sales';
  /** A commit that, accepted, would record a sale and spend 10 points. */
  const commitBody = () => JSON.stringify({ phone: buyer.phone, items: [{ sku, quantity: 1 }], usePoints: 10, receiptNo: receipt() });

  async function state(h: Harness, t: Till = till) {
    const [r] = await h.deps.db.read((em) =>
      em.query(
        'SELECT (SELECT COUNT(*) FROM orders WHERE terminal_id = ?) AS orders, (SELECT COUNT(*) FROM pos_nonce WHERE terminal_id = ?) AS nonces, (SELECT points_balance FROM customer WHERE id = ?) AS balance',
        [t.id, t.id, buyer.customerId],
      ),
    );
    return { orders: Number(r.orders), nonces: Number(r.nonces), balance: Number(r.balance) };
  }

  /** Sends the request and expects a refusal that changed nothing at all (not even a nonce row). */
  async function refusedUnchanged(h: Harness, req: Parameters<typeof rawSend>[1], status: number, code: string) {
    const before = await state(h);
    const res = await rawSend(h, req);
    expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
    expect(await state(h)).toEqual(before);
    return res;
  }

  describe('terminal credentials (console)', () => {
    it('only an admin manages terminals: marketers, store managers and clerks are refused', async () => {
      const h = get();
      const others = [await makeStaff(h, 'marketer'), await makeStaff(h, 'store_manager', storeA), await makeStaff(h, 'clerk', storeA)];
      for (const { staff } of others) {
        const tok = staffToken(h, staff.id);
        expect((await h.http.post('/api/admin/pos-terminals').set(bearer(tok)).send({ storeId: storeA, name: '前台' })).status).toBe(403);
        expect((await h.http.get('/api/admin/pos-terminals').set(bearer(tok))).status).toBe(403);
        expect((await h.http.delete(`/api/admin/pos-terminals/${till.id}`).set(bearer(tok))).status).toBe(403);
      }
      expect((await h.http.post('/api/admin/pos-terminals').send({ storeId: storeA, name: '前台' })).status).toBe(401);
      const row = await h.deps.db.read((em) => em.getRepository(PosTerminal).findOneByOrFail({ id: till.id }));
      expect(row.revokedAt).toBeNull();
    });

    it('create shows the secret once (derived, never stored), with its fingerprint, and writes an audit row without it', async () => {
      const h = get();
      const res = await h.http.post('/api/admin/pos-terminals').set(bearer(admin)).send({ storeId: storeB, name: '收银台 2' });
      expect(res.status).toBe(201);
      const { terminal, secret } = res.body;
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(terminal).toMatchObject({ storeId: storeB, name: '收银台 2', revokedAt: null, lastUsedAt: null });
      expect(terminal.keyId).toMatch(/^pk_[A-Z2-7]{20}$/);
      const sha = crypto.createHash('sha256').update(secret).digest('hex');
      expect(terminal.secretFingerprint).toBe(sha.slice(0, 8));
      expect(Object.keys(terminal).sort()).toEqual(['createdAt', 'id', 'keyId', 'lastUsedAt', 'name', 'revokedAt', 'secretFingerprint', 'storeId', 'storeName'].sort());

      const row = await h.deps.db.read((em) => em.getRepository(PosTerminal).findOneByOrFail({ id: terminal.id }));
      expect(JSON.stringify(row)).not.toContain(secret);
      expect(row.secretHash).toBe(sha);
      expect(deriveTerminalSecret(h.config.secrets.posKeySecret, row.keyId, row.salt)).toBe(secret);

      const list = await h.http.get(`/api/admin/pos-terminals?storeId=${storeB}`).set(bearer(admin));
      expect(list.status).toBe(200);
      expect(list.body.items.map((t: { id: number }) => t.id)).toEqual([terminal.id]);
      expect(JSON.stringify(list.body)).not.toContain(secret);
      expect(list.body.items[0].secretFingerprint).toBe(terminal.secretFingerprint);

      const audits = await h.deps.db.read((em) => em.getRepository(AuditLog).find({ where: { targetType: 'pos_terminal', targetId: String(terminal.id) } }));
      expect(audits.map((a) => a.action)).toEqual(['pos_terminal.create']);
      expect(audits[0].storeId).toBe(storeB);
      expect(JSON.parse(audits[0].details!)).toMatchObject({ keyId: terminal.keyId, secretFingerprint: terminal.secretFingerprint });
      expect(JSON.stringify(audits[0])).not.toContain(secret);
    });

    it('a terminal for a store that does not exist is 404 and nothing is written', async () => {
      const h = get();
      const before = await h.deps.db.read((em) => em.getRepository(PosTerminal).count());
      const res = await h.http.post('/api/admin/pos-terminals').set(bearer(admin)).send({ storeId: 99_999_999, name: 'x' });
      expect(res.status).toBe(404);
      expect(await h.deps.db.read((em) => em.getRepository(PosTerminal).count())).toBe(before);
    });

    it('revoke refuses the key on its very next request; a second revoke is POS_TERMINAL_REVOKED; both audited once', async () => {
      const h = get();
      const t = await makeTill(h, admin, storeA, '临时收银台');
      const client = tillClient(h, t);
      expect((await client.identify({ phone: buyer.phone })).status).toBe(200);
      const res = await h.http.delete(`/api/admin/pos-terminals/${t.id}`).set(bearer(admin));
      expect(res.status).toBe(200);
      expect(res.body.terminal.revokedAt).toBe(start.toISOString());
      const refused = await client.identify({ phone: buyer.phone });
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 401, code: 'POS_KEY_INVALID' });
      const again = await h.http.delete(`/api/admin/pos-terminals/${t.id}`).set(bearer(admin));
      expect({ status: again.status, code: again.body.code }).toEqual({ status: 409, code: 'POS_TERMINAL_REVOKED' });
      expect((await h.http.delete('/api/admin/pos-terminals/99999999').set(bearer(admin))).status).toBe(404);
      const audits = await h.deps.db.read((em) => em.getRepository(AuditLog).find({ where: { targetType: 'pos_terminal', targetId: String(t.id) }, order: { id: 'ASC' } }));
      expect(audits.map((a) => a.action)).toEqual(['pos_terminal.create', 'pos_terminal.revoke']);
    });
  });

  describe('signed requests', () => {
    it('a well-signed commit is accepted: one sale, one nonce, the points spent and earned; lastUsedAt set at most once a minute', async () => {
      const h = get();
      const before = await state(h);
      const body = commitBody();
      const res = await rawSend(h, { path: SALES, body, headers: signedHeaders(h, till, SALES, body) });
      expect(res.status).toBe(201);
      expect(res.body.sale).toMatchObject({ channel: 'pos', storeId: storeA, terminalId: till.id, staffId: null });
      const after = await state(h);
      expect(after).toEqual({ orders: before.orders + 1, nonces: before.nonces + 1, balance: after.balance });
      expect(res.body.sale.pointsUsed).toBe(10);
      expect(after.balance).toBe(before.balance - 10 + res.body.sale.pointsEarned);

      const lastUsed = async () => (await h.deps.db.read((em) => em.getRepository(PosTerminal).findOneByOrFail({ id: till.id }))).lastUsedAt?.toISOString();
      expect(await lastUsed()).toBe(start.toISOString());
      h.clock.advance(30_000);
      expect((await tillClient(h, till).identify({ phone: buyer.phone })).status).toBe(200);
      expect(await lastUsed()).toBe(start.toISOString());
      h.clock.advance(31_000);
      expect((await tillClient(h, till).identify({ phone: buyer.phone })).status).toBe(200);
      expect(await lastUsed()).toBe(new Date(start.getTime() + 61_000).toISOString());
    });

    it('missing or malformed headers → 401 POS_SIGNATURE_INVALID, nothing recorded', async () => {
      const h = get();
      const body = commitBody();
      const good = signedHeaders(h, till, SALES, body);
      for (const name of [POS_HEADER.key, POS_HEADER.timestamp, POS_HEADER.nonce, POS_HEADER.signature]) {
        const headers = { ...good };
        delete headers[name];
        await refusedUnchanged(h, { path: SALES, body, headers }, 401, 'POS_SIGNATURE_INVALID');
      }
      const malformed: Record<string, string>[] = [
        { [POS_HEADER.key]: 'pk_lowercase0000000000' },
        { [POS_HEADER.key]: `${till.keyId}X` },
        { [POS_HEADER.timestamp]: '1779242430.5' },
        { [POS_HEADER.timestamp]: '-1779242430' },
        { [POS_HEADER.nonce]: 'short' },
        { [POS_HEADER.nonce]: 'has space in it 0123456789' },
        { [POS_HEADER.nonce]: 'x'.repeat(65) },
        { [POS_HEADER.signature]: good[POS_HEADER.signature].slice(2) },
        { [POS_HEADER.signature]: Buffer.from(good[POS_HEADER.signature], 'hex').toString('base64') },
      ];
      for (const m of malformed) await refusedUnchanged(h, { path: SALES, body, headers: { ...good, ...m } }, 401, 'POS_SIGNATURE_INVALID');
    });

    it('an unknown key → 401 POS_KEY_INVALID, nothing recorded', async () => {
      const h = get();
      const body = commitBody();
      await refusedUnchanged(h, { path: SALES, body, headers: signedHeaders(h, till, SALES, body, { keyId: 'pk_AAAAAAAAAAAAAAAAAAAA' }) }, 401, 'POS_KEY_INVALID');
    });

    it('a timestamp more than 300 s old or ahead → 401 POS_TIMESTAMP_SKEW (with the server time), nothing recorded; 300 s is accepted', async () => {
      const h = get();
      const now = Math.floor(start.getTime() / 1000);
      for (const ts of [now - 301, now + 301, 0]) {
        const body = commitBody();
        const res = await refusedUnchanged(h, { path: SALES, body, headers: signedHeaders(h, till, SALES, body, { timestamp: ts }) }, 401, 'POS_TIMESTAMP_SKEW');
        expect(res.body.details.serverTime).toBe(now);
      }
      for (const ts of [now - 300, now + 300]) {
        const res = await tillClient(h, till, { now: () => ts * 1000 }).identify({ phone: buyer.phone });
        expect(res.status).toBe(200);
      }
    });

    it('a bad signature → 401 POS_SIGNATURE_INVALID and its nonce is not burned: the real request with that nonce goes through', async () => {
      const h = get();
      const body = commitBody();
      const nonce = newNonce();
      const other = commitBody();
      const forgeries = [
        signedHeaders(h, till, SALES, body, { nonce, secret: deriveTerminalSecret(crypto.randomBytes(32), till.keyId, 'x') }), // wrong secret
        signedHeaders(h, till, SALES, body, { nonce, signedBody: other }), // body swapped after signing
        signedHeaders(h, till, SALES, body, { nonce, signedPath: '/api/pos/v1/sales/quote' }), // another endpoint's signature
        signedHeaders(h, till, SALES, body, { nonce, method: 'PUT' }),
        { ...signedHeaders(h, till, SALES, body, { nonce }), [POS_HEADER.timestamp]: String(Math.floor(start.getTime() / 1000) + 1) }, // timestamp changed after signing
      ];
      for (const headers of forgeries) await refusedUnchanged(h, { path: SALES, body, headers }, 401, 'POS_SIGNATURE_INVALID');
      // the query string is signed too
      await refusedUnchanged(h, { path: `${SALES}?storeId=${storeB}`, body, headers: signedHeaders(h, till, SALES, body, { nonce }) }, 401, 'POS_SIGNATURE_INVALID');

      const before = await state(h);
      const res = await rawSend(h, { path: SALES, body, headers: signedHeaders(h, till, SALES, body, { nonce }) });
      expect(res.status).toBe(201);
      expect((await state(h)).orders).toBe(before.orders + 1);
    });

    it('a replayed request (same nonce) → 401 POS_NONCE_REPLAYED, even with a fresh signature and body; nothing more recorded', async () => {
      const h = get();
      const body = commitBody();
      const headers = signedHeaders(h, till, SALES, body);
      expect((await rawSend(h, { path: SALES, body, headers })).status).toBe(201);
      await refusedUnchanged(h, { path: SALES, body, headers }, 401, 'POS_NONCE_REPLAYED');
      h.clock.advance(200_000); // still inside the window of the original timestamp
      await refusedUnchanged(h, { path: SALES, body, headers }, 401, 'POS_NONCE_REPLAYED');
      const another = commitBody();
      await refusedUnchanged(h, { path: SALES, body: another, headers: signedHeaders(h, till, SALES, another, { nonce: headers[POS_HEADER.nonce] }) }, 401, 'POS_NONCE_REPLAYED');
      // the same nonce from another terminal is that terminal's own
      const t2 = await makeTill(h, admin, storeA, '收银台 3');
      const res = await rawSend(h, { method: 'POST', path: '/api/pos/v1/members/identify', body: JSON.stringify({ phone: buyer.phone }), headers: signedHeaders(h, t2, '/api/pos/v1/members/identify', JSON.stringify({ phone: buyer.phone }), { nonce: headers[POS_HEADER.nonce] }) });
      expect(res.status).toBe(200);
    });

    it('a terminal acting for another store (X-Pos-Store-Id) → 403 POS_STORE_MISMATCH, nothing recorded; its own store is accepted', async () => {
      const h = get();
      const body = commitBody();
      await refusedUnchanged(h, { path: SALES, body, headers: { ...signedHeaders(h, till, SALES, body), [POS_HEADER.store]: String(storeB) } }, 403, 'POS_STORE_MISMATCH');
      const ok = await tillClient(h, till, { storeId: storeA }).commit(JSON.parse(commitBody()));
      expect(ok.status).toBe(201);
      expect(ok.body.sale.storeId).toBe(storeA);
      // the body cannot name a store: the contract has no such field (strict bodies)
      const named = JSON.stringify({ ...JSON.parse(commitBody()), storeId: storeB });
      const before = await state(h);
      const res = await rawSend(h, { path: SALES, body: named, headers: signedHeaders(h, till, SALES, named) });
      expect(res.status).toBe(400);
      expect((await state(h)).orders).toBe(before.orders);
    });

    it('the digest covers the bytes as sent: odd whitespace and a BOM are fine when signed, a compressed body is refused', async () => {
      const h = get();
      const path = '/api/pos/v1/members/identify';
      const spaced = `{ "phone" :\n  "${buyer.phone}" }\n`;
      expect((await rawSend(h, { path, body: spaced, headers: signedHeaders(h, till, path, spaced) })).status).toBe(200);
      const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ phone: buyer.phone }))]);
      expect((await rawSend(h, { path, body: bom, headers: signedHeaders(h, till, path, bom) })).status).toBe(200);
      // the same JSON value signed in another spelling is not what was sent
      const compact = JSON.stringify({ phone: buyer.phone });
      const res = await rawSend(h, { path, body: spaced, headers: signedHeaders(h, till, path, compact) });
      expect(res.body.code).toBe('POS_SIGNATURE_INVALID');
      const gz = await rawSend(h, { path, body: compact, headers: { ...signedHeaders(h, till, path, compact), 'content-encoding': 'gzip' } });
      expect(gz.status).toBe(415);
    });

    it('bearer tokens do not open the POS API; the OpenAPI document is public', async () => {
      const h = get();
      const res = await h.http.post('/api/pos/v1/members/identify').set(bearer(admin)).send({ phone: buyer.phone });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 'POS_SIGNATURE_INVALID' });
      const doc = await h.http.get('/api/pos/v1/openapi.json');
      expect(doc.status).toBe(200);
      expect(doc.body.openapi).toBe('3.1.0');
    });

    it('the sweep purges nonces past any replay window and keeps the recent ones', async () => {
      const h = get();
      const t = await makeTill(h, admin, storeA, '收银台 purge');
      const old = newNonce();
      await h.deps.db.transaction((tx) => tx.getRepository(PosNonce).insert({ terminalId: t.id, nonce: old, seenAt: new Date(start.getTime() - NONCE_KEEP_MS - 1_000) }));
      const recent = newNonce();
      await h.deps.db.transaction((tx) => tx.getRepository(PosNonce).insert({ terminalId: t.id, nonce: recent, seenAt: new Date(start.getTime() - 2 * 300_000) }));
      expect(await purgePosNonces(h.ctx)).toBeGreaterThanOrEqual(1);
      const left = await h.deps.db.read((em) => em.getRepository(PosNonce).find({ where: { terminalId: t.id } }));
      expect(left.map((n) => n.nonce)).toEqual([recent]);
      // a nonce kept is still refused: 600 s after it was seen its timestamp could still be inside the window
      expect(NONCE_KEEP_MS).toBeGreaterThanOrEqual(2 * 300_000);
    });
  });
});
