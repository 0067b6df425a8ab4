import { startHarness, wechatError, APPID, SECRET, type Harness } from './harness';

/** stable_token over real HTTP: caching, single-flight, margin refresh and the one-shot retry on 40001. */
describe('access token', () => {
  let h: Harness;
  // A fresh emulator per test: these tests count upstream calls.
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  const scene = 's=1';

  it('shares one upstream call among 50 concurrent callers, then serves from cache', async () => {
    const api = h.client();
    const tokens = await Promise.all(Array.from({ length: 50 }, () => api.accessToken.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(h.emu.state.calls.stableToken).toBe(1);

    h.clock.advance(60 * 60_000);
    expect(await api.accessToken.getAccessToken()).toBe(tokens[0]);
    expect(h.emu.state.calls.stableToken).toBe(1);
  });

  it('refreshes once fewer than 5 minutes remain, while the old token stays valid on WeChat', async () => {
    const api = h.client();
    const first = await api.accessToken.getAccessToken();

    h.clock.advance(7200_000 - 5 * 60_000); // exactly 5 minutes left: still fresh enough
    expect(await api.accessToken.getAccessToken()).toBe(first);
    expect(h.emu.state.calls.stableToken).toBe(1);

    h.clock.advance(1_000); // inside the margin
    const second = await api.accessToken.getAccessToken();
    expect(second).not.toBe(first);
    expect(h.emu.state.calls.stableToken).toBe(2);
    // overlap: both tokens work until the old one expires
    expect(h.emu.state.accessTokens.has(first)).toBe(true);
    expect(h.emu.state.accessTokens.has(second)).toBe(true);
  });

  it('honours a configured refresh margin', async () => {
    const api = h.client({ tokenRefreshMarginMs: 30 * 60_000 });
    await api.accessToken.getAccessToken();
    h.clock.advance(7200_000 - 30 * 60_000 + 1);
    await api.accessToken.getAccessToken();
    expect(h.emu.state.calls.stableToken).toBe(2);
  });

  it('on 40001 invalidates, refetches once and retries the call once', async () => {
    const api = h.client();
    const stale = await api.accessToken.getAccessToken();
    h.emu.state.accessTokens.clear(); // WeChat no longer knows the cached token

    const png = await api.getUnlimitedQrCode({ scene });
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(h.emu.state.calls.stableToken).toBe(2);
    expect(h.emu.state.calls.getwxacodeunlimit).toBe(2);
    expect(await api.accessToken.getAccessToken()).not.toBe(stale);
  });

  it('gives up after the single retry when the fresh token is rejected too', async () => {
    // Revoke every token just before each QR request reaches the emulator.
    const revokingFetch: typeof fetch = (input, init) => {
      if (String(input).includes('/wxa/getwxacodeunlimit')) h.emu.state.accessTokens.clear();
      return fetch(input, init);
    };
    const api = h.client({ fetchImpl: revokingFetch });
    const err = await wechatError(api.getUnlimitedQrCode({ scene }));
    expect(err.errcode).toBe(40001);
    expect(h.emu.state.calls.getwxacodeunlimit).toBe(2);
    expect(h.emu.state.calls.stableToken).toBe(2);
  });

  it('retries on 42001 too, but not on unrelated errors', async () => {
    const api = h.client();
    await h.control('/__emulator/fault', { api: 'subscribeSend', errcode: 42001, errmsg: 'access_token expired' });
    await h.control('/__emulator/subscribe-accept', { openid: 'oUser_tok_1', templateId: 'TPL1' });
    await api.sendSubscribeMessage({ toUser: 'oUser_tok_1', templateId: 'TPL1', data: { thing1: { value: 'x' } } });
    expect(h.emu.state.calls.subscribeSend).toBe(2);
    expect(h.emu.state.calls.stableToken).toBe(2);

    // 43101 is not a token problem: one call, no refetch
    const err = await wechatError(
      api.sendSubscribeMessage({ toUser: 'oUser_tok_1', templateId: 'TPL1', data: { thing1: { value: 'x' } } }),
    );
    expect(err.errcode).toBe(43101);
    expect(h.emu.state.calls.subscribeSend).toBe(3);
    expect(h.emu.state.calls.stableToken).toBe(2);
  });

  it('invalidate() only drops the token it is given', async () => {
    const api = h.client();
    const token = await api.accessToken.getAccessToken();
    api.accessToken.invalidate('some-older-token');
    expect(await api.accessToken.getAccessToken()).toBe(token);
    expect(h.emu.state.calls.stableToken).toBe(1);
    api.accessToken.invalidate(token);
    await api.accessToken.getAccessToken();
    expect(h.emu.state.calls.stableToken).toBe(2);
  });

  it('keeps using a still-valid token when an early refresh fails', async () => {
    const api = h.client();
    const token = await api.accessToken.getAccessToken();
    h.clock.advance(7200_000 - 60_000); // inside the margin, not expired
    await h.control('/__emulator/fault', { api: 'stableToken', errcode: -1, errmsg: 'system error' });
    expect(await api.accessToken.getAccessToken()).toBe(token);
    h.clock.advance(60_000); // now expired: the failure must surface
    await h.control('/__emulator/fault', { api: 'stableToken', errcode: -1, errmsg: 'system error' });
    expect((await wechatError(api.accessToken.getAccessToken())).errcode).toBe(-1);
  });

  it('rejects a wrong secret with 40125', async () => {
    const err = await wechatError(h.client({ secret: 'wrong-secret' }).accessToken.getAccessToken());
    expect(err).toMatchObject({ api: 'stableToken', errcode: 40125 });
  });

  it('emulator: normal mode repeats the token, force_refresh revokes the previous one', async () => {
    const post = async (force: boolean) => {
      const res = await fetch(`${h.url}/cgi-bin/stable_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credential', appid: APPID, secret: SECRET, force_refresh: force }),
      });
      return (await res.json()) as { access_token: string; expires_in: number };
    };
    const a = await post(false);
    h.clock.advance(1000 * 1000);
    const b = await post(false);
    expect(b.access_token).toBe(a.access_token);
    expect(b.expires_in).toBe(7200 - 1000); // remaining seconds, not the full lifetime
    const c = await post(true);
    expect(c.access_token).not.toBe(a.access_token);
    expect(c.expires_in).toBe(7200);
    expect(h.emu.state.accessTokens.has(a.access_token)).toBe(false);
  });
});
