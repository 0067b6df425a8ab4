import type { EntityManager } from 'typeorm';
import type { Ctx } from '../../context';
import { emit } from '../../events/outbox';
import { tagsInForce, type ResolvedQrCode } from '../qr-code/qr-code.service';
import { CustomerTag } from '../tag/customer-tag.entity';
import { bindClerkOnScan } from './clerk-binding';
import { Customer } from './customer.entity';
import { ScanEvent } from './scan-event.entity';

export interface ScanOutcome {
  newVisit: boolean;
  tagIds: number[];
  clerkRule: string | null;
}

/**
 * Records a scan inside the caller's transaction: one scan_event per (customer, code, visit window), the
 * code's tags in force at `now` (source qr, first source wins), the home store if none yet, and the clerk
 * binding rule. Idempotent within a visit window: a repeat open of the same code changes nothing.
 */
export async function recordScan(ctx: Ctx, tx: EntityManager, customerId: number, isNewFan: boolean, qr: ResolvedQrCode, now: Date): Promise<ScanOutcome> {
  const tagIds = await tagsInForce(tx, qr.id, now);
  const visitBucket = Math.floor(now.getTime() / (ctx.config.rules.scanVisitWindowMinutes * 60_000));
  const newVisit = await ctx.db.insertOnce(tx, ScanEvent, {
    customerId,
    qrCodeId: qr.id,
    storeId: qr.storeId,
    staffId: qr.activeClerkId,
    tagsApplied: JSON.stringify(tagIds),
    visitBucket,
    scannedAt: now,
  });
  if (!newVisit) return { newVisit: false, tagIds, clerkRule: null };

  for (const tagId of tagIds) {
    await ctx.db.insertOnce(tx, CustomerTag, { customerId, tagId, source: 'qr', sourceRef: String(qr.id), taggedAt: now, expiresAt: null });
  }
  await tx
    .createQueryBuilder()
    .update(Customer)
    .set({ storeId: () => 'COALESCE(store_id, :storeId)', firstScanAt: () => 'COALESCE(first_scan_at, :now)' })
    .where('id = :customerId')
    .setParameters({ storeId: qr.storeId, now, customerId })
    .execute();

  const clerkRule = qr.activeClerkId
    ? await bindClerkOnScan(ctx.db, tx, {
        customerId,
        staffId: qr.activeClerkId,
        storeId: qr.storeId,
        now,
        protectionDays: ctx.config.rules.clerkProtectionDays,
      })
    : null;
  await emit(tx, 'customer.scanned', { customerId, qrCodeId: qr.id, storeId: qr.storeId, staffId: qr.activeClerkId, tagIds, isNewFan, at: now.toISOString() }, now);
  return { newVisit, tagIds, clerkRule };
}
