/**
 * The `scene` of a mini-program code (wxacode.getUnlimited): at most 32 visible characters from
 * WeChat's allowed set. Ours is always `c=<qr code>`; anything else is "no attribution", never an error.
 *
 * The page receives it URL-encoded (`c%3DK7f3Qa`); some paths hand it over decoded, a few double-encoded.
 * `parseScene` accepts all three and returns null for unknown, malformed or over-long input.
 */
export const SCENE_MAX_LENGTH = 32;
export const QR_CODE_PATTERN = /^[A-Za-z0-9]{6,24}$/;
const SCENE_CHARSET = /^[A-Za-z0-9!#$&'()*+,/:;=?@\-._~]*$/;

export function buildScene(code: string): string {
  if (!QR_CODE_PATTERN.test(code)) throw new RangeError('invalid qr code');
  return `c=${code}`;
}

function decodeOnce(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

/** Returns the QR code carried by the scene, or null. Never throws. */
export function parseScene(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > SCENE_MAX_LENGTH * 3 * 2) return null;
  let value = raw;
  // Decode at most twice: raw (already decoded), encoded once, or encoded twice by a wrapper.
  for (let i = 0; i < 2 && value.includes('%'); i++) {
    const decoded = decodeOnce(value);
    if (decoded === null) return null;
    value = decoded;
  }
  if (value.length > SCENE_MAX_LENGTH || !SCENE_CHARSET.test(value)) return null;
  const params = new URLSearchParams(value);
  const code = params.get('c');
  return code && QR_CODE_PATTERN.test(code) ? code : null;
}
