import { In, IsNull, type EntityManager } from 'typeorm';
import {
  buildScene,
  type QrCodeTagView,
  type QrCodeView,
  type TBatchQrCodesBody,
  type TCreateQrCodeBody,
  type TScheduleTagBody,
} from '@o2o/shared';
import type { Ctx } from '../../context';
import { AppError } from '../../lib/app-error';
import { randomCode } from '../../lib/crypto';
import { Staff } from '../staff/staff.entity';
import { Store } from '../store/store.entity';
import { Tag } from '../tag/tag.entity';
import { QrCode } from './qr-code.entity';
import { IMAGE_CHUNK_BYTES, QrCodeImage } from './qr-code-image.entity';
import { QrCodeTag } from './qr-code-tag.entity';

export const QR_PAGE = 'pages/index/index';
const IMAGE_URL_TTL_S = 7 * 24 * 3600;

export function qrCodeView(ctx: Ctx, q: QrCode): QrCodeView {
  return {
    id: q.id,
    code: q.code,
    scene: buildScene(q.code),
    ownerType: q.ownerType,
    storeId: q.storeId,
    staffId: q.staffId,
    status: q.status,
    imageUrl: signedImageUrl(ctx, q.code),
  };
}

/** A URL an <img> or a printer can fetch without a bearer token; HMAC-signed, expires in a week. */
export function signedImageUrl(ctx: Ctx, code: string): string {
  const exp = Math.floor(ctx.clock.now().getTime() / 1000) + IMAGE_URL_TTL_S;
  const sig = ctx.tokens.signUrlPath(`/media/qr/${code}.png:${exp}`);
  return `${ctx.config.publicBaseUrl}/media/qr/${code}.png?exp=${exp}&sig=${sig}`;
}

async function insertQrCode(tx: EntityManager, values: Pick<QrCode, 'ownerType' | 'storeId' | 'staffId'>): Promise<QrCode> {
  // 10 chars of a 50-letter alphabet: ~56 bits, unguessable; a collision just retries.
  for (let i = 0; i < 5; i++) {
    const code = randomCode(10);
    if (await tx.getRepository(QrCode).existsBy({ code })) continue;
    return tx.getRepository(QrCode).save(tx.getRepository(QrCode).create({ ...values, code, status: 'active' }));
  }
  throw new AppError('RETRYABLE_DB_CONFLICT');
}

async function assertOwner(tx: EntityManager, storeId: number, staffId: number | undefined): Promise<void> {
  const store = await tx.getRepository(Store).findOneBy({ id: storeId });
  if (!store) throw new AppError('NOT_FOUND', 'Store not found');
  if (store.status !== 'active') throw new AppError('STORE_INACTIVE');
  if (staffId === undefined) return;
  const staff = await tx.getRepository(Staff).findOneBy({ id: staffId });
  if (!staff || staff.storeId !== storeId || (staff.role !== 'clerk' && staff.role !== 'store_manager'))
    throw new AppError('NOT_FOUND', 'Clerk not found in this store');
  if (staff.status !== 'active') throw new AppError('STAFF_INACTIVE');
}

/** Creates one store or clerk code. Not idempotent by design: a store may print several posters. */
export async function createQrCode(ctx: Ctx, cmd: TCreateQrCodeBody): Promise<QrCodeView> {
  const q = await ctx.db.transaction(async (tx) => {
    await assertOwner(tx, cmd.storeId, cmd.staffId);
    return insertQrCode(tx, { ownerType: cmd.ownerType, storeId: cmd.storeId, staffId: cmd.staffId ?? null });
  });
  return qrCodeView(ctx, q);
}

/**
 * Ensures one active store code per store and one clerk code per active clerk/store manager, then
 * fetches their images (4 at a time). Idempotent: re-running creates only what is missing.
 */
