import { ApiError, ClientErrorCode } from '../api/api-error';
import { postEmulator } from './emulator.h5';
import type { GetLoginCode } from './types';

/**
 * H5 stands in for WeChat with the emulator: this browser is one "fan" with a stable openid kept in
 * localStorage, and the emulator issues a one-time login code for it, like wx.login would.
 */
export const H5_OPENID_KEY = 'o2o.h5.openid';
const OPENID_PATTERN = /^h5_[A-Za-z0-9]{20}$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomChars(count: number): string {
  let out = '';
  const cryptoObj: Crypto | null = typeof crypto !== 'undefined' ? crypto : null;
  while (out.length < count) {
    const bytes = new Uint8Array(count * 2);
    if (cryptoObj) cryptoObj.getRandomValues(bytes);
    else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    for (const b of bytes) {
      // 248 = 4 × 62: rejecting the rest keeps every character equally likely.
      if (b < 248 && out.length < count) out += ALPHABET[b % ALPHABET.length];
    }
  }
  return out;
}

/** The openid of this browser: generated once (`h5_` + 20 random [A-Za-z0-9]) and then reused. */
export function getH5Openid(): string {
  let stored: string | null = null;
  try {
    stored = window.localStorage.getItem(H5_OPENID_KEY);
  } catch {
    // storage blocked (private mode): a new fan per page load is the best we can do
  }
  if (stored && OPENID_PATTERN.test(stored)) return stored;
  const openid = `h5_${randomChars(20)}`;
  try {
    window.localStorage.setItem(H5_OPENID_KEY, openid);
  } catch {
    // see above
  }
  return openid;
}

export const getLoginCode: GetLoginCode = async () => {
  const { code } = await postEmulator<{ code?: string }>('/__emulator/login-code', { openid: getH5Openid() });
  if (!code) throw new ApiError({ status: 200, code: ClientErrorCode.BAD_RESPONSE, message: 'emulator gave no code' });
  return code;
};
