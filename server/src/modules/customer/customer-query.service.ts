import type { SelectQueryBuilder } from 'typeorm';
import type { Page, StaffCustomerView, TCustomerListQuery } from '@o2o/shared';
import type { Ctx } from '../../context';
import { AppError } from '../../lib/app-error';
import { decodeIdCursor, encodeIdCursor } from '../../lib/cursor';
import type { StaffActor } from '../../http/policy';
import { CustomerTag } from '../tag/customer-tag.entity';
import { Customer } from './customer.entity';
import { CustomerClerk } from './customer-clerk.entity';
import { loadCustomerView, toStaffViews } from './customer-view';

/** Which customers a staff member may see: console roles all, store managers their store, clerks their own. */
export interface CustomerScope {
  storeId?: number;
  clerkId?: number;
}
export function scopeOf(actor: StaffActor): CustomerScope {
  if (actor.role === 'clerk') return { clerkId: actor.staffId };
  if (actor.role === 'store_manager') return { storeId: actor.storeId ?? -1 };
  return {};
}

/** Filtered customer list, newest first, keyset by id. The scope narrows; filters cannot widen it. */
export async function listCustomers(ctx: Ctx, scope: CustomerScope, q: Partial<TCustomerListQuery> & { limit: number }): Promise<Page<StaffCustomerView>> {
  const before = q.cursor ? decodeIdCursor('c', q.cursor) : null;
  return ctx.db.read(async (em) => {
    const qb = em.getRepository(Customer).createQueryBuilder('c').orderBy('c.id', 'DESC').limit(q.limit + 1);
    if (before !== null) qb.andWhere('c.id < :before', { before });
    for (const [key, storeId] of [['scopeStore', scope.storeId], ['filterStore', q.storeId]] as const) {
      if (storeId !== undefined) qb.andWhere(`c.store_id = :${key}`, { [key]: storeId });
    }
    for (const [key, clerkId] of [['scopeClerk', scope.clerkId], ['filterClerk', q.clerkId]] as const) {
      if (clerkId !== undefined)
        qb.andWhere(`EXISTS (SELECT 1 FROM customer_clerk ${key} WHERE ${key}.customer_id = c.id AND ${key}.staff_id = :${key})`, { [key]: clerkId });
    }
    applyCustomerFilters(qb, q, ctx.clock.now());
    const rows = await qb.getMany();
    const page = rows.slice(0, q.limit);
    return { items: await toStaffViews(em, ctx.pii, page), nextCursor: rows.length > q.limit ? encodeIdCursor('c', page[page.length - 1].id) : null };
  });
}

/** Filters over customers (staff lists, clerk offers): tag, lifecycle tag, member or fan, dormant days. */
export interface CustomerFilters {
  tagId?: number;
  lifecycleTagId?: number;
  isMember?: boolean;
  dormantDays?: number;
}

/**
 * Adds the filters to a query over `customer c`. Tags count while in force (no expiry or expiring after `now`).
 * Dormant N days: the last purchase — or, for a customer who never bought, the first scan (else creation) — is more
 * than N days before `now`.
 */
export function applyCustomerFilters(qb: SelectQueryBuilder<Customer>, f: CustomerFilters, now: Date): SelectQueryBuilder<Customer> {
  for (const [key, tagId] of [['tagId', f.tagId], ['lifecycleTagId', f.lifecycleTagId]] as const) {
    if (tagId !== undefined)
      qb.andWhere(`EXISTS (SELECT 1 FROM customer_tag ${key} WHERE ${key}.customer_id = c.id AND ${key}.tag_id = :${key} AND (${key}.expires_at IS NULL OR ${key}.expires_at > :tagNow))`, {
        [key]: tagId,
        tagNow: now,
      });
  }
  if (f.isMember !== undefined) qb.andWhere(f.isMember ? 'c.member_since IS NOT NULL' : 'c.member_since IS NULL');
  if (f.dormantDays !== undefined)
    qb.andWhere('COALESCE(c.last_purchase_at, c.first_scan_at, c.created_at) < :dormantSince', { dormantSince: new Date(now.getTime() - f.dormantDays * 86_400_000) });
  return qb;
}

/** One customer within the staff member's scope; outside it → 404 (no existence oracle). */
export async function getCustomerForStaff(ctx: Ctx, scope: CustomerScope, customerId: number): Promise<StaffCustomerView> {
  return ctx.db.read(async (em) => {
    const c = await em.getRepository(Customer).findOneBy({ id: customerId });
    if (!c) throw new AppError('NOT_FOUND');
    if (scope.storeId !== undefined && c.storeId !== scope.storeId) throw new AppError('NOT_FOUND');
    if (scope.clerkId !== undefined && !(await em.getRepository(CustomerClerk).existsBy({ customerId, staffId: scope.clerkId }))) throw new AppError('NOT_FOUND');
    const [view] = await toStaffViews(em, ctx.pii, [c]);
    return view;
  });
}

export async function getMe(ctx: Ctx, customerId: number) {
  return ctx.db.read((em) => loadCustomerView(em, ctx.pii, customerId));
}

export async function countTagged(ctx: Ctx, tagId: number): Promise<number> {
  return ctx.db.read((em) => em.getRepository(CustomerTag).countBy({ tagId }));
}
