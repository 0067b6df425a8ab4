import { timingSafeEqualText } from '../../lib/crypto';
import { AppError } from '../../lib/app-error';
import { getQrImage } from '../../modules/qr-code/qr-code.service';
import { PUBLIC, SIGNED_URL } from '../policy';
import { route } from '../route';

export interface Health {
  shuttingDown: boolean;
}

/** Health probes and signed media, mounted at the root. */
export function systemRoutes(health: Health) {
  return [
    route({ method: 'get', path: '/healthz', policy: PUBLIC('liveness probe'), handler: async () => ({ ok: true }) }),
    route({
      method: 'get',
      path: '/readyz',
      policy: PUBLIC('readiness probe'),
      handler: async ({ ctx, koa }) => {
        if (health.shuttingDown) {
          koa.status = 503;
          koa.body = { ok: false, reason: 'shutting down' };
          return undefined;
        }
        await ctx.db.read((em) => em.query('SELECT 1'));
        return { ok: true, db: ctx.db.dialect };
      },
    }),
    route({
      method: 'get',
      path: '/media/qr/:file',
      policy: SIGNED_URL,
      handler: async ({ ctx, koa, params }) => {
        const m = /^([A-Za-z0-9]{6,24})\.png$/.exec(params.file ?? '');
        const exp = String(koa.query.exp ?? '');
        const sig = String(koa.query.sig ?? '');
        if (!m || !/^\d{10}$/.test(exp)) throw new AppError('NOT_FOUND');
        const expected = ctx.tokens.signUrlPath(`/media/qr/${m[1]}.png:${exp}`);
        if (!timingSafeEqualText(sig, expected) || Number(exp) * 1000 < ctx.clock.now().getTime()) throw new AppError('NOT_FOUND');
        koa.type = 'image/png';
        koa.set('Cache-Control', 'private, max-age=86400');
        koa.body = await getQrImage(ctx, m[1]);
        return undefined;
      },
    }),
  ];
}
