import type { Context, Next } from 'koa';

/**
 * The console is our own code: everything from our origin, styles inline (antd's CSS-in-JS injects <style>),
 * images also from data:/blob: (QR previews, downloads), never framed.
 */
const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
/** The H5 app talks to configured API and emulator origins (TARO_APP_*): only the framing and plugin rules apply. */
const H5_CSP = "object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

/**
 * Headers on every response: no MIME sniffing; API answers are personal data (phones, balances, orders) and are never
 * stored by a browser or a shared cache; the two front-ends get a CSP and may not be framed (clickjacking).
 */
export function securityHeaders() {
  return async (koa: Context, next: Next) => {
    try {
      await next();
    } finally {
      koa.set('X-Content-Type-Options', 'nosniff');
      const p = koa.path;
      if (p.startsWith('/api/') && !koa.response.get('Cache-Control')) koa.set('Cache-Control', 'no-store');
      if (p === '/console' || p.startsWith('/console/')) {
        koa.set('Content-Security-Policy', CONSOLE_CSP);
        koa.set('X-Frame-Options', 'DENY');
      } else if (p === '/h5' || p.startsWith('/h5/')) {
        koa.set('Content-Security-Policy', H5_CSP);
        koa.set('X-Frame-Options', 'DENY');
      }
    }
  };
}
