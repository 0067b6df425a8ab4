import type { EntityManager } from 'typeorm';
import type { ClerkBindingRule } from '@o2o/shared';
import type { Db } from '../../db/db';
import { emit } from '../../events/outbox';
import { Staff } from '../staff/staff.entity';
import { ClerkAssignment } from './clerk-assignment.entity';
import { Customer } from './customer.entity';
import { CustomerClerk } from './customer-clerk.entity';

export interface BindClerkCmd {
  customerId: number;
  staffId: number;
  storeId: number;
  now: Date;
  protectionDays: number;
}

/**
 * Applies the binding rule for a scan of an active clerk's code, inside the caller's transaction:
 * - no owner yet → first touch binds (unique on customer makes concurrent first scans bind exactly one clerk);
 * - same clerk → nothing;
 * - another clerk still protected → nothing (no stealing inside the protection window);
 * - owner left, or protection over → rebinds to the scanning clerk.
 * Every change is a conditional update on the previous owner, audited, and announced through the outbox.
 * Returns the rule applied, or null when nothing changed.
 */
export async function bindClerkOnScan(db: Db, tx: EntityManager, cmd: BindClerkCmd): Promise<ClerkBindingRule | null> {
  const protectedUntil = new Date(cmd.now.getTime() + cmd.protectionDays * 86_400_000);
  const first = await db.insertOnce(tx, CustomerClerk, {
    customerId: cmd.customerId,
    staffId: cmd.staffId,
    storeId: cmd.storeId,
    rule: 'first_touch',
    boundAt: cmd.now,
    protectedUntil,
  });
  if (first) {
    await recordAssignment(tx, { ...cmd, fromStaffId: null, rule: 'first_touch', actorStaffId: null, reason: null });
    return 'first_touch';
  }
  const current = await db
    .forUpdate(tx.getRepository(CustomerClerk).createQueryBuilder('b').where('b.customer_id = :id', { id: cmd.customerId }))
    .getOneOrFail();
  if (current.staffId === cmd.staffId) return null;
  const owner = await tx.getRepository(Staff).findOne({ where: { id: current.staffId }, select: { id: true, status: true } });
  const ownerLeft = !owner || owner.status !== 'active';
  if (!ownerLeft && current.protectedUntil.getTime() > cmd.now.getTime()) return null;
  const rule: ClerkBindingRule = ownerLeft ? 'rebind_clerk_left' : 'rebind_after_protection';
  const moved = await reassign(tx, cmd.customerId, current.staffId, { staffId: cmd.staffId, storeId: cmd.storeId, rule, boundAt: cmd.now, protectedUntil });
  if (!moved) return null;
  await recordAssignment(tx, { ...cmd, fromStaffId: current.staffId, rule, actorStaffId: null, reason: null });
  return rule;
}

/** Conditional move from `fromStaffId`; false when someone else changed the binding first. */
export async function reassign(
  tx: EntityManager,
  customerId: number,
  fromStaffId: number,
  to: Pick<CustomerClerk, 'staffId' | 'storeId' | 'rule' | 'boundAt' | 'protectedUntil'>,
): Promise<boolean> {
  const res = await tx
    .createQueryBuilder()
    .update(CustomerClerk)
    .set(to)
    .where('customer_id = :customerId AND staff_id = :fromStaffId', { customerId, fromStaffId })
    .execute();
  return res.affected === 1;
}

export async function recordAssignment(
  tx: EntityManager,
  a: { customerId: number; fromStaffId: number | null; staffId: number; storeId: number; rule: ClerkBindingRule; actorStaffId: number | null; reason: string | null; now: Date },
): Promise<void> {
  await tx.getRepository(ClerkAssignment).insert({
    customerId: a.customerId,
    fromStaffId: a.fromStaffId,
    toStaffId: a.staffId,
    rule: a.rule,
    actorStaffId: a.actorStaffId,
    reason: a.reason,
    at: a.now,
  });
  // The owning clerk's store becomes the customer's home store.
  await tx.update(Customer, { id: a.customerId }, { storeId: a.storeId });
  await emit(tx, 'customer.clerk_assigned', { customerId: a.customerId, fromStaffId: a.fromStaffId, toStaffId: a.staffId, storeId: a.storeId, rule: a.rule, at: a.now.toISOString() }, a.now);
}
