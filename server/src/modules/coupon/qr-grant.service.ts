import type { Ctx } from '../../context';
import type { EventMap } from '../../events/event-types';
import { AppError } from '../../lib/app-error';
import { QrCodeCoupon } from '../qr-code/qr-code-coupon.entity';
import { FINAL_REFUSALS, issueCoupon } from './issue.service';

/**
 * QR-scan grants: the `customer.scanned` handler. Every coupon entry of the scanned code in force at the scan
 * instant (validFrom <= at < validTo) grants its template once per customer per entry — the grant key is
 * (customer, 'qr', 'qs<entryId>'), so a redelivered event or a later scan of the same poster changes nothing,
 * while a new entry (the schedule changed) grants its own coupon. Each entry in its own transaction; out of
 * stock, over the per-customer limit or an inactive template is final (logged, skipped), anything else
 * propagates so the outbox retries the event. Runs after the scan committed: the scan path itself gains nothing.
 */
export async function grantScanCoupons(ctx: Ctx, scan: EventMap['customer.scanned']): Promise<{ issued: number[]; skipped: { entryId: number; code: string }[] }> {
  const at = new Date(scan.at);
  const entries = await ctx.db.read((em) =>
    em
      .getRepository(QrCodeCoupon)
      .createQueryBuilder('e')
      .select(['e.id', 'e.templateId'])
      .where('e.qr_code_id = :qrCodeId AND e.valid_from <= :at AND (e.valid_to IS NULL OR e.valid_to > :at)', { qrCodeId: scan.qrCodeId, at })
      .orderBy('e.id', 'ASC')
      .getMany(),
  );
  const issued: number[] = [];
  const skipped: { entryId: number; code: string }[] = [];
  for (const e of entries) {
    try {
      // `now` is the scan instant: validity runs from the scan, and a template that ended since is still refused.
      const r = await ctx.db.transaction((tx) => issueCoupon(ctx, tx, { templateId: e.templateId, customerId: scan.customerId, source: 'qr', sourceRef: `qs${e.id}`, now: at }));
      if (r.created) issued.push(r.couponId);
    } catch (err) {
      if (!(err instanceof AppError) || !FINAL_REFUSALS.has(err.code)) throw err;
      skipped.push({ entryId: e.id, code: err.code });
      ctx.log.warn({ customerId: scan.customerId, qrCodeId: scan.qrCodeId, entryId: e.id, code: err.code }, 'scan coupon not issued');
    }
  }
  return { issued, skipped };
}
