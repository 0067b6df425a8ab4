import fs from 'node:fs';
import path from 'node:path';
import { send } from '@koa/send';
import type { Context, Next } from 'koa';

export interface StaticApp {
  /** URL prefix without a trailing slash, e.g. '/console'. */
  prefix: string;
  /** The build folder (index.html + hashed assets). Looked up per request: a build finishing after start is served. */
  root: string;
  /** Single-page app: unknown paths under the prefix answer index.html (deep links work). */
  spaFallback: boolean;
}

/**
 * Serves a front-end build (the console at /console/, the H5 app at /h5/): GET/HEAD only, no directory escapes
 * (koa-send resolves inside `root`), hashed files cached for a year as immutable, index.html `no-store` so a
 * deploy is picked up at the next load. `/prefix` redirects to `/prefix/`. Missing assets are 404, never index.html.
 */
export function staticApp(app: StaticApp) {
  const root = path.resolve(app.root);
  const index = path.join(root, 'index.html');
  return async (koa: Context, next: Next) => {
    if ((koa.method !== 'GET' && koa.method !== 'HEAD') || !(koa.path === app.prefix || koa.path.startsWith(`${app.prefix}/`))) return next();
    if (koa.path === app.prefix) return koa.redirect(`${app.prefix}/`);
    if (!fs.existsSync(index)) return next();
    const rel = decodeURIComponentSafe(koa.path.slice(app.prefix.length + 1));
    if (rel === null) return next();
    const isAsset = rel !== '' && rel !== 'index.html' && fs.existsSync(path.join(root, rel)) && path.resolve(root, rel).startsWith(root + path.sep);
    if (isAsset) {
      await send(koa, rel, {
        root,
        index: false,
        hidden: false,
        maxage: 365 * 24 * 3600 * 1000,
        immutable: true,
        gzip: true,
        brotli: true,
      });
      koa.vary('Accept-Encoding');
      return;
    }
    // Looks like a file (has an extension) but is not there: a stale or wrong asset URL, not a page.
    if (/\.[a-z0-9]{1,8}$/i.test(rel) && rel !== 'index.html') return next();
    if (!app.spaFallback && rel !== '' && rel !== 'index.html') return next();
    koa.set('Cache-Control', 'no-store');
    koa.type = 'text/html; charset=utf-8';
    koa.body = fs.createReadStream(index);
  };
}

function decodeURIComponentSafe(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}
