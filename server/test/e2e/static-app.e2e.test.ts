import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createHarness, type Harness } from '../helpers/harness';

/** The console (and the H5 app) served by the server: SPA fallback, caching, no directory escapes, headers. */
describe('static front-ends at /console/ and /h5/', () => {
  let h: Harness;
  let dir: string;
  let http: ReturnType<typeof request>;
  beforeAll(async () => {
    h = await createHarness('sqlite');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'o2o-console-'));
    fs.mkdirSync(path.join(dir, 'console', 'assets'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'console', 'index.html'), '<!doctype html><title>console</title>');
    fs.writeFileSync(path.join(dir, 'console', 'assets', 'index-abc123.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside');
    fs.mkdirSync(path.join(dir, 'h5'));
    fs.writeFileSync(path.join(dir, 'h5', 'index.html'), '<!doctype html><title>h5</title>');
    http = request(createApp(h.deps, { consoleDir: path.join(dir, 'console'), h5Dir: path.join(dir, 'h5') }).app.callback());
  });
  afterAll(async () => {
    await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('/console redirects to /console/; index.html is never cached and carries the CSP', async () => {
    const r = await http.get('/console');
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('/console/');
    const idx = await http.get('/console/');
    expect(idx.status).toBe(200);
    expect(idx.text).toContain('<title>console</title>');
    expect(idx.headers['cache-control']).toBe('no-store');
    expect(idx.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(idx.headers['content-security-policy']).toContain("script-src 'self'");
    expect(idx.headers['x-frame-options']).toBe('DENY');
    expect(idx.headers['x-content-type-options']).toBe('nosniff');
  });

  it('deep links answer index.html (the router takes over); hashed assets are immutable for a year', async () => {
    const deep = await http.get('/console/customers/42?tab=points');
    expect(deep.status).toBe(200);
    expect(deep.text).toContain('<title>console</title>');
    const asset = await http.get('/console/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect(asset.headers['cache-control']).toContain('max-age=31536000');
    expect(asset.headers.vary).toContain('Accept-Encoding');
  });

  it('a missing asset is a 404 in the standard shape, not index.html; no escape from the build folder', async () => {
    const missing = await http.get('/console/assets/index-old999.js');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
    for (const p of ['/console/../secret.txt', '/console/%2e%2e/secret.txt', '/console/..%2fsecret.txt']) {
      const r = await http.get(p);
      expect(r.text).not.toContain('outside');
    }
  });

  it('the H5 app has no SPA fallback (hash routes) and may not be framed; API answers are no-store', async () => {
    const idx = await http.get('/h5/');
    expect(idx.status).toBe(200);
    expect(idx.headers['x-frame-options']).toBe('DENY');
    expect((await http.get('/h5/pages/nowhere')).status).toBe(404);
    const api = await http.get('/api/admin/stores');
    expect(api.status).toBe(401);
    expect(api.headers['cache-control']).toBe('no-store');
    expect(api.headers['x-content-type-options']).toBe('nosniff');
  });
});
