import { parseScene, type AppSessionResponse, type TAppSessionBody } from '@o2o/shared';
import type { EntityManager } from 'typeorm';
import type { Ctx } from '../../context';
import { Customer } from '../customer/customer.entity';
import { loadCustomerView } from '../customer/customer-view';
import { recordScan } from '../customer/scan.service';
import { resolveQrCode } from '../qr-code/qr-code.service';
import { exchangeLoginCode } from './wechat-identity';

/**
 * Scan → fan. Exchanges the wx.login code, upserts the customer by openid, and when the scene carries one
 * of our active codes records the scan (tags in force, home store, clerk binding). Returns a consumer token.
 *
 * Unknown, malformed or over-long scenes only lose attribution: the visitor is still a fan, no error.
 * Idempotent: a repeated code/scene inside one visit window changes nothing; the same openid is one customer.
 * session_key is stored encrypted and never returned.
 */
export async function createAppSession(ctx: Ctx, cmd: TAppSessionBody): Promise<AppSessionResponse> {
  const wx = await exchangeLoginCode(ctx, cmd.code);
  const qrCode = parseScene(cmd.scene);
  const now = ctx.clock.now();
  const sessionKeyEnc = ctx.pii.encrypt(wx.sessionKey);

  const customerId = await ctx.db.transaction(async (tx) => {
    const qr = qrCode ? await resolveQrCode(tx, qrCode) : null;
    const { id, isNew } = await upsertFan(ctx, tx, wx.openid, wx.unionid ?? null, sessionKeyEnc, now);
    if (qr) await recordScan(ctx, tx, id, isNew, qr, now);
    return id;
  });
  // Read back after commit: the view's reads need no locks held.
  const customer = await ctx.db.read((em) => loadCustomerView(em, ctx.pii, customerId));
  const { token, expiresAt } = ctx.tokens.issue({ aud: 'app', sub: customer.id }, ctx.config.rules.sessionTtlHours * 3600, now);
  return { token, expiresAt: expiresAt.toISOString(), customer };
}

/** Finds the customer by openid or creates the fan; the unique openid makes concurrent first logins one row. */
async function upsertFan(ctx: Ctx, tx: EntityManager, openid: string, unionid: string | null, sessionKeyEnc: string, now: Date) {
  const repo = tx.getRepository(Customer);
  const existing = await repo.findOne({ where: { openid }, select: { id: true } });
  if (existing) {
    await tx
      .createQueryBuilder()
      .update(Customer)
      .set({ sessionKeyEnc, lastVisitAt: now, unionid: () => 'COALESCE(unionid, :unionid)' })
      .where('id = :id')
      .setParameters({ unionid, id: existing.id })
      .execute();
    return { id: existing.id, isNew: false };
  }
  const isNew = await ctx.db.insertOnce(tx, Customer, { openid, unionid, sessionKeyEnc, lastVisitAt: now, pointsBalance: 0, level: 0 });
  const row = await repo.findOneOrFail({ where: { openid }, select: { id: true } });
  return { id: row.id, isNew };
}
