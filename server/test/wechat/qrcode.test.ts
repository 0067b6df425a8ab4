import { qrContent } from '../../src/emulator';
import { qrCodeErrorKind } from '../../src/modules/wechat/wechat-errors';
import { APPID, startHarness, wechatError, type Harness } from './harness';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** PNG width from the IHDR chunk (bytes 16-19). */
const pngWidth = (png: Buffer) => png.readUInt32BE(16);

describe('getUnlimitedQrCode against the emulator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('returns a real PNG encoding appid, page and scene', async () => {
    const scene = "c=K7f3Qa&s=!#$'()*+,/:;?@-._~";
    const png = await h.api.getUnlimitedQrCode({ scene, page: 'pages/campaign/index', width: 300 });
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(pngWidth(png)).toBe(300);

    const generated = h.emu.state.qrCodes.at(-1);
    expect(generated).toMatchObject({ scene, page: 'pages/campaign/index', width: 300, envVersion: 'release' });
    const encoded = new URL(generated!.content);
    expect(encoded.searchParams.get('appid')).toBe(APPID);
    expect(encoded.searchParams.get('page')).toBe('pages/campaign/index');
    expect(encoded.searchParams.get('scene')).toBe(scene);
    expect(generated!.content).toBe(qrContent(APPID, 'pages/campaign/index', scene));
  });

  it('clamps width to 280..1280 and defaults to 430', async () => {
    await h.api.getUnlimitedQrCode({ scene: 'a', width: 10 });
    expect(h.emu.state.qrCodes.at(-1)?.width).toBe(280);
    await h.api.getUnlimitedQrCode({ scene: 'a', width: 99_999 });
    expect(h.emu.state.qrCodes.at(-1)?.width).toBe(1280);
    const png = await h.api.getUnlimitedQrCode({ scene: 'a' });
    expect(pngWidth(png)).toBe(430);
  });

  it.each([
    ['empty', '', 40169],
    ['33 chars', 'x'.repeat(33), 40169],
    ['percent-encoding', 'a%20b', 40129],
    ['CJK', '门店1', 40129],
    ['space', 'a b', 40129],
  ])('rejects a scene that is %s', async (_label, scene, errcode) => {
    const before = h.emu.state.qrCodes.length;
    const err = await wechatError(h.api.getUnlimitedQrCode({ scene }));
    expect(err).toMatchObject({ api: 'getUnlimitedQrCode', errcode });
    expect(qrCodeErrorKind(err)).toBe('invalid_request');
    expect(h.emu.state.qrCodes).toHaveLength(before);
  });

  it('accepts exactly 32 chars', async () => {
    await expect(h.api.getUnlimitedQrCode({ scene: 'x'.repeat(32) })).resolves.toBeInstanceOf(Buffer);
  });

  it.each(['/pages/index/index', 'pages/index/index?c=1'])('rejects page %s with 41030', async (page) => {
    expect((await wechatError(h.api.getUnlimitedQrCode({ scene: 'a', page }))).errcode).toBe(41030);
  });

  it('counts every call, including rejected ones', async () => {
    const before = h.emu.state.calls.getwxacodeunlimit;
    await h.api.getUnlimitedQrCode({ scene: 'count' });
    await wechatError(h.api.getUnlimitedQrCode({ scene: '' }));
    expect(h.emu.state.calls.getwxacodeunlimit).toBe(before + 2);
  });

  it('answers a form post with 47001 like WeChat (JSON only)', async () => {
    const token = await h.api.accessToken.getAccessToken();
    const res = await fetch(`${h.url}/wxa/getwxacodeunlimit?access_token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'scene=abc',
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { errcode: number }).errcode).toBe(47001);
  });

  it('answers a missing access_token with 41001', async () => {
    const res = await fetch(`${h.url}/wxa/getwxacodeunlimit`, { method: 'POST', body: '{"scene":"a"}' });
    expect(((await res.json()) as { errcode: number }).errcode).toBe(41001);
  });
});
