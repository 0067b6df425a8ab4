import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import type { PagedList, QrCodeFigures, QrCodeRow, QrCodeView, QrStoreOption, QrTagBrief, TagGroup, TQrCodeListQuery } from '@o2o/shared';
import type { Ctx } from '../../context';
import type { StaffActor } from '../../http/policy';
import { cappedCount } from '../audit/paged';
import { toIso } from '../customer/customer-view';
import { Staff } from '../staff/staff.entity';
import { Store } from '../store/store.entity';
import { Tag } from '../tag/tag.entity';
import { QrCode } from './qr-code.entity';
import { QrCodeStat } from './qr-code-stat.entity';
import { QrCodeTag } from './qr-code-tag.entity';
import { createQrCode, qrCodeView } from './qr-code.service';

/** `LIKE` text matching `q` literally (its % and _ are not wildcards), `!` as the escape in both dialects. */
const likeText = (q: string) => `%${q.replace(/[!%_]/g, (c) => `!${c}`)}%`;

const SORT_COLUMN = { id: 'q.id', scans: 'x.scans', newFans: 'x.new_fans', newMembers: 'x.new_members', orders: 'x.orders', salesFen: 'x.sales_fen' } as const;

interface RawRow {
  id: number | string;
  code: string;
  ownerType: 'store' | 'clerk';
  storeId: number | string;
  staffId: number | string | null;
  status: 'active' | 'disabled';
  createdAt: string | Date;
  storeName: string;
  storeCode: string;
  region: string | null;
  staffName: string | null;
  scans?: number | string | null;
  newFans?: number | string | null;
  newMembers?: number | string | null;
  orders?: number | string | null;
  salesFen?: number | string | null;
  refundedFen?: number | string | null;
}

/** The codes an actor may see: a store manager only their store's, marketers and admins the brand's. */
function scoped(qb: SelectQueryBuilder<QrCode>, actor: StaffActor): SelectQueryBuilder<QrCode> {
  return actor.role === 'store_manager' ? qb.andWhere('q.store_id = :own', { own: actor.storeId ?? -1 }) : qb;
}

function baseQuery(em: EntityManager, actor: StaffActor, withStats: boolean): SelectQueryBuilder<QrCode> {
  const qb = em
    .getRepository(QrCode)
    .createQueryBuilder('q')
    // LEFT (every code has its store): the code table drives the plan, so the default page is a backward walk of
    // its primary key; an inner join let MariaDB start from store and sort every code (measured 45 ms vs 2 ms).
    .leftJoin(Store, 's', 's.id = q.store_id')
    .leftJoin(Staff, 'st', 'st.id = q.staff_id')
    .select(['q.id AS id', 'q.code AS code', 'q.owner_type AS ownerType', 'q.store_id AS storeId', 'q.staff_id AS staffId', 'q.status AS status', 'q.created_at AS createdAt'])
    .addSelect(['s.name AS storeName', 's.code AS storeCode', 's.region AS region', 'st.name AS staffName']);
  if (withStats)
    qb.leftJoin(QrCodeStat, 'x', 'x.qr_code_id = q.id').addSelect([
      'x.scans AS scans',
      'x.new_fans AS newFans',
      'x.new_members AS newMembers',
      'x.orders AS orders',
      'x.sales_fen AS salesFen',
      'x.refunded_fen AS refundedFen',
    ]);
  return scoped(qb, actor);
}

/**
 * The console's code list, offset-paged, with store and clerk names, the tags in force now and (withStats) the
 * figures from `qr_code_stat` — one indexed join, never a count over scans or orders. A store manager sees their
 * store's codes whatever `storeId` says. `legacyAll` keeps the pre-console contract of `GET /qr-codes` without
 * paging parameters (every code of the filter, up to 5,000, by id).
 */
export async function listQrCodeRows(ctx: Ctx, actor: StaffActor, f: TQrCodeListQuery, legacyAll = false): Promise<PagedList<QrCodeRow>> {
  return ctx.db.read(async (em) => {
    const qb = baseQuery(em, actor, f.withStats);
    if (f.storeId) qb.andWhere('q.store_id = :storeId', { storeId: f.storeId });
    if (f.region) qb.andWhere('s.region = :region', { region: f.region });
    if (f.ownerType) qb.andWhere('q.owner_type = :ownerType', { ownerType: f.ownerType });
    if (f.staffId) qb.andWhere('q.staff_id = :staffId', { staffId: f.staffId });
    if (f.q)
      qb.andWhere("(q.code = :exact OR s.code = :exact OR s.name LIKE :like ESCAPE '!' OR st.name LIKE :like ESCAPE '!')", { exact: f.q, like: likeText(f.q) });
    if (legacyAll) {
      const raw = await qb.orderBy('q.id', 'ASC').limit(5000).getRawMany<RawRow>();
      return { items: await rowsOf(ctx, em, raw, f.withStats), total: raw.length };
    }
    const sort = f.sort && (f.sort === 'id' || f.withStats) ? f.sort : 'id';
    const dir = f.order === 'ascend' ? 'ASC' : 'DESC';
    // Codes without a stat row have no figures yet (zero): they sort with the zeros.
    if (sort === 'id') qb.orderBy('q.id', dir);
    else qb.orderBy(`COALESCE(${SORT_COLUMN[sort]}, 0)`, dir).addOrderBy('q.id', dir);
    const offset = (f.current - 1) * f.pageSize;
    const raw = await qb.clone().offset(offset).limit(f.pageSize).getRawMany<RawRow>();
    const short = (raw.length > 0 || offset === 0) && raw.length < f.pageSize;
    const total = short ? offset + raw.length : await cappedCount(em, qb);
    const items = await rowsOf(ctx, em, raw, f.withStats);
    return total > 10_000 ? { items, total: 10_000, totalCapped: true } : { items, total };
  });
}

