import { In, type EntityManager } from 'typeorm';
import {
  buildScene,
  type QrCodeTagView,
  type QrCodeView,
  type TBatchQrCodesBody,
  type TCreateQrCodeBody,
  type TScheduleTagBody,
} from '@o2o/shared';
import type { Ctx } from '../../context';
import type { Db } from '../../db/db';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { randomCode } from '../../lib/crypto';
import { audit } from '../audit/audit';
import { Staff } from '../staff/staff.entity';
import { Store } from '../store/store.entity';
import { Tag } from '../tag/tag.entity';
import { QrCode } from './qr-code.entity';
import { IMAGE_CHUNK_BYTES, QrCodeImage } from './qr-code-image.entity';
import { codeFactsCache, type CodeFacts } from './qr-code-cache';
import { QrCodeTag } from './qr-code-tag.entity';
import { scheduleTagOnCodes } from './schedule-rows';

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

/** Creates one store or clerk code (audited when a console actor asks). Not idempotent by design: a store may print several posters. */
export async function createQrCode(ctx: Ctx, cmd: TCreateQrCodeBody, actor?: StaffActor): Promise<QrCodeView> {
  const q = await ctx.db.transaction(async (tx) => {
    await assertOwner(tx, cmd.storeId, cmd.staffId);
    const created = await insertQrCode(tx, { ownerType: cmd.ownerType, storeId: cmd.storeId, staffId: cmd.staffId ?? null });
    if (actor)
      await audit(tx, actor, {
        action: 'qr_code.create',
        targetType: 'qr_code',
        targetId: created.id,
        storeId: cmd.storeId,
        summary: `新建${cmd.ownerType === 'store' ? '门店码' : '导购码'} ${created.code}`,
        details: { ownerType: cmd.ownerType, storeId: cmd.storeId, staffId: cmd.staffId ?? null },
      });
    return created;
  });
  return qrCodeView(ctx, q);
}

/** Above this many new codes the images are not fetched in the request: the first view fetches and caches each. */
const PREFETCH_MAX = 50;

/**
 * Ensures one active store code per active store and one clerk code per active clerk / store manager (in their
 * current store), in ONE transaction: a single request covers every store and all their active clerks and creates
 * only what is missing — idempotent, a second run creates nothing. The stores' rows are locked first, so two
 * concurrent runs serialize and the second finds the first's codes. New codes go in by multi-row inserts. Then
 * the images of the new codes are fetched (4 at a time) when they are few; a brand-wide run leaves them to the
 * first view (printed posters draw their own QR and need none). Audited with the counts when it created codes.
 */
