import type { TRecordSubscriptionsBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import { emit } from '../../events/outbox';
import { isDuplicateKeyError } from '../../db/db';
import { Customer } from '../customer/customer.entity';
import { SubscribeQuota } from './inbox.entity';

/**
 * Records the result of `wx.requestSubscribeMessage`: each accepted template allows one more send (one-time
 * subscriptions accumulate, and WeChat offers no query, so we count). +1 by `remaining = remaining + 1` on the
 * (customer, template) row, created at 0 first if missing (a concurrent creation is a duplicate key, then updated).
 * Rejections change nothing (earlier acceptances stay usable). One transaction. Returns the remaining quota of each
 * template asked about.
 */
export async function recordSubscriptions(ctx: Ctx, customerId: number, body: TRecordSubscriptionsBody): Promise<{ quotas: Record<string, number> }> {
  return ctx.db.transaction(async (tx) => {
    for (const templateId of new Set(body.accepted)) {
      const bumped = await tx.createQueryBuilder().update(SubscribeQuota).set({ remaining: () => 'remaining + 1' }).where('customer_id = :customerId AND template_id = :templateId', { customerId, templateId }).execute();
      if (bumped.affected === 1) continue;
      try {
        await tx.getRepository(SubscribeQuota).insert({ customerId, templateId, remaining: 1 });
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        await tx.createQueryBuilder().update(SubscribeQuota).set({ remaining: () => 'remaining + 1' }).where('customer_id = :customerId AND template_id = :templateId', { customerId, templateId }).execute();
      }
    }
    const rows = await tx.getRepository(SubscribeQuota).find({ where: body.templateIds.map((templateId) => ({ customerId, templateId })) });
    const quotas: Record<string, number> = {};
    for (const t of body.templateIds) quotas[t] = rows.find((r) => r.templateId === t)?.remaining ?? 0;
    return { quotas };
  });
}

/**
 * Gives or withdraws marketing consent (opt-out, PIPL Art. 24). A change is a conditional update on the current
 * value and emits `customer.consent_changed`; setting the value it already has changes and emits nothing.
 * Withdrawn consent keeps the customer out of every later snapshot and every not-yet-delivered batch.
 */
export async function setMarketingConsent(ctx: Ctx, customerId: number, marketingConsent: boolean): Promise<{ marketingConsent: boolean }> {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const r = await tx
      .createQueryBuilder()
      .update(Customer)
      .set({ marketingConsent })
      .where('id = :customerId AND marketing_consent = :old', { customerId, old: !marketingConsent })
      .execute();
    if (r.affected === 1) await emit(tx, 'customer.consent_changed', { customerId, marketingConsent, at: now.toISOString() }, now);
    return { marketingConsent };
  });
}
