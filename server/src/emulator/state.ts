/**
 * Everything the emulator remembers, kept as plain maps/arrays so tests can inspect and poke it
 * (e.g. `state.accessTokens.clear()` to make WeChat reject the token a client holds).
 */

export interface LoginCode {
  openid: string;
  unionid?: string;
  expiresAt: number;
  used: boolean;
}

export interface PhoneCode {
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string;
  /** When set, the code only works for this openid (WeChat's optional check). */
  openid?: string;
  expiresAt: number;
  used: boolean;
}

export interface AccessTokenRecord {
  expiresAt: number;
}

export interface SentSubscribeMessage {
  touser: string;
  templateId: string;
  page?: string;
  data: Record<string, unknown>;
  miniprogramState: string;
  lang: string;
  sentAt: string;
}

export interface GeneratedQrCode {
  scene: string;
  page?: string;
  width: number;
  envVersion: string;
  checkPath: boolean;
  /** What the PNG encodes. */
  content: string;
}

/** WeChat API names the emulator serves; used for call counters and fault injection. */
export type EmulatorApi = 'jscode2session' | 'stableToken' | 'getPhoneNumber' | 'getwxacodeunlimit' | 'subscribeSend';

export interface Fault {
  errcode: number;
  errmsg: string;
  /** How many upcoming calls still fail. */
  remaining: number;
}

export interface EmulatorState {
  loginCodes: Map<string, LoginCode>;
  /** openid → the session_key of the latest login (kept for a future legacy-decrypt emulation). */
  sessions: Map<string, { sessionKey: string; unionid?: string }>;
  phoneCodes: Map<string, PhoneCode>;
  /** Every access token still known. A token missing from here is rejected with 40001. */
  accessTokens: Map<string, AccessTokenRecord>;
  /** The token normal-mode stable_token hands out while it has more than the overlap left. */
  currentAccessToken: string | undefined;
  /** openid → templateId → remaining one-time sends. */
  subscribeQuota: Map<string, Map<string, number>>;
  subscribeMessages: SentSubscribeMessage[];
  qrCodes: GeneratedQrCode[];
  /** Calls received per WeChat API, successful or not. */
  calls: Record<EmulatorApi, number>;
  /** Make the next N calls of an API fail with a given errcode (e.g. -1 busy, 45011 rate limit). */
  faults: Map<EmulatorApi, Fault>;
}

export function createState(): EmulatorState {
  return {
    loginCodes: new Map(),
    sessions: new Map(),
    phoneCodes: new Map(),
    accessTokens: new Map(),
    currentAccessToken: undefined,
    subscribeQuota: new Map(),
    subscribeMessages: [],
    qrCodes: [],
    calls: { jscode2session: 0, stableToken: 0, getPhoneNumber: 0, getwxacodeunlimit: 0, subscribeSend: 0 },
    faults: new Map(),
  };
}

/** Drops expired entries so a long-running dev emulator does not grow without bound. */
export function sweepExpired<T extends { expiresAt: number }>(map: Map<string, T>, now: number): void {
  for (const [key, value] of map) if (value.expiresAt <= now) map.delete(key);
}
