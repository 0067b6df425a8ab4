import fs from 'node:fs';
import path from 'node:path';
import type { Context, Next } from 'koa';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'application/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml', '.json': 'application/json', '.ico': 'image/x-icon', '.woff2': 'font/woff2' };

/** Serves the H5 build under /h5/ (GET only, no directory escapes). For `npm start`; production uses a CDN. */
export function staticH5(root: string) {
  const base = path.resolve(root);
  return async (koa: Context, next: Next) => {
    if (koa.method !== 'GET' || !(koa.path === '/h5' || koa.path.startsWith('/h5/'))) return next();
    const rel = koa.path.replace(/^\/h5\/?/, '') || 'index.html';
    const file = path.resolve(base, rel);
    if (!file.startsWith(base + path.sep)) return next();
    const stat = await fs.promises.stat(file).catch(() => null);
    if (!stat?.isFile()) return next();
    koa.type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    koa.set('Cache-Control', rel === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable');
    koa.body = fs.createReadStream(file);
  };
}
