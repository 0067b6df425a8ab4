/**
 * One interface per WeChat capability. The server only ever talks to WeChat through these; the
 * implementation is the same HTTP client for the real hosts and for our emulator (WECHAT_API_BASE decides).
 */

export interface WechatSession {
  openid: string;
  unionid?: string;
  /** Stays on the server. Never returned to a client, never logged. */
  sessionKey: string;
}

export interface WechatLogin {
  /** auth.code2Session. Throws WechatApiError (40029 invalid code, 40163 code used, 45011 rate limited, -1 busy). */
  code2Session(jsCode: string): Promise<WechatSession>;
}

export interface WechatPhoneNumber {
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string;
}

export interface WechatPhone {
  /** phonenumber.getPhoneNumber with a button code. Throws WechatApiError (40029 invalid/used code). */
  getPhoneNumber(code: string, openid?: string): Promise<WechatPhoneNumber>;
}

export interface WechatAccessToken {
  /** A valid access token from /cgi-bin/stable_token, cached and refreshed before it expires. */
  getAccessToken(): Promise<string>;
  /** Drop a token the API rejected (40001/42001) so the next call fetches a fresh one. */
  invalidate(token: string): void;
}

export interface UnlimitedQrCodeRequest {
  /** ≤ 32 visible chars of WeChat's allowed set. */
  scene: string;
  /** e.g. 'pages/index/index'; no leading slash, no query. */
  page?: string;
  width?: number;
  checkPath?: boolean;
  envVersion?: 'release' | 'trial' | 'develop';
}

export interface WechatQrCodeImage {
  /** wxacode.getUnlimited → image bytes (PNG from the emulator). Throws WechatApiError on a JSON error reply. */
  getUnlimitedQrCode(req: UnlimitedQrCodeRequest): Promise<Buffer>;
}

export interface SubscribeMessage {
  toUser: string;
  templateId: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogramState?: 'developer' | 'trial' | 'formal';
}

export interface WechatSubscribe {
  /** subscribeMessage.send. Throws WechatApiError (43101 no quota / user refused, 45009 rate limit). */
  sendSubscribeMessage(msg: SubscribeMessage): Promise<void>;
}

export interface WechatApi extends WechatLogin, WechatPhone, WechatQrCodeImage, WechatSubscribe {
  readonly accessToken: WechatAccessToken;
}

/** A WeChat `{errcode, errmsg}` reply, or a transport failure (errcode -2 timeout/network, -3 malformed reply). */
export class WechatApiError extends Error {
  constructor(
    readonly api: string,
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`${api} failed: ${errcode} ${errmsg}`);
    this.name = 'WechatApiError';
  }
}