export async function batchQrCodes(
  ctx: Ctx,
  cmd: TBatchQrCodesBody,
  opts: { prefetchImages?: boolean; actor?: StaffActor | null } = {},
): Promise<{ items: QrCodeView[]; created: number; imageErrors: number }> {
  const { codes, fresh } = await ctx.db.transaction(async (tx) => {
    const storeQb = tx.getRepository(Store).createQueryBuilder('s').where("s.status = 'active'").orderBy('s.id', 'ASC');
    if (cmd.storeIds) storeQb.andWhere('s.id IN (:...ids)', { ids: cmd.storeIds });
    const stores = await ctx.db.forUpdate(storeQb).getMany();
    if (cmd.storeIds && stores.length !== new Set(cmd.storeIds).size) throw new AppError('NOT_FOUND', 'Unknown or closed store in storeIds');
    const storeIds = stores.map((s) => s.id);
    if (storeIds.length === 0) return { codes: [] as QrCode[], fresh: [] as QrCode[] };
    const existing = await tx.getRepository(QrCode).find({ where: cmd.storeIds ? { storeId: In(storeIds), status: 'active' } : { status: 'active' }, order: { id: 'ASC' } });
    const clerks = cmd.includeClerks
      ? await tx.getRepository(Staff).find({ where: { storeId: In(storeIds), status: 'active', role: In(['clerk', 'store_manager']) }, order: { id: 'ASC' } })
      : [];
    const storeCodeOf = new Map<number, QrCode>();
    const clerkCodeOf = new Map<string, QrCode>();
    for (const q of existing) {
      if (q.ownerType === 'store' && !storeCodeOf.has(q.storeId)) storeCodeOf.set(q.storeId, q);
      if (q.ownerType === 'clerk' && q.staffId !== null && !clerkCodeOf.has(`${q.staffId}@${q.storeId}`)) clerkCodeOf.set(`${q.staffId}@${q.storeId}`, q);
    }
    const missing: Pick<QrCode, 'ownerType' | 'storeId' | 'staffId'>[] = [
      ...storeIds.filter((id) => !storeCodeOf.has(id)).map((storeId) => ({ ownerType: 'store' as const, storeId, staffId: null })),
      ...clerks.filter((c) => !clerkCodeOf.has(`${c.id}@${c.storeId}`)).map((c) => ({ ownerType: 'clerk' as const, storeId: c.storeId!, staffId: c.id })),
    ];
    const fresh = await insertQrCodes(tx, missing);
    const freshOf = new Map(fresh.map((q) => [q.ownerType === 'store' ? `s${q.storeId}` : `c${q.staffId}@${q.storeId}`, q]));
    const codes = [
      ...storeIds.map((id) => storeCodeOf.get(id) ?? freshOf.get(`s${id}`)!),
      ...clerks.map((c) => clerkCodeOf.get(`${c.id}@${c.storeId}`) ?? freshOf.get(`c${c.id}@${c.storeId}`)!),
    ];
    if (fresh.length > 0) {
      const storeCodes = fresh.filter((q) => q.ownerType === 'store').length;
      await audit(tx, opts.actor ?? null, {
        action: 'qr_code.batch',
        targetType: 'qr_code',
        storeId: storeIds.length === 1 ? storeIds[0] : null,
        summary: `批量生成二维码：新建 ${fresh.length} 个（门店码 ${storeCodes}，导购码 ${fresh.length - storeCodes}），覆盖 ${storeIds.length} 家门店`,
        details: { storeIds: cmd.storeIds ?? 'all', includeClerks: cmd.includeClerks, created: fresh.length, storeCodes, clerkCodes: fresh.length - storeCodes, stores: storeIds.length },
      });
    }
    return { codes, fresh };
  });
  let imageErrors = 0;
  if (opts.prefetchImages !== false && fresh.length <= PREFETCH_MAX)
    await mapLimit(fresh, 4, async (q) => {
      try {
        await getQrImage(ctx, q.code);
      } catch (err) {
        imageErrors++;
        ctx.log.warn({ qrCodeId: q.id, err: (err as Error).message }, 'qr image prefetch failed; will retry on demand');
      }
    });
  return { items: codes.map((q) => qrCodeView(ctx, q)), created: fresh.length, imageErrors };
}

/**
 * Inserts codes by multi-row statements (500 a slice) and returns them with their ids. Each gets a random public
 * code (10 chars of a 50-letter alphabet, ~56 bits); the rare one already taken is drawn again before inserting.
 */
async function insertQrCodes(tx: EntityManager, values: Pick<QrCode, 'ownerType' | 'storeId' | 'staffId'>[]): Promise<QrCode[]> {
  const out: QrCode[] = [];
  for (let i = 0; i < values.length; i += 500) {
    const part = values.slice(i, i + 500);
    let codes = part.map(() => randomCode(10));
    for (let attempt = 0; ; attempt++) {
      const taken = new Set((await tx.getRepository(QrCode).find({ where: { code: In(codes) }, select: { code: true } })).map((q) => q.code));
      if (taken.size === 0 && new Set(codes).size === codes.length) break;
      if (attempt >= 5) throw new AppError('RETRYABLE_DB_CONFLICT');
      const seen = new Set<string>();
      codes = codes.map((c) => (taken.has(c) || seen.has(c) ? randomCode(10) : (seen.add(c), c)));
    }
    await tx
      .createQueryBuilder()
      .insert()
      .into(QrCode)
      .values(part.map((v, k) => ({ ...v, code: codes[k], status: 'active' as const })))
      .updateEntity(false)
      .execute();
    const byCode = new Map((await tx.getRepository(QrCode).find({ where: { code: In(codes) } })).map((q) => [q.code, q]));
    out.push(...codes.map((c) => byCode.get(c)!));
  }
  return out;
}

/**
 * Schedules a tag on a code for [validFrom, validTo). With `replace`, this code's schedules of the same tag
 * group still open at validFrom are closed there (the poster changed). Rows are never deleted: the history of what a code
 * meant at any instant stays answerable. The set-based `scheduleTagOnCodes` does the work (a region's codes go
 * through the same function); audited when an actor is given.
 */
