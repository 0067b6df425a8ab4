import { ApiError, ClientErrorCode, isApiErrorBody } from '../api/api-error';

/**
 * H5 only: the local WeChat emulator plays WeChat's part (login and phone codes). It runs on its own
 * origin, so these are cross-origin calls; it is a development stand-in, never a production backend.
 */
export const EMULATOR_BASE = (process.env.TARO_APP_EMULATOR_BASE || 'http://127.0.0.1:3100').replace(/\/+$/, '');

/**
 * A browser-local override of the emulator's origin (`localStorage['o2o.h5.emulatorBase']`), for a stack
 * whose emulator is not on the built-in port (the e2e runs one on a free port). An origin only.
 */
export const EMULATOR_BASE_KEY = 'o2o.h5.emulatorBase';

export function emulatorBase(): string {
  try {
    const override = window.localStorage.getItem(EMULATOR_BASE_KEY);
    if (override && /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(override)) return override;
  } catch {
    // storage blocked: the built-in base
  }
  return EMULATOR_BASE;
}

export async function postEmulator<T>(path: string, body: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${emulatorBase()}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError({ status: 0, code: ClientErrorCode.NETWORK_ERROR, message: `emulator unreachable: ${String(err)}` });
  }
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    throw isApiErrorBody(data)
      ? new ApiError({ status: res.status, code: data.code, message: data.message, requestId: data.requestId })
      : new ApiError({ status: res.status, code: ClientErrorCode.BAD_RESPONSE, message: `emulator HTTP ${res.status}` });
  }
  return data as T;
}
