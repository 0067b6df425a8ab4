import { phoneErrorKind } from '../../src/modules/wechat/wechat-errors';
import { APPID, startHarness, wechatError, type Harness } from './harness';

describe('getPhoneNumber against the emulator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const phoneCode = async (body: Record<string, unknown>) =>
    (await h.control<{ code: string }>('/__emulator/phone-code', body)).code;

  it('returns the number once (countryCode normalised to a string), then 40029', async () => {
    const code = await phoneCode({ phoneNumber: '13580006666' });
    await expect(h.api.getPhoneNumber(code)).resolves.toEqual({
      phoneNumber: '13580006666',
      purePhoneNumber: '13580006666',
      countryCode: '86',
    });
    const err = await wechatError(h.api.getPhoneNumber(code));
    expect(err).toMatchObject({ api: 'getPhoneNumber', errcode: 40029 });
    expect(phoneErrorKind(err)).toBe('invalid_code');
  });

  it('binds a code minted for an openid to that openid', async () => {
    const code = await phoneCode({ phoneNumber: '13900001111', openid: 'oUser_phone_A' });
    expect((await wechatError(h.api.getPhoneNumber(code, 'oUser_phone_B'))).errcode).toBe(40029);
    // the mismatch did not consume it; the right user still can
    await expect(h.api.getPhoneNumber(code, 'oUser_phone_A')).resolves.toMatchObject({ purePhoneNumber: '13900001111' });
  });

  it('accepts an unbound code with any openid, and a bound code without one', async () => {
    const unbound = await phoneCode({ phoneNumber: '13900002222' });
    await expect(h.api.getPhoneNumber(unbound, 'oUser_phone_C')).resolves.toBeDefined();
    const bound = await phoneCode({ phoneNumber: '13900003333', openid: 'oUser_phone_D' });
    await expect(h.api.getPhoneNumber(bound)).resolves.toBeDefined();
  });

  it('expires codes after 5 minutes and rejects unknown ones', async () => {
    const code = await phoneCode({ phoneNumber: '13900004444' });
    h.clock.advance(5 * 60_000);
    expect((await wechatError(h.api.getPhoneNumber(code))).errcode).toBe(40029);
    expect((await wechatError(h.api.getPhoneNumber('f'.repeat(64)))).errcode).toBe(40029);
  });

  it('prefixes non-mainland numbers and stamps the watermark', async () => {
    const code = await phoneCode({ phoneNumber: '51234567', countryCode: '852' });
    const token = await h.api.accessToken.getAccessToken();
    const res = await fetch(`${h.url}/wxa/business/getuserphonenumber?access_token=${token}`, {
      method: 'POST',
      body: JSON.stringify({ code }),
    });
    const json = (await res.json()) as { phone_info: Record<string, unknown> };
    expect(json.phone_info).toEqual({
      phoneNumber: '+85251234567',
      purePhoneNumber: '51234567',
      countryCode: 852,
      watermark: { timestamp: Math.floor(h.clock.now().getTime() / 1000), appid: APPID },
    });
  });

  it('rejects bad control input with 400', async () => {
    for (const body of [{}, { phoneNumber: '+86 135' }, { phoneNumber: '13580006666', openid: 'x' }]) {
      await expect(h.control('/__emulator/phone-code', body)).rejects.toThrow(/400/);
    }
  });
});
