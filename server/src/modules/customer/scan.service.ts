import type { EntityManager } from 'typeorm';
import type { Ctx } from '../../context';
import { emit } from '../../events/outbox';
import type { ResolvedQrCode } from '../qr-code/qr-code.service';
import { tagCustomer } from '../tag/tag.service';
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
 * code's tags in force at `now` (source qr, first source wins) and the clerk binding rule. Idempotent within
 * a visit window: a repeat open of the same code changes nothing.
 *
 * The home store and first scan time (each only if still empty) are written by the caller's customer
 * upsert, in the same statement as the login (see createAppSession): a repeat inside the window finds
 * them already set by the first open, so writing them there changes nothing either.
 *
 * The store the consumer orders from (`ordering_store_id`) becomes the scanned code's store on every new visit,
 * for returning customers too: standing in a store and scanning its poster or a clerk's card says where they are.
 * A repeat open inside the window leaves it alone, so it never undoes a store chosen in the app since that scan.
 *
 * `isNewFan`: the customer row was created in this transaction, so it has no visit, tag or binding yet.
 */
export async function recordScan(ctx: Ctx, tx: EntityManager, customerId: number, isNewFan: boolean, qr: ResolvedQrCode, now: Date): Promise<ScanOutcome> {
  const tagIds = qr.tagIds;
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

  await tx.createQueryBuilder().update(Customer).set({ orderingStoreId: qr.storeId }).where('id = :customerId', { customerId }).execute();

  await tagCustomer(tx, customerId, tagIds, { source: 'qr', sourceRef: String(qr.id), at: now });
  const clerkRule = qr.activeClerkId
    ? await bindClerkOnScan(ctx.db, tx, {
        customerId,
        staffId: qr.activeClerkId,
        storeId: qr.storeId,
        now,
        protectionDays: ctx.config.rules.clerkProtectionDays,
        newCustomer: isNewFan,
      })
    : null;
  await emit(tx, 'customer.scanned', { customerId, qrCodeId: qr.id, storeId: qr.storeId, staffId: qr.activeClerkId, tagIds, isNewFan, at: now.toISOString() }, now);
  return { newVisit, tagIds, clerkRule };
}
