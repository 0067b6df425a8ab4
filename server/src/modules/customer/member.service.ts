import type { CustomerView, TBindMemberBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import { isDuplicateKeyError } from '../../db/db';
import { AppError } from '../../lib/app-error';
import { emit } from '../../events/outbox';
import { exchangePhoneCode } from '../auth/wechat-identity';
import { postPoints } from '../points/points.service';
import { Customer } from './customer.entity';
import { CustomerClerk } from './customer-clerk.entity';
import { loadCustomerView } from './customer-view';

/**
 * Fan → member. Exchanges the one-time phone code (bound to the caller's openid), stores the phone only
 * encrypted with a blind index, and grants the welcome points.
 *
 * Exactly once: membership is a conditional update `member_since IS NULL`, and the welcome grant is keyed
 * (welcome, customer, id) in the ledger, so concurrent or repeated binds grant once.
 * Same phone again → the current view (idempotent). Another phone on a member → ALREADY_MEMBER.
 * A phone bound to another customer → PHONE_ALREADY_BOUND. A used/expired code → WECHAT_PHONE_CODE_INVALID.
 */
export async function bindMember(ctx: Ctx, customerId: number, cmd: TBindMemberBody): Promise<CustomerView> {
  const me = await ctx.db.read((em) => em.getRepository(Customer).findOne({ where: { id: customerId }, select: { id: true, openid: true } }));
  if (!me) throw new AppError('UNAUTHENTICATED');
  const phone = await exchangePhoneCode(ctx, cmd.phoneCode, me.openid);
  const normalized = `${phone.countryCode || '86'}:${phone.purePhoneNumber}`;
  const phoneHash = ctx.pii.blindIndex(normalized);
  const phoneEnc = ctx.pii.encrypt(normalized);
  const now = ctx.clock.now();

  return ctx.db.transaction(async (tx) => {
    let became: boolean;
    try {
      const res = await tx
        .createQueryBuilder()
        .update(Customer)
        .set({ phoneEnc, phoneHash, memberSince: now })
        .where('id = :id AND member_since IS NULL', { id: customerId })
        .execute();
      became = res.affected === 1;
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new AppError('PHONE_ALREADY_BOUND');
      throw err;
    }
    if (!became) {
      const current = await tx.getRepository(Customer).findOneOrFail({ where: { id: customerId }, select: { id: true, phoneHash: true } });
      if (current.phoneHash !== phoneHash) throw new AppError('ALREADY_MEMBER');
      return loadCustomerView(tx, ctx.pii, customerId);
    }
    if (ctx.config.rules.welcomePoints > 0) {
      await postPoints(ctx.db, tx, { customerId, delta: ctx.config.rules.welcomePoints, reason: 'welcome', refType: 'customer', refId: String(customerId) }, now);
    }
    const c = await tx.getRepository(Customer).findOneOrFail({ where: { id: customerId }, select: { id: true, storeId: true } });
    const binding = await tx.getRepository(CustomerClerk).findOneBy({ customerId });
    await emit(tx, 'customer.became_member', { customerId, storeId: c.storeId, staffId: binding?.staffId ?? null, at: now.toISOString() }, now);
    return loadCustomerView(tx, ctx.pii, customerId);
  });
}
