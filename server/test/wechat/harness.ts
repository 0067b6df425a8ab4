import { FixedClock } from '../../src/lib/clock';
import { createEmulator, type EmulatorHandle, type EmulatorOptions } from '../../src/emulator';
import { createWechatApi, type WechatApiOptions } from '../../src/modules/wechat/wechat-http';
import { WechatApiError, type WechatApi } from '../../src/modules/wechat/wechat.types';

export const APPID = 'wx00000000test0001';
export const SECRET = 'emulator-test-secret';
export const T0 = Date.UTC(2025, 0, 1, 2, 0, 0);

export interface Harness {
  emu: EmulatorHandle;
  url: string;
  clock: FixedClock;
  /** A client wired to the emulator over real loopback HTTP. */
  api: WechatApi;
  /** Another client against the same emulator, e.g. with a wrong secret or a spy fetch. */
  client(overrides?: Partial<WechatApiOptions>): WechatApi;
  /** POST JSON to a control endpoint and return the parsed reply (throws on non-2xx). */
  control<T = Record<string, unknown>>(path: string, body: unknown): Promise<T>;
  loginCode(openid: string, unionid?: string): Promise<string>;
  close(): Promise<void>;
}

/** Starts an emulator on a free loopback port with a shared FixedClock for emulator and client. */
export async function startHarness(opts: Partial<EmulatorOptions> = {}): Promise<Harness> {
  const clock = new FixedClock(T0);
  const emu = createEmulator({ appid: APPID, secret: SECRET, clock, ...opts });
  const { url } = await emu.listen(0);
  const client = (overrides: Partial<WechatApiOptions> = {}) =>
    // The production default (5 s): drawing a 1280-px code under a loaded CI machine took longer than 2 s once.
    createWechatApi({ appid: APPID, secret: SECRET, apiBase: url, clock, timeoutMs: 5000, ...overrides });

  const control = async <T = Record<string, unknown>>(path: string, body: unknown): Promise<T> => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`${path} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  return {
    emu,
    url,
    clock,
    api: client(),
    client,
    control,
    loginCode: async (openid, unionid) =>
      (await control<{ code: string }>('/__emulator/login-code', { openid, unionid })).code,
    close: () => emu.close(),
  };
}

/** Awaits a promise that must reject with a WechatApiError and returns it. */
export async function wechatError(p: Promise<unknown>): Promise<WechatApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WechatApiError) return err;
    throw err;
  }
  throw new Error('expected a WechatApiError, but the call succeeded');
}
