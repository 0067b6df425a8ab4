import type { EntityManager } from 'typeorm';
import type { AlertKind, AlertView, PagedList, TAlertListQuery, TResolveAlertBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { audit } from '../audit/audit';
import { pageOf } from '../audit/paged';
import { Alert } from './alert.entity';

export interface AlertRaise {
  kind: AlertKind;
  /** The subject: (kind, refType, refId) is unique, so the same subject raises one alert, ever. */
  refType: string;
  refId: string | number;
  storeId?: number | null;
  summary: string;
  /** JSON facts for the operator (ids, amounts, reasons), never a phone number or a secret. */
  details?: Record<string, unknown>;
}

/**
 * Raises an alert in the caller's transaction. Idempotent by the subject key uq_alert_subject: raising the same
 * (kind, refType, refId) again — event redelivery, the sweep seeing the same dead event every minute — inserts
 * nothing and leaves the first row as it is (a resolved alert stays resolved). Returns whether a row was added.
 */
export async function raiseAlert(ctx: Pick<Ctx, 'db'>, tx: EntityManager, a: AlertRaise): Promise<boolean> {
  return ctx.db.insertOnce(tx, Alert, {
    kind: a.kind,
    refType: a.refType,
    refId: String(a.refId).slice(0, 64),
    storeId: a.storeId ?? null,
    summary: a.summary.slice(0, 500),
    details: a.details === undefined ? null : JSON.stringify(a.details),
    status: 'open',
  });
}

export function alertView(a: Alert): AlertView {
  return {
    id: a.id,
    kind: a.kind,
    refType: a.refType,
    refId: a.refId,
    storeId: a.storeId,
    summary: a.summary,
    details: a.details ? JSON.parse(a.details) : null,
    status: a.status,
    resolvedBy: a.resolvedBy,
    resolvedAt: a.resolvedAt ? a.resolvedAt.toISOString() : null,
    resolution: a.resolution,
    createdAt: a.createdAt.toISOString(),
  };
}

/** Newest first (idx_alert_status serves the status filter in id order); brand-wide (marketers and admins). */
export async function listAlerts(ctx: Ctx, q: TAlertListQuery): Promise<PagedList<AlertView>> {
  return ctx.db.read(async (em) => {
    const qb = em.getRepository(Alert).createQueryBuilder('a').orderBy('a.id', 'DESC');
    if (q.status) qb.andWhere('a.status = :status', { status: q.status });
    if (q.kind) qb.andWhere('a.kind = :kind', { kind: q.kind });
    const { rows, total, totalCapped } = await pageOf(em, qb, q.current, q.pageSize);
    return totalCapped ? { items: rows.map(alertView), total, totalCapped } : { items: rows.map(alertView), total };
  });
}

/** Open alerts, for the header bell (an index-only count on idx_alert_status). */
export async function countOpenAlerts(ctx: Ctx): Promise<{ open: number }> {
  return { open: await ctx.db.read((em) => em.getRepository(Alert).countBy({ status: 'open' })) };
}

/**
 * Marks an alert handled with the operator's note (admins). A guarded update open → resolved, audited in the
 * same transaction: of two operators resolving at once one wins; the other, and any repeat, gets 409
 * ALERT_ALREADY_RESOLVED and changes nothing. An unknown id is 404.
 */
export async function resolveAlert(ctx: Ctx, staff: StaffActor, alertId: number, body: TResolveAlertBody): Promise<AlertView> {
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const res = await tx
      .createQueryBuilder()
      .update(Alert)
      .set({ status: 'resolved', resolvedBy: staff.staffId, resolvedAt: now, resolution: body.resolution })
      .where("id = :alertId AND status = 'open'", { alertId })
      .execute();
    const a = await tx.getRepository(Alert).findOne({ where: { id: alertId }, select: { id: true, kind: true, storeId: true, summary: true } });
    if (!a) throw new AppError('NOT_FOUND', 'Alert not found');
    if (res.affected !== 1) throw new AppError('ALERT_ALREADY_RESOLVED');
    await audit(tx, staff, {
      action: 'alert.resolve',
      targetType: 'alert',
      targetId: alertId,
      storeId: a.storeId,
      summary: `处理告警：${a.summary}`.slice(0, 500),
      details: { kind: a.kind, resolution: body.resolution },
    });
  });
  return ctx.db.read(async (em) => alertView(await em.getRepository(Alert).findOneByOrFail({ id: alertId })));
}