export async function batchQrCodes(
  ctx: Ctx,
  cmd: TBatchQrCodesBody,
  opts: { prefetchImages?: boolean } = {},
): Promise<{ items: QrCodeView[]; created: number; imageErrors: number }> {
  const { codes, created } = await ctx.db.transaction(async (tx) => {
    const stores = await tx.getRepository(Store).findBy(cmd.storeIds ? { id: In(cmd.storeIds), status: 'active' } : { status: 'active' });
    if (cmd.storeIds && stores.length !== new Set(cmd.storeIds).size) throw new AppError('NOT_FOUND', 'Unknown or closed store in storeIds');
    const storeIds = stores.map((s) => s.id);
    if (storeIds.length === 0) return { codes: [] as QrCode[], created: 0 };
    const existing = await tx.getRepository(QrCode).findBy({ storeId: In(storeIds), status: 'active' });
    const clerks = cmd.includeClerks
      ? await tx.getRepository(Staff).findBy({ storeId: In(storeIds), status: 'active', role: In(['clerk', 'store_manager']) })
      : [];
    const out: QrCode[] = [];
    let made = 0;
    for (const storeId of storeIds) {
      const storeCode = existing.find((q) => q.storeId === storeId && q.ownerType === 'store');
      out.push(storeCode ?? (made++, await insertQrCode(tx, { ownerType: 'store', storeId, staffId: null })));
    }
    for (const clerk of clerks) {
      const clerkCode = existing.find((q) => q.staffId === clerk.id && q.ownerType === 'clerk');
      out.push(clerkCode ?? (made++, await insertQrCode(tx, { ownerType: 'clerk', storeId: clerk.storeId!, staffId: clerk.id })));
    }
    return { codes: out, created: made };
  });
  let imageErrors = 0;
  if (opts.prefetchImages !== false) await mapLimit(codes, 4, async (q) => {
    try {
      await getQrImage(ctx, q.code);
    } catch (err) {
      imageErrors++;
      ctx.log.warn({ qrCodeId: q.id, err: (err as Error).message }, 'qr image prefetch failed; will retry on demand');
    }
  });
  return { items: codes.map((q) => qrCodeView(ctx, q)), created, imageErrors };
}

/**
 * Schedules a tag on a code for [validFrom, validTo). With `replace`, this code's schedules of the same tag
 * group still open at validFrom are closed there (the poster changed). Rows are never deleted: the history of what a code
 * meant at any instant stays answerable.
 */
export async function scheduleQrCodeTag(
  ctx: Ctx,
  qrCodeId: number,
  cmd: TScheduleTagBody & { replace?: boolean },
  actorStaffId: number,
): Promise<QrCodeTagView> {
  const validFrom = new Date(cmd.validFrom);
  const validTo = cmd.validTo ? new Date(cmd.validTo) : null;
  if (validTo && validTo.getTime() <= validFrom.getTime()) throw new AppError('TAG_SCHEDULE_INVALID');
  const row = await ctx.db.transaction(async (tx) => {
    if (!(await tx.getRepository(QrCode).existsBy({ id: qrCodeId }))) throw new AppError('NOT_FOUND', 'QR code not found');
    const tag = await tx.getRepository(Tag).findOneBy({ id: cmd.tagId });
    if (!tag) throw new AppError('NOT_FOUND', 'Tag not found');
    if (cmd.replace) {
      // Only the same group is replaced: a new category poster ends the old category, not the channel tag.
      await tx
        .createQueryBuilder()
        .update(QrCodeTag)
        .set({ validTo: validFrom })
        .where('qr_code_id = :qrCodeId AND valid_from < :validFrom AND (valid_to IS NULL OR valid_to > :validFrom)', { qrCodeId, validFrom })
        .andWhere('tag_id IN (SELECT t.id FROM tag t WHERE t.tag_group = :group)', { group: tag.tagGroup })
        .execute();
    }
    return tx.getRepository(QrCodeTag).save(tx.getRepository(QrCodeTag).create({ qrCodeId, tagId: cmd.tagId, validFrom, validTo, createdBy: actorStaffId }));
  });
  return scheduleView(row);
}

