import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWechatApi, type WechatApiOptions } from '../../src/modules/wechat/wechat-http';
import { loginErrorKind } from '../../src/modules/wechat/wechat-errors';
import { startHarness, wechatError, type Harness } from './harness';

/** Client behaviour that the emulator cannot provoke: odd content-types, garbage, timeouts, dead hosts. */
describe('wechat http client transport', () => {
  const base: WechatApiOptions = { appid: 'wx_app', secret: 'top-secret-value', apiBase: 'http://wechat.test' };

  /** A fetch that answers every request with the given status/headers/body and remembers the URLs. */
  const stubFetch = (replies: Array<{ body: string | Buffer; type?: string; status?: number }>) => {
    const urls: string[] = [];
    const impl: typeof fetch = async (input) => {
      urls.push(String(input));
      const next = replies.length > 1 ? replies.shift()! : replies[0];
      return new Response(next.body, { status: next.status ?? 200, headers: next.type ? { 'content-type': next.type } : {} });
    };
    return { impl, urls };
  };
  const tokenReply = { body: JSON.stringify({ access_token: 'TOKEN_1', expires_in: 7200 }), type: 'application/json' };

  it('parses JSON served as text/plain and builds the documented query', async () => {
    const { impl, urls } = stubFetch([{ body: '{"openid":"o1","session_key":"a2V5"}', type: 'text/plain' }]);
    const api = createWechatApi({ ...base, fetchImpl: impl });
    await expect(api.code2Session('CODE 1')).resolves.toEqual({ openid: 'o1', sessionKey: 'a2V5' });
    const url = new URL(urls[0]);
    expect(url.pathname).toBe('/sns/jscode2session');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      appid: 'wx_app',
      secret: 'top-secret-value',
      js_code: 'CODE 1',
      grant_type: 'authorization_code',
    });
  });

  it('keeps a path prefix in apiBase', async () => {
    const { impl, urls } = stubFetch([{ body: '{"openid":"o1","session_key":"k"}' }]);
    await createWechatApi({ ...base, apiBase: 'http://proxy.test/wx/', fetchImpl: impl }).code2Session('c');
    expect(new URL(urls[0]).pathname).toBe('/wx/sns/jscode2session');
  });

  it('maps an unparseable body to -3 and a reply without openid to -3', async () => {
    const garbage = createWechatApi({ ...base, fetchImpl: stubFetch([{ body: '<html>502</html>', status: 502 }]).impl });
    expect((await wechatError(garbage.code2Session('c'))).errcode).toBe(-3);
    const empty = createWechatApi({ ...base, fetchImpl: stubFetch([{ body: '{"errcode":0}' }]).impl });
    expect((await wechatError(empty.code2Session('c'))).errcode).toBe(-3);
  });

  it('maps a timeout to -2 (upstream)', async () => {
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    const api = createWechatApi({ ...base, fetchImpl: hanging, timeoutMs: 30 });
    const err = await wechatError(api.code2Session('c'));
    expect(err).toMatchObject({ errcode: -2, errmsg: 'transport error: timeout' });
    expect(loginErrorKind(err)).toBe('upstream');
  });

  it('maps a refused connection to -2 without leaking the URL', async () => {
    const srv = http.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const api = createWechatApi({ ...base, apiBase: `http://127.0.0.1:${port}` });
    const err = await wechatError(api.code2Session('c'));
    expect(err.errcode).toBe(-2);
    expect(err.message).not.toContain('top-secret-value');
  });

  it('normalises a string countryCode and sends openid when given', async () => {
    const bodies: unknown[] = [];
    const { impl } = stubFetch([
      tokenReply,
      { body: JSON.stringify({ errcode: 0, errmsg: 'ok', phone_info: { phoneNumber: '+85251234567', purePhoneNumber: '51234567', countryCode: '852' } }) },
    ]);
    const spy: typeof fetch = (input, init) => {
      bodies.push(JSON.parse(String(init?.body)));
      return impl(input, init);
    };
    const api = createWechatApi({ ...base, fetchImpl: spy });
    await expect(api.getPhoneNumber('PC', 'oX')).resolves.toEqual({
      phoneNumber: '+85251234567',
      purePhoneNumber: '51234567',
      countryCode: '852',
    });
    expect(bodies[0]).toEqual({ grant_type: 'client_credential', appid: 'wx_app', secret: 'top-secret-value', force_refresh: false });
    expect(bodies[1]).toEqual({ code: 'PC', openid: 'oX' });
  });

  it('treats a JSON error labelled as an image as an error (sniffs the leading brace)', async () => {
    const { impl } = stubFetch([tokenReply, { body: ' {"errcode":45009,"errmsg":"reach max api minute quota"}', type: 'image/jpeg' }]);
    const err = await wechatError(createWechatApi({ ...base, fetchImpl: impl }).getUnlimitedQrCode({ scene: 'a' }));
    expect(err.errcode).toBe(45009);
  });

  it('returns image bytes even without a content-type', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const { impl } = stubFetch([tokenReply, { body: jpeg }]);
    await expect(createWechatApi({ ...base, fetchImpl: impl }).getUnlimitedQrCode({ scene: 'a' })).resolves.toEqual(jpeg);
  });

  describe('logging', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness();
    });
    afterAll(() => h.close());

    it('logs api name and errcode only, never secrets, tokens, codes or phone numbers', async () => {
      const lines: Array<[object, string]> = [];
      const logger = { warn: (obj: object, msg: string) => lines.push([obj, msg]) };
      const api = h.client({ logger });
      const code = await h.loginCode('oUser_log_1');
      const phoneCode = (await h.control<{ code: string }>('/__emulator/phone-code', { phoneNumber: '13512345678' })).code;
      await api.code2Session(code);
      await wechatError(api.code2Session(code)); // 40163
      await api.getPhoneNumber(phoneCode);
      await wechatError(api.getPhoneNumber(phoneCode)); // 40029
      const token = await api.accessToken.getAccessToken();
      h.emu.state.accessTokens.clear();
      await api.getUnlimitedQrCode({ scene: 'x' }); // 40001 then retry
      await wechatError(h.client({ logger, secret: 'wrong-secret-value' }).accessToken.getAccessToken()); // 40125

      expect(lines.map(([obj]) => obj)).toEqual([
        { api: 'code2Session', errcode: 40163 },
        { api: 'getPhoneNumber', errcode: 40029 },
        { api: 'getUnlimitedQrCode', errcode: 40001 },
        { api: 'getUnlimitedQrCode', errcode: 40001 },
        { api: 'stableToken', errcode: 40125 },
      ]);
      const dump = JSON.stringify(lines);
      for (const secret of [h.emu.env.secret, 'wrong-secret-value', token, code, phoneCode, '13512345678']) {
        expect(dump).not.toContain(secret);
      }
    });
  });
});
