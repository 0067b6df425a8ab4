import type { PagedList, StoreFacets, StoreView, TCreateStoreBody, TStoreListQuery, TUpdateStoreBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import { isDuplicateKeyError } from '../../db/db';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { randomCode } from '../../lib/crypto';
import { audit } from '../audit/audit';
import { pageOf } from '../audit/paged';
import { forgetResolvedQrCodes } from '../qr-code/qr-code-cache';
import { Store } from './store.entity';

export const storeView = (s: Store): StoreView => ({
  id: s.id,
  code: s.code,
  name: s.name,
  city: s.city,
  address: s.address,
  region: s.region,
  status: s.status,
  createdAt: s.createdAt.toISOString(),
});

/** `LIKE` text matching `q` literally (its % and _ are not wildcards), `!` as the escape in both dialects. */
export const likeText = (q: string) => `%${q.replace(/[!%_]/g, (c) => `!${c}`)}%`;

/**
 * Creates a store (a code is generated when none is given). A taken code is STORE_CODE_TAKEN, nothing written.
 * `actor` is the console user (audited); the seed and fixtures create without one.
 */
export async function createStore(ctx: Ctx, cmd: TCreateStoreBody, actor: StaffActor | null = null): Promise<StoreView> {
  const store = await ctx.db.transaction(async (tx) => {
    const repo = tx.getRepository(Store);
    let saved: Store;
    try {
      saved = await repo.save(
        repo.create({ code: cmd.code ?? `S${randomCode(7)}`, name: cmd.name, city: cmd.city || null, address: cmd.address || null, region: cmd.region || null, status: 'active' }),
      );
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new AppError('STORE_CODE_TAKEN', 'Store code exists', { code: cmd.code });
      throw err;
    }
    if (actor) await audit(tx, actor, { action: 'store.create', targetType: 'store', targetId: saved.id, storeId: saved.id, summary: `新建门店 ${saved.code} ${saved.name}`, details: { code: saved.code } });
    return saved;
  });
  return storeView(store);
}

/**
 * Edits a store's name, city, address, region or status (admin). The code is the brand's key and never changes.
 * Only fields that differ are written; an edit that changes nothing writes nothing and audits nothing.
 */
export async function updateStore(ctx: Ctx, actor: StaffActor, storeId: number, cmd: TUpdateStoreBody): Promise<StoreView> {
  const { view, changed } = await ctx.db.transaction(async (tx) => {
    const repo = tx.getRepository(Store);
    const store = await ctx.db.forUpdate(repo.createQueryBuilder('s').where('s.id = :id', { id: storeId })).getOne();
    if (!store) throw new AppError('NOT_FOUND', 'Store not found');
    const next = { name: cmd.name, city: norm(cmd.city), address: norm(cmd.address), region: norm(cmd.region), status: cmd.status };
    const diff: Record<string, { from: unknown; to: unknown }> = {};
    for (const [k, v] of Object.entries(next) as [keyof typeof next, string | null | undefined][]) {
      if (v !== undefined && store[k] !== v) diff[k] = { from: store[k], to: v };
    }
    const keys = Object.keys(diff);
    if (keys.length === 0) return { view: storeView(store), changed: [] as string[] };
    await repo.update({ id: storeId }, Object.fromEntries(keys.map((k) => [k, diff[k].to])));
    await audit(tx, actor, { action: 'store.update', targetType: 'store', targetId: storeId, storeId, summary: `修改门店 ${store.code}：${keys.join('、')}`, details: diff });
    return { view: storeView(await repo.findOneByOrFail({ id: storeId })), changed: keys };
  });
  // A scan shows the store's name and refuses nothing by status today, but cached code facts carry the name.
  if (changed.includes('name') || changed.includes('status')) forgetResolvedQrCodes(ctx.db);
  return view;
}

/** '' and whitespace clear an optional field (null), undefined leaves it. */
const norm = (v: string | null | undefined) => (v === undefined ? undefined : v === null || v.trim() === '' ? null : v.trim());

const SORT_COLUMN = { code: 's.code', name: 's.name', createdAt: 's.created_at' } as const;

/**
 * The store list for the console, offset-paged. A store manager sees their own store only (whatever the filters);
 * marketers and admins the brand. `q` matches code or name (contains, literal); city, region and status exact.
 * Default order: code ascending. `legacyAll`: the old contract of `GET /stores` without paging parameters
 * (every store, up to 5,000, by id) for callers that predate paging.
 */
export async function listStores(ctx: Ctx, actor: StaffActor, q: TStoreListQuery, legacyAll = false): Promise<PagedList<StoreView>> {
  return ctx.db.read(async (em) => {
    const qb = em.getRepository(Store).createQueryBuilder('s');
    if (actor.role === 'store_manager') qb.andWhere('s.id = :own', { own: actor.storeId ?? -1 });
    if (q.q) qb.andWhere("(s.code LIKE :q ESCAPE '!' OR s.name LIKE :q ESCAPE '!')", { q: likeText(q.q) });
    if (q.city) qb.andWhere('s.city = :city', { city: q.city });
    if (q.region) qb.andWhere('s.region = :region', { region: q.region });
    if (q.status) qb.andWhere('s.status = :status', { status: q.status });
    if (legacyAll) {
      const rows = await qb.orderBy('s.id', 'ASC').take(5000).getMany();
      return { items: rows.map(storeView), total: rows.length };
    }
    const dir = q.order === 'descend' ? 'DESC' : 'ASC';
    qb.orderBy(SORT_COLUMN[q.sort ?? 'code'], dir).addOrderBy('s.id', dir);
    const { rows, total, totalCapped } = await pageOf(em, qb, q.current, q.pageSize);
    return totalCapped ? { items: rows.map(storeView), total, totalCapped } : { items: rows.map(storeView), total };
  });
}

/** Distinct cities and regions (filter options), within the actor's scope. */
export async function storeFacets(ctx: Ctx, actor: StaffActor): Promise<StoreFacets> {
  return ctx.db.read(async (em) => {
    const distinct = async (col: 'city' | 'region') => {
      const qb = em.getRepository(Store).createQueryBuilder('s').select(`DISTINCT s.${col}`, 'v').where(`s.${col} IS NOT NULL`).orderBy('v', 'ASC').limit(1000);
      if (actor.role === 'store_manager') qb.andWhere('s.id = :own', { own: actor.storeId ?? -1 });
      return (await qb.getRawMany<{ v: string }>()).map((r) => r.v);
    };
    return { cities: await distinct('city'), regions: await distinct('region') };
  });
}