export async function listQrCodeTags(ctx: Ctx, qrCodeId: number): Promise<QrCodeTagView[]> {
  return ctx.db.read(async (em) => {
    if (!(await em.getRepository(QrCode).existsBy({ id: qrCodeId }))) throw new AppError('NOT_FOUND', 'QR code not found');
    const rows = await em.getRepository(QrCodeTag).find({ where: { qrCodeId }, order: { validFrom: 'ASC', id: 'ASC' } });
    return rows.map(scheduleView);
  });
}

const scheduleView = (r: QrCodeTag): QrCodeTagView => ({
  id: r.id,
  qrCodeId: r.qrCodeId,
  tagId: r.tagId,
  validFrom: r.validFrom.toISOString(),
  validTo: r.validTo?.toISOString() ?? null,
});

/** Tag ids scheduled on the code at instant `at`: validFrom <= at < validTo. */
export async function tagsInForce(em: EntityManager, qrCodeId: number, at: Date): Promise<number[]> {
  const rows = await em
    .getRepository(QrCodeTag)
    .createQueryBuilder('s')
    .select('DISTINCT s.tag_id', 'tagId')
    .where('s.qr_code_id = :qrCodeId AND s.valid_from <= :at AND (s.valid_to IS NULL OR s.valid_to > :at)', { qrCodeId, at })
    .getRawMany<{ tagId: number }>();
  return rows.map((r) => Number(r.tagId)).sort((a, b) => a - b);
}

export interface ResolvedQrCode {
  id: number;
  storeId: number;
  ownerType: 'store' | 'clerk';
  /** The clerk to bind, only when the code's clerk is active in the code's store. */
  activeClerkId: number | null;
}

/** Looks up an active code of an active store; unknown, disabled or closed → null (the scan just loses attribution). */
export async function resolveQrCode(em: EntityManager, code: string): Promise<ResolvedQrCode | null> {
  const q = await em.getRepository(QrCode).findOneBy({ code, status: 'active' });
  if (!q) return null;
  const store = await em.getRepository(Store).findOne({ where: { id: q.storeId }, select: { id: true, status: true } });
  if (!store || store.status !== 'active') return null;
  let activeClerkId: number | null = null;
  if (q.ownerType === 'clerk' && q.staffId) {
    const staff = await em.getRepository(Staff).findOne({ where: { id: q.staffId, leftAt: IsNull() }, select: { id: true, status: true, storeId: true } });
    if (staff && staff.status === 'active' && staff.storeId === q.storeId) activeClerkId = staff.id;
  }
  return { id: q.id, storeId: q.storeId, ownerType: q.ownerType, activeClerkId };
}

/** The code's PNG: cached in the database (chunked) after the first wxacode.getUnlimited call. */
export async function getQrImage(ctx: Ctx, code: string): Promise<Buffer> {
  const q = await ctx.db.read((em) => em.getRepository(QrCode).findOneBy({ code }));
  if (!q) throw new AppError('NOT_FOUND');
  const chunks = await ctx.db.read((em) => em.getRepository(QrCodeImage).find({ where: { qrCodeId: q.id }, order: { chunkNo: 'ASC' } }));
  if (chunks.length > 0 && chunks.length === chunks[0].chunkCount) return Buffer.concat(chunks.map((c) => Buffer.from(c.data)));
  const png = await ctx.wechat.getUnlimitedQrCode({ scene: buildScene(q.code), page: QR_PAGE, checkPath: false, envVersion: ctx.config.wechat.miniappEnv, width: 430 });
  const count = Math.max(1, Math.ceil(png.length / IMAGE_CHUNK_BYTES));
  await ctx.db.transaction(async (tx) => {
    // all chunks in one transaction; a concurrent fetch of the same code inserts nothing twice
    for (let i = 0; i < count; i++) {
      const inserted = await ctx.db.insertOnce(tx, QrCodeImage, { qrCodeId: q.id, chunkNo: i, chunkCount: count, data: png.subarray(i * IMAGE_CHUNK_BYTES, (i + 1) * IMAGE_CHUNK_BYTES) });
      if (!inserted) return;
    }
  });
  return png;
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}
