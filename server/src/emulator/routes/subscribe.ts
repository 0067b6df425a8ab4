import type { EmulatorPlugin } from '../plugin';
import type { EmulatorState } from '../state';
import {
  controlError,
  controlJsonBody,
  countAndMaybeFail,
  isRecord,
  queryString,
  requireAccessToken,
  wxError,
  wxJsonBody,
} from '../wx';

const MINIPROGRAM_STATES = new Set(['developer', 'trial', 'formal']);

/** wx.requestSubscribeMessage (accept) + subscribeMessage.send, with one-time-subscription quotas. */
export const subscribePlugin: EmulatorPlugin = {
  name: 'subscribe',
  register(router, env) {
    const { state } = env;

    // Stands in for the user tapping "accept" in the subscribe dialog; each accept allows one send.
    router.post('/__emulator/subscribe-accept', (ctx) => {
      const body = controlJsonBody(ctx);
      if (!body) return;
      const { openid, templateId } = body;
      const count = body.count ?? 1;
      if (typeof openid !== 'string' || !openid) return controlError(ctx, 400, 'openid is required');
      if (typeof templateId !== 'string' || !templateId) return controlError(ctx, 400, 'templateId is required');
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1000) {
        return controlError(ctx, 400, 'count must be an integer 1-1000');
      }
      const remaining = quota(state, openid, templateId) + count;
      setQuota(state, openid, templateId, remaining);
      ctx.body = { remaining };
    });

    // What WeChat would have delivered; `?openid=` narrows to one user.
    router.get('/__emulator/subscribe-messages', (ctx) => {
      const openid = queryString(ctx, 'openid');
      ctx.body = { items: openid ? state.subscribeMessages.filter((m) => m.touser === openid) : state.subscribeMessages };
    });

    router.post('/cgi-bin/message/subscribe/send', (ctx) => {
      if (countAndMaybeFail(ctx, env, 'subscribeSend')) return;
      if (!requireAccessToken(ctx, env)) return;
      const body = wxJsonBody(ctx);
      if (!body) return;
      const { touser, template_id: templateId, page, data } = body;
      if (typeof touser !== 'string' || !touser) return wxError(ctx, 40003, 'invalid openid');
      if (typeof templateId !== 'string' || !templateId) return wxError(ctx, 40037, 'invalid template id');
      if (page !== undefined && typeof page !== 'string') return wxError(ctx, 41030, 'invalid page');
      const badKey = invalidDataKey(data);
      if (badKey !== undefined) {
        return wxError(ctx, 47003, badKey ? `argument invalid! data.${badKey}.value is empty` : 'argument invalid! data is empty');
      }
      const miniprogramState = body.miniprogram_state ?? 'formal';
      if (typeof miniprogramState !== 'string' || !MINIPROGRAM_STATES.has(miniprogramState)) {
        return wxError(ctx, 47003, 'argument invalid! miniprogram_state');
      }

      const left = quota(state, touser, templateId);
      if (left <= 0) return wxError(ctx, 43101, 'user refuse to accept the msg');
      setQuota(state, touser, templateId, left - 1);
      state.subscribeMessages.push({
        touser,
        templateId,
        page,
        data: data as Record<string, unknown>,
        miniprogramState,
        lang: typeof body.lang === 'string' ? body.lang : 'zh_CN',
        sentAt: new Date(env.now()).toISOString(),
      });
      ctx.body = { errcode: 0, errmsg: 'ok' };
    });
  },
};

function quota(state: EmulatorState, openid: string, templateId: string): number {
  return state.subscribeQuota.get(openid)?.get(templateId) ?? 0;
}

function setQuota(state: EmulatorState, openid: string, templateId: string, n: number): void {
  let perUser = state.subscribeQuota.get(openid);
  if (!perUser) state.subscribeQuota.set(openid, (perUser = new Map()));
  perUser.set(templateId, n);
}

/** '' for a missing/empty data object, the offending key for a value that is not a non-empty string. */
function invalidDataKey(data: unknown): string | undefined {
  if (!isRecord(data) || Object.keys(data).length === 0) return '';
  for (const [key, entry] of Object.entries(data)) {
    if (!isRecord(entry) || typeof entry.value !== 'string' || entry.value === '') return key;
  }
  return undefined;
}
