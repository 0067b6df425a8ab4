import net from 'node:net';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { describeEachDb } from '../helpers/harness';
import { bearer, newOpenid, session } from '../helpers/flows';
import { makeStaff } from '../helpers/fixtures';

/** Issue 18's defects found from outside, each with the request that used to break it. */
describeEachDb('hardening: body layer and tokens', (get) => {
  describe('a Content-Encoding the bytes do not match is the client\'s mistake (was 500 INTERNAL)', () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      for (const path of ['/api/app/session', '/api/admin/session', '/api/no/such/route']) {
        it(`${encoding} on ${path} → 400 in the standard shape, nothing logged as an error`, async () => {
          const h = get();
          const before = h.logs.filter((l) => l.includes('"level":50')).length;
          const res = await h.http.post(path).set('content-type', 'application/json').set('content-encoding', encoding).send('{"code":"x"}');
          expect(res.status).toBe(400);
          expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', requestId: expect.any(String) });
          expect(h.logs.filter((l) => l.includes('"level":50')).length).toBe(before);
        });
      }
    }

    it('an unknown encoding → 415; a body that really is gzip still works', async () => {
      const h = get();
      const res = await h.http.post('/api/admin/session').set('content-type', 'application/json').set('content-encoding', 'zstd-nope').send('{}');
      expect(res.status).toBe(415);
      expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      const gz = zlib.gzipSync(Buffer.from(JSON.stringify({ username: 'nobody', password: 'wrong-password-1' })));
      // raw bytes over fetch (superagent would JSON-encode a Buffer under a JSON content type)
      const ok = await fetch(`${h.baseUrl}/api/admin/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gz });
      expect(ok.status).toBe(401);
      expect(((await ok.json()) as { code: string }).code).toBe('INVALID_CREDENTIALS');
    });
  });

  it('oversized headers get 431 in the standard error shape, not Node\'s bare status line (hardening 6)', async () => {
    const h = get();
    const raw = await new Promise<string>((resolve, reject) => {
      const u = new URL(h.baseUrl);
      const socket = net.connect(Number(u.port), u.hostname, () => socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`));
      let text = '';
      socket.on('data', (c) => (text += c));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw.startsWith('HTTP/1.1 431 ')).toBe(true);
    expect(raw).toContain('Content-Type: application/json');
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toEqual({ code: 'REQUEST_HEADERS_TOO_LARGE', message: 'Request headers too large', requestId: 'none' });
  });

  describe('a signed token must carry a numeric exp and iat (a token without exp never expired)', () => {
    const forge = (h: ReturnType<typeof get>, claims: object) => {
      const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
      const sig = crypto.createHmac('sha256', h.config.secrets.tokenSecret).update(payload).digest('base64url');
      return `v1.${payload}.${sig}`;
    };

    it('consumer tokens: no exp, a string exp, no iat → 401; a well-formed one works', async () => {
      const h = get();
      const { customer } = await session(h, newOpenid());
      const now = Math.floor(h.clock.now().getTime() / 1000);
      for (const claims of [
        { aud: 'app', sub: customer.id, iat: now },
        { aud: 'app', sub: customer.id, iat: now, exp: `${now + 3600}` },
        { aud: 'app', sub: customer.id, exp: now + 3600 },
        { aud: 'app', sub: customer.id, iat: now, exp: null },
      ]) {
        const res = await h.http.get('/api/app/me').set(bearer(forge(h, claims)));
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('UNAUTHENTICATED');
      }
      const good = await h.http.get('/api/app/me').set(bearer(forge(h, { aud: 'app', sub: customer.id, iat: now, exp: now + 3600 })));
      expect(good.status).toBe(200);
    });

    it('staff tokens the same', async () => {
      const h = get();
      const { staff } = await makeStaff(h, 'admin');
      const now = Math.floor(h.clock.now().getTime() / 1000);
      const noExp = await h.http.get('/api/admin/tags').set(bearer(forge(h, { aud: 'staff', sub: staff.id, ver: 0, iat: now })));
      expect(noExp.status).toBe(401);
      const good = await h.http.get('/api/admin/tags').set(bearer(forge(h, { aud: 'staff', sub: staff.id, ver: 0, iat: now, exp: now + 60 })));
      expect(good.status).toBe(200);
    });
  });
});

describeEachDb('hardening: text that would be stored altered is refused (NUL, unpaired surrogates)', (get) => {
  it('a store name with NUL or a lone surrogate → 400 and no store; a real emoji pair is kept', async () => {
    const h = get();
    const { staff } = await makeStaff(h, 'admin');
    const token = h.deps.tokens.issue({ aud: 'staff', sub: staff.id, ver: 0 }, 3600, h.clock.now()).token;
    for (const name of ['店\u0000名', '店\ud800名', '店\udc00', { ['k\u0000']: 1 }]) {
      const body = typeof name === 'string' ? { name } : { name: '店', ...name };
      const res = await h.http.post('/api/admin/stores').set(bearer(token)).set('content-type', 'application/json').send(JSON.stringify(body));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const ok = await h.http.post('/api/admin/stores').set(bearer(token)).send({ name: '零食🍬店' });
    expect(ok.status).toBe(201);
    expect(ok.body.store.name).toBe('零食🍬店');
  });
});
