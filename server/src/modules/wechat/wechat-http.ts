import { systemClock, type Clock } from '../../lib/clock';
import { createAccessTokenCache } from './access-token-cache';
import { ERR_MALFORMED, WechatTransport, isRecord, type WechatLogger } from './wechat-transport';
import {
  WechatApiError,
  type SubscribeMessage,
  type UnlimitedQrCodeRequest,
  type WechatApi,
  type WechatPhoneNumber,
  type WechatSession,
} from './wechat.types';

export interface WechatApiOptions {
  appid: string;
  secret: string;
  /** https://api.weixin.qq.com in production, the emulator's URL in development and tests. */
  apiBase: string;
  clock?: Clock;
  /** Per request, covering connect, headers and body. Default 5000. */
  timeoutMs?: number;
  /** Refresh the access token once fewer than this many ms remain. Default 5 minutes. */
  tokenRefreshMarginMs?: number;
  fetchImpl?: typeof fetch;
  logger?: WechatLogger;
}

/** errcodes meaning "this access_token is no good": stale, expired, or not the latest. */
const TOKEN_REJECTED = new Set([40001, 42001, 40014]);

/** The one WeChat client, for the real API and the emulator alike. */
export function createWechatApi(opts: WechatApiOptions): WechatApi {
  const http = new WechatTransport({
    apiBase: opts.apiBase,
    fetchImpl: opts.fetchImpl ?? fetch,
    timeoutMs: opts.timeoutMs ?? 5000,
    logger: opts.logger,
  });

  const accessToken = createAccessTokenCache({
    clock: opts.clock ?? systemClock,
    refreshMarginMs: opts.tokenRefreshMarginMs ?? 5 * 60_000,
    fetchToken: async () => {
      // Normal mode (force_refresh false): WeChat hands every caller the same token, so several of our
      // processes can refresh independently without invalidating each other.
      const json = await http.postJson('stableToken', '/cgi-bin/stable_token', {}, {
        grant_type: 'client_credential',
        appid: opts.appid,
        secret: opts.secret,
        force_refresh: false,
      });
      const token = json.access_token;
      const expiresInSec = Number(json.expires_in);
      if (typeof token !== 'string' || !token || !(expiresInSec > 0)) {
        throw http.fail('stableToken', ERR_MALFORMED, 'reply without access_token/expires_in');
      }
      return { token, expiresInSec };
    },
  });

  /** Runs `call` with the cached token; on a token rejection, refetches and retries exactly once. */
  async function withToken<T>(api: string, call: (token: string) => Promise<T>): Promise<T> {
    const token = await accessToken.getAccessToken();
    try {
      return await call(token);
    } catch (err) {
      if (!(err instanceof WechatApiError) || !TOKEN_REJECTED.has(err.errcode)) throw err;
      opts.logger?.warn({ api, errcode: err.errcode }, 'wechat access token rejected; refetching once');
      accessToken.invalidate(token);
      return call(await accessToken.getAccessToken());
    }
  }

  return {
    accessToken,

    async code2Session(jsCode: string): Promise<WechatSession> {
      const json = await http.getJson('code2Session', '/sns/jscode2session', {
        appid: opts.appid,
        secret: opts.secret,
        js_code: jsCode,
        grant_type: 'authorization_code',
      });
      const { openid, session_key: sessionKey, unionid } = json;
      if (typeof openid !== 'string' || !openid || typeof sessionKey !== 'string' || !sessionKey) {
        throw http.fail('code2Session', ERR_MALFORMED, 'reply without openid/session_key');
      }
      return typeof unionid === 'string' && unionid ? { openid, sessionKey, unionid } : { openid, sessionKey };
    },

    getPhoneNumber(code: string, openid?: string): Promise<WechatPhoneNumber> {
      return withToken('getPhoneNumber', async (token) => {
        const json = await http.postJson(
          'getPhoneNumber',
          '/wxa/business/getuserphonenumber',
          { access_token: token },
          openid ? { code, openid } : { code },
        );
        const info = json.phone_info;
        if (!isRecord(info) || typeof info.phoneNumber !== 'string' || typeof info.purePhoneNumber !== 'string') {
          throw http.fail('getPhoneNumber', ERR_MALFORMED, 'reply without phone_info');
        }
        // Documented as a string, shown as a number in WeChat's own example: accept both.
        const cc = info.countryCode;
        const countryCode = typeof cc === 'number' || typeof cc === 'string' ? String(cc) : '';
        return { phoneNumber: info.phoneNumber, purePhoneNumber: info.purePhoneNumber, countryCode };
      });
    },

    getUnlimitedQrCode(req: UnlimitedQrCodeRequest): Promise<Buffer> {
      return withToken('getUnlimitedQrCode', (token) =>
        http.postForBytes(
          'getUnlimitedQrCode',
          '/wxa/getwxacodeunlimit',
          { access_token: token },
          {
            scene: req.scene,
            page: req.page, // undefined is dropped by JSON.stringify → WeChat's default (home page)
            check_path: req.checkPath ?? true,
            env_version: req.envVersion ?? 'release',
            width: req.width ?? 430,
          },
        ),
      );
    },

    sendSubscribeMessage(msg: SubscribeMessage): Promise<void> {
      return withToken('sendSubscribeMessage', async (token) => {
        await http.postJson(
          'sendSubscribeMessage',
          '/cgi-bin/message/subscribe/send',
          { access_token: token },
          {
            touser: msg.toUser,
            template_id: msg.templateId,
            page: msg.page,
            data: msg.data,
            miniprogram_state: msg.miniprogramState,
            lang: 'zh_CN',
          },
        );
      });
    },
  };
}
