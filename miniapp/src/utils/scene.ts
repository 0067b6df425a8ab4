/** The API accepts at most this many characters of `scene` (`ZAppSessionBody`); longer is never ours. */
export const SCENE_MAX_LENGTH = 512;

/**
 * The `scene` of a mini-program code arrives URL-encoded (`c%3DK7f3Qa`) in the page params, on WeChat
 * and on H5 alike. Decode once, defensively: a malformed or oversized value only loses attribution,
 * so it yields `undefined` (no scene is sent) and never throws.
 */
export function decodeScene(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw === '') return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  decoded = decoded.trim();
  if (decoded === '' || decoded.length > SCENE_MAX_LENGTH) return undefined;
  return decoded;
}
