import type { EntityManager } from 'typeorm';
import type { StaffActor } from '../../http/policy';
import { AuditLog } from './audit-log.entity';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | number | null;
  storeId?: number | null;
  summary: string;
  /** Serialised as JSON. Never put a phone number, a token or a secret here. */
  details?: unknown;
}

/**
 * Records a console change in the caller's transaction (`tx`): the change and its audit row commit together.
 * `actor` null = a system job.
 */
export async function audit(tx: EntityManager, actor: StaffActor | null, e: AuditEntry): Promise<void> {
  await tx.getRepository(AuditLog).insert({
    actorStaffId: actor?.staffId ?? null,
    actorName: (actor?.name ?? 'system').slice(0, 64),
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId == null ? null : String(e.targetId).slice(0, 64),
    storeId: e.storeId ?? null,
    summary: e.summary.slice(0, 500),
    details: e.details === undefined ? null : JSON.stringify(e.details),
  });
}
