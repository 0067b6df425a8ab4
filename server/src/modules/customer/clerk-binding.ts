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
  /** The customer was created in this transaction: it has no binding yet, and its home store is already the code's store. */
  newCustomer?: boolean;
}

/**
 * Applies the binding rule for a scan of an active clerk's code, inside the caller's transaction:
 * - no owner yet → first touch binds (unique on customer makes concurrent first scans bind exactly one clerk);
 * - same clerk → nothing;
 * - another clerk still protected → nothing (no stealing inside the protection window);
 * - owner left, or protection over → rebinds to the scanning clerk.
 * Every change is a conditional update on the previous owner, audited, and announced through the outbox.
 * Returns the rule applied, or null when nothing changed.
 *
 * The binding is read without a lock: the move is conditional on the owner read, so a scan or handover
 * that moved the customer in between makes it change nothing, exactly as if it had lost the race.
 */
export async function bindClerkOnScan(db: Db, tx: EntityManager, cmd: BindClerkCmd): Promise<ClerkBindingRule | null> {
  const protectedUntil = new Date(cmd.now.getTime() + cmd.protectionDays * 86_400_000);
  // Read first: a returning customer usually has a binding, and a failed insert costs more than a read.
  let current = cmd.newCustomer ? null : await currentBinding(tx, cmd.customerId);
  if (!current) {
    const first = await db.insertOnce(tx, CustomerClerk, {
      customerId: cmd.customerId,
      staffId: cmd.staffId,
      storeId: cmd.storeId,
      rule: 'first_touch',
      boundAt: cmd.now,
      protectedUntil,
    });
    if (first) {
      await recordAssignment(tx, { ...cmd, fromStaffId: null, rule: 'first_touch', actorStaffId: null, reason: null }, { homeStoreIsSet: cmd.newCustomer });
      return 'first_touch';
    }
    // a concurrent first scan bound a clerk first (and committed): apply the rules to that binding
    current = await currentBinding(tx, cmd.customerId);
    if (!current) throw new Error(`customer_clerk ${cmd.customerId}: duplicate key on insert, yet no row`);
  }
  if (current.staffId === cmd.staffId) return null;
  const ownerLeft = current.ownerStatus !== 'active';
  if (!ownerLeft && current.protectedUntil.getTime() > cmd.now.getTime()) return null;
  const rule: ClerkBindingRule = ownerLeft ? 'rebind_clerk_left' : 'rebind_after_protection';
  const moved = await reassign(tx, cmd.customerId, current.staffId, { staffId: cmd.staffId, storeId: cmd.storeId, rule, boundAt: cmd.now, protectedUntil });
  if (!moved) return null;
  await recordAssignment(tx, { ...cmd, fromStaffId: current.staffId, rule, actorStaffId: null, reason: null });
  return rule;
}

/** The customer's binding with its owner's status (null if the owner row is gone), in one read. */
async function currentBinding(tx: EntityManager, customerId: number): Promise<{ staffId: number; protectedUntil: Date; ownerStatus: string | null } | null> {
  const { entities, raw } = await tx
    .getRepository(CustomerClerk)
    .createQueryBuilder('b')
    .leftJoin(Staff, 'owner', 'owner.id = b.staff_id')
    .select(['b.customerId', 'b.staffId', 'b.protectedUntil'])
    .addSelect('owner.status', 'ownerStatus')
    .where('b.customer_id = :customerId', { customerId })
    .getRawAndEntities<{ ownerStatus: string | null }>();
  if (entities.length === 0) return null;
  return { staffId: entities[0].staffId, protectedUntil: entities[0].protectedUntil, ownerStatus: raw[0].ownerStatus ?? null };
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
  opts: { homeStoreIsSet?: boolean } = {},
): Promise<void> {
  await tx
    .createQueryBuilder()
    .insert()
    .into(ClerkAssignment)
    .values({ customerId: a.customerId, fromStaffId: a.fromStaffId, toStaffId: a.staffId, rule: a.rule, actorStaffId: a.actorStaffId, reason: a.reason, at: a.now })
    .updateEntity(false) // nothing reads the new row back: no RETURNING / follow-up SELECT
    .execute();
  // The owning clerk's store becomes the customer's home store (the caller may know it already is).
  if (!opts.homeStoreIsSet) await tx.update(Customer, { id: a.customerId }, { storeId: a.storeId });
  await emit(tx, 'customer.clerk_assigned', { customerId: a.customerId, fromStaffId: a.fromStaffId, toStaffId: a.staffId, storeId: a.storeId, rule: a.rule, at: a.now.toISOString() }, a.now);
}
