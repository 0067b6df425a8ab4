import { startHarness, type Harness } from './harness';

describe('emulator control endpoints', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('answers a CORS preflight from the H5 build', async () => {
    const res = await fetch(`${h.url}/__emulator/login-code`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:10086',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:10086');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type');
  });

  it('adds CORS headers to the actual control response, not to WeChat API paths', async () => {
    const control = await fetch(`${h.url}/__emulator/login-code`, {
      method: 'POST',
      headers: { Origin: 'http://localhost:10086', 'content-type': 'application/json' },
      body: JSON.stringify({ openid: 'oUser_cors_1' }),
    });
    expect(control.status).toBe(200);
    expect(control.headers.get('access-control-allow-origin')).toBe('http://localhost:10086');
    expect((await control.json()) as { code: string }).toEqual({ code: expect.any(String) });

    const api = await fetch(`${h.url}/sns/jscode2session?appid=x`, { headers: { Origin: 'http://localhost:10086' } });
    expect(api.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('reports health', async () => {
    const res = await fetch(`${h.url}/__emulator/health`);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('answers a malformed control body with 400 and unknown paths with 404', async () => {
    const bad = await fetch(`${h.url}/__emulator/login-code`, { method: 'POST', body: '{not json' });
    expect(bad.status).toBe(400);
    expect((await fetch(`${h.url}/no/such/path`)).status).toBe(404);
  });

  it('validates fault injection requests', async () => {
    await expect(h.control('/__emulator/fault', { api: 'nope', errcode: -1 })).rejects.toThrow(/400/);
    await expect(h.control('/__emulator/fault', { api: 'stableToken', errcode: 0 })).rejects.toThrow(/400/);
  });
});
