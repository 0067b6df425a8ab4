import { In, type EntityManager, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { COUNT_CAP, type ConsoleCustomerRow, type NamedRef, type PagedList, type TConsoleCustomerListQuery } from '@o2o/shared';
import type { Ctx } from '../../context';
import { Staff } from '../staff/staff.entity';
import { Store } from '../store/store.entity';
import { CustomerTag } from '../tag/customer-tag.entity';
import { Customer } from './customer.entity';
import { CustomerClerk } from './customer-clerk.entity';
import type { CustomerScope } from './customer-query.service';
import { mainlandPhoneHash, phoneMaskedOf } from './customer-view';

const SORT_COLUMN = { lastVisitAt: 'c.last_visit_at', lastPurchaseAt: 'c.last_purchase_at', totalSpendFen: 'c.total_spend_fen' } as const;

/**
 * The console's customer list (顾客列表): offset pages over a filtered, ordered id list, built to stay flat with
 * a million customers:
 * - a phone is looked up through the blind index (`phone_hash`, unique): nothing is decrypted to search, only
 *   the page's rows are decrypted to be masked;
 * - tag and clerk filters are inner joins on their (tag, customer) / (staff, customer) indexes, and the order
 *   names the joined key, so the database can walk that index in id order and stop at the page;
 * - the page is ids first (index-only where possible), then the rows and names for those ids;
 * - the total is counted over at most COUNT_CAP + 1 matching ids (`totalCapped` beyond), never over the table
 *   (`countQuery`: a lapsed tag still counts there until the expiry job, within a minute).
 * Default order newest first (id; `createdAt` is the same order). lastVisitAt / lastPurchaseAt / totalSpendFen
 * sort with id as tie-break; NULLs come last descending, first ascending (both dialects).
 * Scope narrows (a store manager: home store = theirs); filters cannot widen it.
 */
export async function findCustomers(ctx: Ctx, scope: CustomerScope, q: TConsoleCustomerListQuery): Promise<PagedList<ConsoleCustomerRow>> {
  const now = ctx.clock.now();
  return ctx.db.read(async (em) => {
    const base = filtered(em, scope, q, now, ctx.pii);
    const dir = q.order === 'ascend' ? 'ASC' : 'DESC';
    const idExpr = base.keyColumn;
    const pageQb = base.qb.clone().select(`${idExpr}`, 'id');
    if (q.sort && q.sort !== 'createdAt') pageQb.orderBy(SORT_COLUMN[q.sort], dir).addOrderBy(idExpr, dir);
    else pageQb.orderBy(idExpr, dir);
    pageQb.limit(q.pageSize).offset((q.current - 1) * q.pageSize);

    const [countSql, countParams] = countQuery(em, scope, q, now, ctx.pii).getQueryAndParameters();
    const [idRows, countRows] = await Promise.all([
      pageQb.getRawMany<{ id: number | string }>(),
      em.query(`SELECT COUNT(*) AS n FROM (${countSql}) capped`, countParams) as Promise<{ n: number | string }[]>,
    ]);
    const counted = Number(countRows[0]?.n ?? 0);
    const ids = idRows.map((r) => Number(r.id));
    const items = await rowsOf(em, ctx, ids);
    return counted > COUNT_CAP ? { items, total: COUNT_CAP, totalCapped: true } : { items, total: counted };
  });
}

/** The list's filters, with the phone already turned into its blind index (an export job stores only the hash). */
export interface CustomerFilter {
  phoneHash?: string;
  storeId?: number;
  clerkId?: number;
  tagId?: number;
  isMember?: boolean;
}

function filtered(
  em: EntityManager,
  scope: CustomerScope,
  q: TConsoleCustomerListQuery,
  now: Date,
  pii: Ctx['pii'],
  opts: { tagExpiry: boolean } = { tagExpiry: true },
): { qb: SelectQueryBuilder<Customer>; keyColumn: string } {
  return customerFilter(em, scope, { ...q, phoneHash: q.phone === undefined ? undefined : mainlandPhoneHash(pii, q.phone) }, now, opts);
}

/**
 * The filtered customer set (no order, no paging) and the column that carries its id for ordering: the one
 * definition of the console's customer filters, used by the list and by the CSV export.
 */
export function customerFilter(
  em: EntityManager,
  scope: CustomerScope,
  q: CustomerFilter,
  now: Date,
  opts: { tagExpiry: boolean } = { tagExpiry: true },
): { qb: SelectQueryBuilder<Customer>; keyColumn: string } {
  const qb = em.getRepository(Customer).createQueryBuilder('c');
  let keyColumn = 'c.id';
  if (q.phoneHash !== undefined) qb.andWhere('c.phone_hash = :phoneHash', { phoneHash: q.phoneHash });
  if (scope.storeId !== undefined) qb.andWhere('c.store_id = :scopeStore', { scopeStore: scope.storeId });
  if (q.storeId !== undefined) qb.andWhere('c.store_id = :filterStore', { filterStore: q.storeId });
  const clerkIds = [scope.clerkId, q.clerkId].filter((v): v is number => v !== undefined);
  clerkIds.forEach((staffId, i) => {
    qb.innerJoin(CustomerClerk, `fc${i}`, `fc${i}.customer_id = c.id AND fc${i}.staff_id = :fcStaff${i}`, { [`fcStaff${i}`]: staffId });
    keyColumn = `fc${i}.customer_id`;
  });
  if (q.tagId !== undefined) {
    if (opts.tagExpiry) qb.innerJoin(CustomerTag, 'ft', 'ft.customer_id = c.id AND ft.tag_id = :ftTag AND (ft.expires_at IS NULL OR ft.expires_at > :ftNow)', { ftTag: q.tagId, ftNow: now });
    else qb.innerJoin(CustomerTag, 'ft', 'ft.customer_id = c.id AND ft.tag_id = :ftTag', { ftTag: q.tagId });
    keyColumn = 'ft.customer_id';
  }
  if (q.isMember !== undefined) qb.andWhere(q.isMember ? 'c.member_since IS NOT NULL' : 'c.member_since IS NULL');
  return { qb, keyColumn };
}

/**
 * The capped count's query: the matching ids, at most COUNT_CAP + 1, read as cheaply as the filters allow.
 * - Ordered by the driving key like the page: without it MariaDB may walk every customer to count a rare tag
 *   (measured on 1M customers: a million index entries read instead of the tag's 1,327 rows).
 * - A tag counts by its (tag, customer) index alone: the expiry is not looked at (a lapsed row counts until the
 *   expiry job removes it, within a minute; the page's rows are exact), which saves a row read per match.
 * - With no condition on the customer row (phone, store, member), a tag or a clerk filter counts from its own
 *   index without joining customer (customers are never deleted, so every row there has its customer).
 */
function countQuery(em: EntityManager, scope: CustomerScope, q: TConsoleCustomerListQuery, now: Date, pii: Ctx['pii']): SelectQueryBuilder<ObjectLiteral> {
  const onCustomer = q.phone !== undefined || q.storeId !== undefined || scope.storeId !== undefined || q.isMember !== undefined;
  const clerkIds = [scope.clerkId, q.clerkId].filter((v): v is number => v !== undefined);
  const cap = COUNT_CAP + 1;
  if (!onCustomer && q.tagId !== undefined && clerkIds.length === 0)
    return em.getRepository(CustomerTag).createQueryBuilder('ft').select('1', 'one').where('ft.tag_id = :ftTag', { ftTag: q.tagId }).orderBy('ft.customer_id', 'DESC').limit(cap);
  if (!onCustomer && q.tagId === undefined && clerkIds.length === 1)
    return em.getRepository(CustomerClerk).createQueryBuilder('fc').select('1', 'one').where('fc.staff_id = :fcStaff', { fcStaff: clerkIds[0] }).orderBy('fc.customer_id', 'DESC').limit(cap);
  const { qb, keyColumn } = filtered(em, scope, q, now, pii, { tagExpiry: false });
  return qb.select('1', 'one').orderBy(keyColumn, 'DESC').limit(cap);
}

/** Rows for the page's ids, in the page's order, with home store and owning clerk names. */
async function rowsOf(em: EntityManager, ctx: Ctx, ids: number[]): Promise<ConsoleCustomerRow[]> {
  if (ids.length === 0) return [];
  const [customers, bindings] = await Promise.all([
    em.getRepository(Customer).find({
      where: { id: In(ids) },
      select: {
        id: true,
        phoneEnc: true,
        memberSince: true,
        level: true,
        pointsBalance: true,
        storeId: true,
        orderCount: true,
        totalSpendFen: true,
        lastVisitAt: true,
        lastPurchaseAt: true,
        createdAt: true,
      },
    }),
    em.getRepository(CustomerClerk).find({ where: { customerId: In(ids) }, select: { customerId: true, staffId: true } }),
  ]);
  const clerkOf = new Map(bindings.map((b) => [b.customerId, b.staffId]));
  const storeIds = [...new Set(customers.map((c) => c.storeId).filter((v): v is number => v !== null))];
  const staffIds = [...new Set(bindings.map((b) => b.staffId))];
  const [stores, staff] = await Promise.all([namesOf(em, Store, storeIds), namesOf(em, Staff, staffIds)]);
  const byId = new Map(customers.map((c) => [c.id, c]));
  return ids.flatMap((id) => {
    const c = byId.get(id);
    if (!c) return [];
    const clerkId = clerkOf.get(id);
    return [
      {
        id: c.id,
        phoneMasked: phoneMaskedOf(ctx.pii, c.phoneEnc),
        isMember: c.memberSince !== null,
        memberSince: c.memberSince?.toISOString() ?? null,
        level: c.level,
        pointsBalance: c.pointsBalance,
        store: c.storeId !== null ? (stores.get(c.storeId) ?? null) : null,
        clerk: clerkId !== undefined ? (staff.get(clerkId) ?? null) : null,
        orderCount: c.orderCount,
        totalSpendFen: c.totalSpendFen,
        lastVisitAt: c.lastVisitAt?.toISOString() ?? null,
        lastPurchaseAt: c.lastPurchaseAt?.toISOString() ?? null,
        createdAt: c.createdAt.toISOString(),
      },
    ];
  });
}

/** id → {id, name} of stores or staff (one IN query). */
export async function namesOf(em: EntityManager, entity: typeof Store | typeof Staff, ids: number[]): Promise<Map<number, NamedRef>> {
  if (ids.length === 0) return new Map();
  const rows = await em.getRepository<{ id: number; name: string }>(entity).find({ where: { id: In(ids) }, select: { id: true, name: true } });
  return new Map(rows.map((r) => [r.id, { id: r.id, name: r.name }]));
}
