import { loginErrorKind } from '../../src/modules/wechat/wechat-errors';
import { startHarness, wechatError, type Harness } from './harness';

describe('code2Session against the emulator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('exchanges a code once, then answers 40163 code been used', async () => {
    const code = await h.loginCode('oUser_login_1');
    const session = await h.api.code2Session(code);
    expect(session.openid).toBe('oUser_login_1');
    expect(session.unionid).toBeUndefined();
    // session_key is base64 of 16 random bytes
    expect(Buffer.from(session.sessionKey, 'base64')).toHaveLength(16);

    const err = await wechatError(h.api.code2Session(code));
    expect(err.api).toBe('code2Session');
    expect(err.errcode).toBe(40163);
    expect(err.errmsg).toMatch(/^code been used, rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
    expect(loginErrorKind(err)).toBe('invalid_code');
  });

  it('issues a new session_key on every login and passes unionid through', async () => {
    const a = await h.api.code2Session(await h.loginCode('oUser_login_2', 'oUnion_2'));
    const b = await h.api.code2Session(await h.loginCode('oUser_login_2', 'oUnion_2'));
    expect(a.unionid).toBe('oUnion_2');
    expect(a.sessionKey).not.toBe(b.sessionKey);
    expect(h.emu.state.sessions.get('oUser_login_2')?.sessionKey).toBe(b.sessionKey);
  });

  it('answers 40029 for an unknown code', async () => {
    const err = await wechatError(h.api.code2Session('no-such-code'));
    expect(err.errcode).toBe(40029);
    expect(err.errmsg).toMatch(/^invalid code, rid: /);
  });

  it('expires codes after 5 minutes by the injected clock', async () => {
    const fresh = await h.loginCode('oUser_login_3');
    const stale = await h.loginCode('oUser_login_3');
    h.clock.advance(5 * 60_000 - 1);
    await expect(h.api.code2Session(fresh)).resolves.toMatchObject({ openid: 'oUser_login_3' });
    h.clock.advance(1);
    expect((await wechatError(h.api.code2Session(stale))).errcode).toBe(40029);
  });

  it('rejects a wrong secret with 40125 and a wrong appid with 40013', async () => {
    const code = await h.loginCode('oUser_login_4');
    expect((await wechatError(h.client({ secret: 'wrong-secret' }).code2Session(code))).errcode).toBe(40125);
    expect((await wechatError(h.client({ appid: 'wx_not_ours' }).code2Session(code))).errcode).toBe(40013);
    // the rejected attempts did not burn the code
    await expect(h.api.code2Session(code)).resolves.toMatchObject({ openid: 'oUser_login_4' });
  });

  it('maps an injected 45011 to rate_limited', async () => {
    await h.control('/__emulator/fault', { api: 'jscode2session', errcode: 45011, errmsg: 'api minute-quota reach limit' });
    const err = await wechatError(h.api.code2Session(await h.loginCode('oUser_login_5')));
    expect(err.errcode).toBe(45011);
    expect(loginErrorKind(err)).toBe('rate_limited');
    // the fault was single-shot
    await expect(h.api.code2Session(await h.loginCode('oUser_login_5'))).resolves.toBeDefined();
  });

  it('validates the openid a login code is minted for', async () => {
    for (const openid of ['short', 'has space in it', 'x'.repeat(65), 42]) {
      const res = await fetch(`${h.url}/__emulator/login-code`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ openid }),
      });
      expect(res.status).toBe(400);
    }
  });
});
