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

/**
 * A printed poster carries a plain link QR (`<base>#/pages/index/index?scene=c%3DK7f3Qa`; WeChat's
 * "扫普通链接二维码打开小程序" rule sends it to this page). WeChat then hands the page the whole link, URL-encoded,
 * as `q` instead of `scene`: take the scene out of it. Anything unexpected only loses attribution.
 */
export function sceneFromLink(rawQ: unknown): string | undefined {
  if (typeof rawQ !== 'string' || rawQ === '' || rawQ.length > 2048) return undefined;
  let link: string;
  try {
    link = decodeURIComponent(rawQ);
  } catch {
    return undefined;
  }
  const m = /[?&]scene=([^&#]*)/.exec(link);
  return m ? decodeScene(m[1]) : undefined;
}

/** The entry page's scene: a mini-program code's `scene`, else a printed link QR's `q`. */
export function entryScene(params: Record<string, string | undefined>): string | undefined {
  return decodeScene(params.scene) ?? sceneFromLink(params.q);
}
