import type { Context, Next } from 'koa';
import { AppError } from '../../lib/app-error';
import { Staff } from '../../modules/staff/staff.entity';
import { authenticateTerminal } from '../../modules/sale/pos-terminal.service';
import { rawBodyOf } from './body';
import type { Policy } from '../policy';
import type { Ctx } from '../../context';

function bearer(koa: Context): string | null {
  const h = koa.get('authorization');
  const m = /^Bearer ([A-Za-z0-9._-]{10,2048})$/.exec(h);
  return m ? m[1] : null;
}

/**
 * Enforces a route's policy. Consumer tokens are rejected on staff routes and vice versa (audience);
 * staff tokens are re-checked against the staff row each time so leaving or a role change revokes at once.
 * POS routes take no token: each request carries its terminal's HMAC signature, verified against the terminal's
 * row on every request (so a revoked key fails at once).
 */
export function authenticate(policy: Policy) {
  return async (koa: Context, next: Next) => {
    const ctx: Ctx = koa.state.ctx;
    const now = ctx.clock.now();
    switch (policy.kind) {
      case 'public':
      case 'signed-url':
        return next();
      case 'consumer': {
        const token = bearer(koa);
        if (!token) throw new AppError('UNAUTHENTICATED');
        const claims = ctx.tokens.verify(token, 'app', now);
        koa.state.actor = { kind: 'customer', customerId: claims.sub };
        return next();
      }
      case 'staff': {
        const token = bearer(koa);
        if (!token) throw new AppError('UNAUTHENTICATED');
        const claims = ctx.tokens.verify(token, 'staff', now);
        const staff = await ctx.db.read((em) =>
          em.getRepository(Staff).findOne({
            where: { id: claims.sub },
            select: { id: true, role: true, storeId: true, status: true, tokenVersion: true, name: true },
          }),
        );
        if (!staff || staff.tokenVersion !== claims.ver) throw new AppError('UNAUTHENTICATED', 'Session revoked, log in again');
        if (staff.status !== 'active') throw new AppError('STAFF_INACTIVE');
        if (!policy.roles.includes(staff.role)) throw new AppError('FORBIDDEN_ROLE');
        koa.state.actor = { kind: 'staff', staffId: staff.id, role: staff.role, storeId: staff.storeId, name: staff.name };
        return next();
      }
      case 'pos': {
        // The signature covers the request target as sent (path and query) and the body's bytes as received.
        koa.state.actor = await authenticateTerminal(ctx, { method: koa.method, path: koa.originalUrl, header: (n) => koa.get(n), body: rawBodyOf(koa) ?? Buffer.alloc(0) });
        return next();
      }
    }
  };
}