export async function scheduleQrCodeTag(
  ctx: Ctx,
  qrCodeId: number,
  cmd: TScheduleTagBody & { replace?: boolean },
  actorStaffId: number,
  actor?: StaffActor,
): Promise<QrCodeTagView> {
  const validFrom = new Date(cmd.validFrom);
  const validTo = cmd.validTo ? new Date(cmd.validTo) : null;
  if (validTo && validTo.getTime() <= validFrom.getTime()) throw new AppError('TAG_SCHEDULE_INVALID');
  const id = await ctx.db.transaction(async (tx) => {
    const code = await tx.getRepository(QrCode).findOneBy({ id: qrCodeId });
    if (!code) throw new AppError('NOT_FOUND', 'QR code not found');
    const tag = await tx.getRepository(Tag).findOneBy({ id: cmd.tagId });
    if (!tag) throw new AppError('NOT_FOUND', 'Tag not found');
    const { firstId } = await scheduleTagOnCodes(ctx, tx, [qrCodeId], tag, { validFrom, validTo, replace: cmd.replace === true, createdBy: actorStaffId });
    if (actor)
      await audit(tx, actor, {
        action: 'qr_code.schedule_tag',
        targetType: 'qr_code',
        targetId: qrCodeId,
        storeId: code.storeId,
        summary: `二维码 ${code.code}：标签「${tag.name}」自 ${cmd.validFrom} 起${cmd.replace ? '（替换同组标签）' : ''}`,
        details: { tagId: tag.id, validFrom: cmd.validFrom, validTo: cmd.validTo ?? null, replace: cmd.replace === true, count: 1 },
      });
    return firstId!;
  });
  codeFactsCache(ctx.db).invalidate(); // scans resolve this code with its new schedule from now on
  return scheduleView({ id, qrCodeId, tagId: cmd.tagId, validFrom, validTo } as QrCodeTag);
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

export interface ResolvedQrCode {
  id: number;
  storeId: number;
  storeName: string;
  ownerType: 'store' | 'clerk';
  /** The clerk to bind, only when the code's clerk is active in the code's store. */
  activeClerkId: number | null;
  activeClerkName: string | null;
  /** Tag ids scheduled on the code at the scan instant (validFrom <= at < validTo), ascending. */
  tagIds: number[];
}

/**
 * Looks up an active code of an active store, with its active clerk and its tags in force at `at`;
 * unknown, disabled or closed → null (the scan just loses attribution).
 *
 * Every scan asks this, mostly about the same few posters, so what a code resolves to is kept for a few
 * seconds (qr-code-cache.ts) and the tags in force are picked from its schedules at each scan's instant.
 */
export async function resolveQrCode(db: Db, em: EntityManager, code: string, at: Date): Promise<ResolvedQrCode | null> {
  const cache = codeFactsCache(db);
  let facts = cache.get(code);
  if (!facts) {
    const generation = cache.begin();
    facts = await loadCodeFacts(em, code);
    if (!facts) return null;
    cache.set(code, facts, generation);
  }
  const t = at.getTime();
  const inForce = facts.schedules.filter((s) => s.validFrom <= t && (s.validTo === null || s.validTo > t)).map((s) => s.tagId);
  const { schedules: _all, ...rest } = facts;
  // the same tag may be scheduled twice over overlapping windows
  return { ...rest, tagIds: [...new Set(inForce)].sort((a, b) => a - b) };
}

async function loadCodeFacts(em: EntityManager, code: string): Promise<CodeFacts | null> {
  const q = await em
    .createQueryBuilder()
    .select(['q.id AS id', 'q.store_id AS storeId', 'q.owner_type AS ownerType', 's.name AS storeName', 'c.id AS clerkId', 'c.name AS clerkName'])
    .from(QrCode, 'q')
    .innerJoin(Store, 's', "s.id = q.store_id AND s.status = 'active'")
    .leftJoin(Staff, 'c', "q.owner_type = 'clerk' AND c.id = q.staff_id AND c.store_id = q.store_id AND c.status = 'active' AND c.left_at IS NULL")
    .where("q.code = :code AND q.status = 'active'", { code })
    .getRawOne<{ id: number; storeId: number; ownerType: 'store' | 'clerk'; storeName: string; clerkId: number | null; clerkName: string | null }>();
  if (!q) return null;
  const schedules = await em.getRepository(QrCodeTag).find({ where: { qrCodeId: Number(q.id) }, select: { id: true, tagId: true, validFrom: true, validTo: true } });
  return {
    id: Number(q.id),
    storeId: Number(q.storeId),
    storeName: q.storeName,
    ownerType: q.ownerType,
    activeClerkId: q.clerkId === null ? null : Number(q.clerkId),
    activeClerkName: q.clerkName,
    schedules: schedules.map((s) => ({ tagId: s.tagId, validFrom: s.validFrom.getTime(), validTo: s.validTo?.getTime() ?? null })),
  };
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
