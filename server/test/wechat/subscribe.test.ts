import { subscribeErrorKind } from '../../src/modules/wechat/wechat-errors';
import type { SubscribeMessage } from '../../src/modules/wechat/wechat.types';
import { startHarness, wechatError, type Harness } from './harness';

describe('sendSubscribeMessage against the emulator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const msg = (toUser: string, templateId = 'TPL_ORDER_PAID'): SubscribeMessage => ({
    toUser,
    templateId,
    page: 'pages/order/detail?id=1024',
    data: { thing1: { value: '春季徒步活动报名' }, amount2: { value: '¥99.00' } },
    miniprogramState: 'trial',
  });
  const accept = (openid: string, templateId: string, count?: number) =>
    h.control<{ remaining: number }>('/__emulator/subscribe-accept', { openid, templateId, count });
  const listed = async (openid: string) => {
    const res = await fetch(`${h.url}/__emulator/subscribe-messages?openid=${openid}`);
    return ((await res.json()) as { items: Array<Record<string, unknown>> }).items;
  };

  it('refuses with 43101 when the user never accepted', async () => {
    const err = await wechatError(h.api.sendSubscribeMessage(msg('oUser_sub_1')));
    expect(err).toMatchObject({ api: 'sendSubscribeMessage', errcode: 43101 });
    expect(err.errmsg).toMatch(/^user refuse to accept the msg, rid: /);
    expect(subscribeErrorKind(err)).toBe('no_quota');
    expect(await listed('oUser_sub_1')).toEqual([]);
  });

  it('sends once per accept and records the message', async () => {
    expect(await accept('oUser_sub_2', 'TPL_ORDER_PAID')).toEqual({ remaining: 1 });
    await h.api.sendSubscribeMessage(msg('oUser_sub_2'));

    const items = await listed('oUser_sub_2');
    expect(items).toEqual([
      expect.objectContaining({
        touser: 'oUser_sub_2',
        templateId: 'TPL_ORDER_PAID',
        page: 'pages/order/detail?id=1024',
        data: { thing1: { value: '春季徒步活动报名' }, amount2: { value: '¥99.00' } },
        miniprogramState: 'trial',
        lang: 'zh_CN',
      }),
    ]);
    expect((await wechatError(h.api.sendSubscribeMessage(msg('oUser_sub_2')))).errcode).toBe(43101);
    expect(await listed('oUser_sub_2')).toHaveLength(1);
  });

  it('accumulates accepts and keeps quotas per template', async () => {
    expect(await accept('oUser_sub_3', 'TPL_A', 2)).toEqual({ remaining: 2 });
    expect(await accept('oUser_sub_3', 'TPL_A')).toEqual({ remaining: 3 });
    await h.api.sendSubscribeMessage(msg('oUser_sub_3', 'TPL_A'));
    await h.api.sendSubscribeMessage(msg('oUser_sub_3', 'TPL_A'));
    expect((await wechatError(h.api.sendSubscribeMessage(msg('oUser_sub_3', 'TPL_B')))).errcode).toBe(43101);
    expect(h.emu.state.subscribeQuota.get('oUser_sub_3')?.get('TPL_A')).toBe(1);
  });

  it('rejects empty data with 47003 without consuming quota', async () => {
    await accept('oUser_sub_4', 'TPL_ORDER_PAID');
    const err = await wechatError(
      h.api.sendSubscribeMessage({ ...msg('oUser_sub_4'), data: { thing1: { value: '' } } }),
    );
    expect(err.errcode).toBe(47003);
    expect(subscribeErrorKind(err)).toBe('invalid_request');
    await expect(h.api.sendSubscribeMessage(msg('oUser_sub_4'))).resolves.toBeUndefined();
  });
});
