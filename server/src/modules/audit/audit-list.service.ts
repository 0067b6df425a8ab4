import { In } from 'typeorm';
import type { AuditEntryView, PagedList, TAuditListQuery } from '@o2o/shared';
import type { Ctx } from '../../context';
import type { StaffActor } from '../../http/policy';
import { Store } from '../store/store.entity';
import { AuditLog } from './audit-log.entity';
import { pageOf } from './paged';

export function auditEntryView(a: AuditLog, storeName: string | null = null): AuditEntryView {
  let details: unknown = null;
  if (a.details) {
    try {
      details = JSON.parse(a.details);
    } catch {
      details = a.details;
    }
  }
  return {
    id: a.id,
    actorStaffId: a.actorStaffId,
    actorName: a.actorName,
    action: a.action,
    targetType: a.targetType,
    targetId: a.targetId,
    storeId: a.storeId,
    storeName,
    summary: a.summary,
    details,
    createdAt: a.createdAt.toISOString(),
  };
}

/** `LIKE` text matching `q` literally (its % and _ are not wildcards), with `!` as the escape (the same in both dialects). */
const likeText = (q: string) => `%${q.replace(/[!%_]/g, (c) => `!${c}`)}%`;

/**
 * The audit log, newest first, offset-paged with a capped total. Admins read the brand's log; a store manager reads
 * the entries of their store only (any `storeId` filter naming another store gives an empty list). Filters:
 * action (exact, or `<area>.` prefix for every action of an area), target type/id, actor, store, text in the
 * summary, and a creation range (`from` inclusive, `to` exclusive). Each entry carries its store's current name
 * (one lookup for the page's stores: the log keeps the id only, so a renamed store shows its new name).
 */
export async function listAuditLog(ctx: Ctx, staff: StaffActor, q: TAuditListQuery): Promise<PagedList<AuditEntryView>> {
  const scope = staff.role === 'admin' ? undefined : (staff.storeId ?? -1);
  return ctx.db.read(async (em) => {
    const qb = em.getRepository(AuditLog).createQueryBuilder('a').orderBy('a.created_at', 'DESC').addOrderBy('a.id', 'DESC');
    if (scope !== undefined) qb.andWhere('a.store_id = :scope', { scope });
    if (q.storeId !== undefined) qb.andWhere('a.store_id = :storeId', { storeId: q.storeId });
    if (q.action) {
      if (q.action.endsWith('.')) qb.andWhere("a.action LIKE :actionPrefix ESCAPE '!'", { actionPrefix: likeText(q.action).slice(1) });
      else qb.andWhere('a.action = :action', { action: q.action });
    }
    if (q.targetType) qb.andWhere('a.target_type = :targetType', { targetType: q.targetType });
    if (q.targetId) qb.andWhere('a.target_id = :targetId', { targetId: q.targetId });
    if (q.actorStaffId !== undefined) qb.andWhere('a.actor_staff_id = :actor', { actor: q.actorStaffId });
    if (q.q) qb.andWhere("a.summary LIKE :q ESCAPE '!'", { q: likeText(q.q) });
    if (q.from) qb.andWhere('a.created_at >= :from', { from: new Date(q.from) });
    if (q.to) qb.andWhere('a.created_at < :to', { to: new Date(q.to) });
    const { rows, total, totalCapped } = await pageOf(em, qb, q.current, q.pageSize);
    const storeIds = [...new Set(rows.map((a) => a.storeId).filter((id): id is number => id !== null))];
    const stores = storeIds.length ? await em.getRepository(Store).find({ where: { id: In(storeIds) }, select: { id: true, name: true } }) : [];
    const storeName = new Map(stores.map((s) => [s.id, s.name]));
    const items = rows.map((a) => auditEntryView(a, a.storeId === null ? null : (storeName.get(a.storeId) ?? null)));
    return totalCapped ? { items, total, totalCapped } : { items, total };
  });
}
