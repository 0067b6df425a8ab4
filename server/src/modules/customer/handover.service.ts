import type { HandoverResponse } from '@o2o/shared';
import { In } from 'typeorm';
import type { Ctx } from '../../context';
import { AppError } from '../../lib/app-error';
import type { StaffActor } from '../../http/policy';
import { Staff } from '../staff/staff.entity';
import { recordAssignment, reassign } from './clerk-binding';
import { CustomerClerk } from './customer-clerk.entity';

const BATCH = 500;

/**
 * Hands every customer of one clerk (usually leaving) to another clerk of the same store.
 * Store managers may hand over within their own store only (other stores → 404); console roles anywhere.
 * Runs in batches of 500, each its own transaction with conditional moves, so it resumes safely if
 * interrupted and a customer rebound meanwhile by a scan is left alone. Every move is audited.
 */
export async function handoverCustomers(ctx: Ctx, actor: StaffActor, fromStaffId: number, toStaffId: number, reason: string | null): Promise<HandoverResponse> {
  if (fromStaffId === toStaffId) throw new AppError('HANDOVER_INVALID');
  const staff = await ctx.db.read((em) => em.getRepository(Staff).findBy({ id: In([fromStaffId, toStaffId]) }));
  const from = staff.find((s) => s.id === fromStaffId);
  const to = staff.find((s) => s.id === toStaffId);
  const inScope = (s: Staff | undefined) => s && (actor.role !== 'store_manager' || s.storeId === actor.storeId);
  if (!inScope(from) || !inScope(to)) throw new AppError('NOT_FOUND');
  if (from!.storeId === null || from!.storeId !== to!.storeId || !['clerk', 'store_manager'].includes(to!.role)) throw new AppError('HANDOVER_INVALID');
  if (to!.status !== 'active') throw new AppError('STAFF_INACTIVE');

  const protectedUntil = (now: Date) => new Date(now.getTime() + ctx.config.rules.clerkProtectionDays * 86_400_000);
  let moved = 0;
  for (;;) {
    const n = await ctx.db.transaction(async (tx) => {
      const now = ctx.clock.now();
      const batch = await tx.getRepository(CustomerClerk).find({ where: { staffId: fromStaffId }, select: { customerId: true }, take: BATCH, order: { customerId: 'ASC' } });
      let done = 0;
      for (const { customerId } of batch) {
        const ok = await reassign(tx, customerId, fromStaffId, { staffId: toStaffId, storeId: to!.storeId!, rule: 'handover', boundAt: now, protectedUntil: protectedUntil(now) });
        if (!ok) continue;
        await recordAssignment(tx, { customerId, fromStaffId, staffId: toStaffId, storeId: to!.storeId!, rule: 'handover', actorStaffId: actor.staffId, reason, now });
        done++;
      }
      return { seen: batch.length, done };
    });
    moved += n.done;
    if (n.seen < BATCH) break;
  }
  return { fromStaffId, toStaffId, moved };
}
