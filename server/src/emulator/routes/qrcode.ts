import { toBuffer, type QRCodeToBufferOptions } from 'qrcode';
import type { EmulatorPlugin } from '../plugin';
import { countAndMaybeFail, requireAccessToken, wxError, wxJsonBody } from '../wx';

/** WeChat's scene charset: digits, letters and !#$&'()*+,/:;=?@-._~ (notably no `%`, so no URL-encoding). */
const SCENE_CHARS = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]*$/;
const ENV_VERSIONS = new Set(['release', 'trial', 'develop']);

/**
 * wxacode.getUnlimited. The image is a real, scannable QR (not a WeChat "sunflower" code) whose text
 * carries appid, page and scene, so tests and the H5 build can decode what a scan would open.
 */
export const qrCodePlugin: EmulatorPlugin = {
  name: 'qrcode',
  register(router, env) {
    router.post('/wxa/getwxacodeunlimit', async (ctx) => {
      if (countAndMaybeFail(ctx, env, 'getwxacodeunlimit')) return;
      if (!requireAccessToken(ctx, env)) return;
      const body = wxJsonBody(ctx);
      if (!body) return;

      const { scene, page } = body;
      if (typeof scene !== 'string' || scene.length === 0 || scene.length > 32) {
        return wxError(ctx, 40169, 'invalid length for scene, or the data is not json string');
      }
      if (!SCENE_CHARS.test(scene)) return wxError(ctx, 40129, 'invalid scene');
      // Params belong in scene; the page is a bare path from app.json.
      if (page !== undefined && (typeof page !== 'string' || page.startsWith('/') || page.includes('?'))) {
        return wxError(ctx, 41030, 'invalid page');
      }
      const envVersion = body.env_version ?? 'release';
      if (typeof envVersion !== 'string' || !ENV_VERSIONS.has(envVersion)) {
        return wxError(ctx, 40097, 'invalid args');
      }
      const width = typeof body.width === 'number' && Number.isFinite(body.width) ? clamp(body.width, 280, 1280) : 430;
      const pageOrHome = page || undefined;

      const content = qrContent(env.appid, pageOrHome, scene, envVersion);
      // filterType 0: pngjs otherwise tries all five PNG filters per row in pure JS, which costs seconds
      // per image under jest's VM sandbox; unfiltered output is still a valid PNG, just less compressed.
      // A fresh object per call because qrcode writes width/height into rendererOpts.
      const rendererOpts: QRCodeToBufferOptions['rendererOpts'] & { filterType: number } = { filterType: 0 };
      const png = await toBuffer(content, { type: 'png', width: Math.round(width), margin: 2, rendererOpts });
      env.state.qrCodes.push({ scene, page: pageOrHome, width, envVersion, checkPath: body.check_path !== false, content });
      ctx.type = 'image/png';
      ctx.body = png;
    });
  },
};

/** What the emulator's QR encodes; parse it with URL/URLSearchParams to recover appid, page and scene. */
export function qrContent(appid: string, page: string | undefined, scene: string, envVersion = 'release'): string {
  const parts = [`appid=${encodeURIComponent(appid)}`];
  if (page) parts.push(`page=${encodeURIComponent(page)}`);
  parts.push(`scene=${encodeURIComponent(scene)}`, `env_version=${envVersion}`);
  return `https://emulator.invalid/wxacode?${parts.join('&')}`;
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}