/** One code as a list row with its figures (the timeline's header); 404 outside the actor's scope. */
export async function qrCodeRowOf(ctx: Ctx, em: EntityManager, actor: StaffActor, id: number): Promise<QrCodeRow | null> {
  const raw = await baseQuery(em, actor, true).andWhere('q.id = :id', { id }).getRawMany<RawRow>();
  return raw.length ? (await rowsOf(ctx, em, raw, true))[0]! : null;
}

async function rowsOf(ctx: Ctx, em: EntityManager, raw: RawRow[], withStats: boolean): Promise<QrCodeRow[]> {
  const tags = await tagsInForce(em, raw.map((r) => Number(r.id)), ctx.clock.now());
  return raw.map((r) => {
    const base: QrCodeView = qrCodeView(ctx, {
      id: Number(r.id),
      code: r.code,
      ownerType: r.ownerType,
      storeId: Number(r.storeId),
      staffId: r.staffId === null ? null : Number(r.staffId),
      status: r.status,
    } as QrCode);
    const row: QrCodeRow = {
      ...base,
      storeName: r.storeName,
      storeCode: r.storeCode,
      region: r.region,
      staffName: r.staffName,
      currentTags: tags.get(base.id) ?? [],
      createdAt: toIso(r.createdAt),
    };
    return withStats ? { ...row, ...figures(r) } : row;
  });
}

function figures(r: RawRow): QrCodeFigures {
  const n = (v: number | string | null | undefined) => (v === null || v === undefined ? 0 : Number(v));
  const newFans = n(r.newFans);
  const newMembers = n(r.newMembers);
  return {
    scans: n(r.scans),
    newFans,
    newMembers,
    orders: n(r.orders),
    salesFen: n(r.salesFen),
    refundedFen: n(r.refundedFen),
    conversion: newFans > 0 ? Math.round((newMembers / newFans) * 10_000) / 10_000 : null,
  };
}

/** The tags scheduled on each code at `at` (validFrom <= at < validTo), one query for the page. */
async function tagsInForce(em: EntityManager, ids: number[], at: Date): Promise<Map<number, QrTagBrief[]>> {
  const out = new Map<number, QrTagBrief[]>();
  if (ids.length === 0) return out;
  const rows = await em
    .getRepository(QrCodeTag)
    .createQueryBuilder('qt')
    .innerJoin(Tag, 't', 't.id = qt.tag_id')
    .select(['qt.qr_code_id AS codeId', 't.id AS id', 't.name AS name', 't.tag_group AS tagGroup'])
    .where('qt.qr_code_id IN (:...ids) AND qt.valid_from <= :at AND (qt.valid_to IS NULL OR qt.valid_to > :at)', { ids, at })
    .orderBy('t.id', 'ASC')
    .getRawMany<{ codeId: number | string; id: number | string; name: string; tagGroup: TagGroup }>();
  for (const r of rows) {
    const list = out.get(Number(r.codeId)) ?? [];
    // the same tag may be scheduled twice over overlapping windows
    if (!list.some((t) => t.id === Number(r.id))) list.push({ id: Number(r.id), name: r.name, group: r.tagGroup });
    out.set(Number(r.codeId), list);
  }
  return out;
}

/** Stores and regions the console's scope pickers offer (active stores, within the actor's scope). */
export async function qrScopes(ctx: Ctx, actor: StaffActor): Promise<{ regions: string[]; stores: QrStoreOption[] }> {
  return ctx.db.read(async (em) => {
    const qb = em.getRepository(Store).createQueryBuilder('s').select(['s.id', 's.name', 's.code', 's.region']).where("s.status = 'active'").orderBy('s.code', 'ASC');
    if (actor.role === 'store_manager') qb.andWhere('s.id = :own', { own: actor.storeId ?? -1 });
    const stores = (await qb.getMany()).map((s) => ({ id: s.id, name: s.name, code: s.code, region: s.region }));
    const regions = [...new Set(stores.map((s) => s.region).filter((r): r is string => !!r))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
    return { regions, stores };
  });
}

/**
 * The calling clerk's own code (导购码) for the "my QR code" page: the oldest active one of this clerk in
 * their store, created on first ask (a store manager also gets one: they serve customers too).
 */
export async function myClerkQrCode(ctx: Ctx, staffId: number, storeId: number): Promise<QrCodeView> {
  const find = () => ctx.db.read((em) => em.getRepository(QrCode).findOne({ where: { ownerType: 'clerk', staffId, storeId, status: 'active' }, order: { id: 'ASC' } }));
  const existing = await find();
  if (existing) return qrCodeView(ctx, existing);
  return createQrCode(ctx, { ownerType: 'clerk', storeId, staffId });
}
