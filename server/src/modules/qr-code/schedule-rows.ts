import type { EntityManager, ObjectLiteral } from 'typeorm';
import type { TagGroup } from '@o2o/shared';
import type { Ctx } from '../../context';
import { QrCodeCoupon } from './qr-code-coupon.entity';
import { QrCodeTag } from './qr-code-tag.entity';

/**
 * Schedules on sets of codes: the poster change in two clicks. One function per kind of schedule does the work
 * for any set of codes — one code (the single-code endpoints) or thousands (a region) — inside the caller's
 * transaction: with `replace`, each code's schedules still open at validFrom are closed there (tags: only those of
 * the new tag's group, so a new category poster ends the old category but not the channel tag), then one new row
 * per code, by multi-row inserts. Rows are never deleted: what a code meant at any instant stays answerable.
 */

const SLICE = 1_000;
const slices = <T>(a: T[], n = SLICE): T[][] => Array.from({ length: Math.ceil(a.length / n) }, (_, i) => a.slice(i * n, (i + 1) * n));

export interface ScheduleWindow {
  validFrom: Date;
  validTo: Date | null;
  replace: boolean;
  createdBy: number | null;
}

/** Closes the codes' schedules open at validFrom (`extra`: a further condition, e.g. the tag group). */
async function closeOpen<T extends ObjectLiteral>(tx: EntityManager, entity: new () => T, ids: number[], validFrom: Date, extra?: { sql: string; params: object }): Promise<number> {
  let closed = 0;
  for (const part of slices(ids)) {
    const qb = tx
      .createQueryBuilder()
      .update(entity)
      .set({ validTo: validFrom } as never)
      .where('qr_code_id IN (:...ids) AND valid_from < :validFrom AND (valid_to IS NULL OR valid_to > :validFrom)', { ids: part, validFrom });
    if (extra) qb.andWhere(extra.sql, extra.params);
    closed += (await qb.execute()).affected ?? 0;
  }
  return closed;
}

/** One row per code; with a single code its id is returned (the single-code endpoint answers with the row). */
async function insertRows<T extends ObjectLiteral>(ctx: Ctx, tx: EntityManager, entity: new () => T, rows: Partial<T>[]): Promise<number | null> {
  if (rows.length === 1) return ctx.db.insertReturningId(tx, entity, rows[0]!);
  for (const part of slices(rows)) await tx.createQueryBuilder().insert().into(entity).values(part as never).updateEntity(false).execute();
  return null;
}

/** The tag on every code of `ids` for [validFrom, validTo); in the caller's transaction. */
export async function scheduleTagOnCodes(ctx: Ctx, tx: EntityManager, ids: number[], tag: { id: number; tagGroup: TagGroup }, w: ScheduleWindow): Promise<{ closed: number; firstId: number | null }> {
  const closed = w.replace
    ? await closeOpen(tx, QrCodeTag, ids, w.validFrom, { sql: 'tag_id IN (SELECT t.id FROM tag t WHERE t.tag_group = :group)', params: { group: tag.tagGroup } })
    : 0;
  const firstId = await insertRows(ctx, tx, QrCodeTag, ids.map((qrCodeId) => ({ qrCodeId, tagId: tag.id, validFrom: w.validFrom, validTo: w.validTo, createdBy: w.createdBy })));
  return { closed, firstId };
}

/** The coupon template on every code of `ids` for [validFrom, validTo); `replace` closes every open coupon entry. */
export async function scheduleCouponOnCodes(ctx: Ctx, tx: EntityManager, ids: number[], templateId: number, w: ScheduleWindow): Promise<{ closed: number; firstId: number | null }> {
  const closed = w.replace ? await closeOpen(tx, QrCodeCoupon, ids, w.validFrom) : 0;
  const firstId = await insertRows(ctx, tx, QrCodeCoupon, ids.map((qrCodeId) => ({ qrCodeId, templateId, validFrom: w.validFrom, validTo: w.validTo, createdBy: w.createdBy })));
  return { closed, firstId };
}
