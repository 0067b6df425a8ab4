import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { shanghaiDay, shanghaiDayStart as dayStart, type PerformanceDay, type PerformanceView } from '@o2o/shared';
import type { Ctx } from '../../context';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { Redemption } from '../coupon/redemption.entity';
import { CustomerClerk } from '../customer/customer-clerk.entity';
import { Customer } from '../customer/customer.entity';
import { Order } from '../payment/order.entity';

const DAY_MS = 86_400_000;
const PAID_STATUSES = ['paid', 'partially_refunded', 'refunded'];

/** Who the figures are about: a clerk sees their own customers and sales, a store manager the whole store. */
type Scope = { kind: 'clerk'; staffId: number } | { kind: 'store'; storeId: number };

function scopeOf(actor: StaffActor): Scope {
  if (actor.role === 'clerk') return { kind: 'clerk', staffId: actor.staffId };
  if (actor.role === 'store_manager' && actor.storeId) return { kind: 'store', storeId: actor.storeId };
  throw new AppError('FORBIDDEN_ROLE', 'Performance figures are for clerks and store managers');
}

const dayLabel = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * A clerk's (or a manager's store's) figures for the last `days` Shanghai days, today included:
 * - new fans: customers now owned by the clerk (customer_clerk) / homed at the store, by first scan;
 * - new members: the same customers by member_since; conversion: of the window's new fans, the members now;
 * - sales: orders credited to the clerk (order.clerk_id, fixed when the sale is made) / every sale of the store,
 *   credited to a clerk or not (a customer with no owning clerk still bought there), every channel, by payment day,
 *   payable minus refunded;
 * - redemptions: 核销 by the clerk / in the store, reversed ones excluded.
 * Read-only. Rows are fetched (timestamps and amounts only, bounded by the scope and the window) and bucketed
 * here, because "the Shanghai day of a UTC datetime" has no portable SQL across MySQL, MariaDB, TiDB and SQLite.
 */
export async function performance(ctx: Ctx, actor: StaffActor, days: number): Promise<PerformanceView> {
  const scope = scopeOf(actor);
  const today = shanghaiDay(ctx.clock.now());
  const first = today - days + 1;
  const from = dayStart(first);
  const to = dayStart(today + 1);
  const byDay: PerformanceDay[] = Array.from({ length: days }, (_, i) => ({
    date: dayLabel(first + i),
    newFans: 0,
    newMembers: 0,
    paidOrders: 0,
    salesFen: 0,
    redemptions: 0,
  }));
  const bucket = (t: Date | null) => (t ? byDay[shanghaiDay(t) - first] : undefined);

  return ctx.db.read(async (em) => {
    const fans = await customers(em, scope).andWhere('c.first_scan_at >= :from AND c.first_scan_at < :to', { from, to }).getMany();
    let convertedFans = 0;
    for (const c of fans) {
      const d = bucket(c.firstScanAt);
      if (d) d.newFans++;
      if (c.memberSince) convertedFans++;
    }
    const members = await customers(em, scope).andWhere('c.member_since >= :from AND c.member_since < :to', { from, to }).getMany();
    for (const c of members) {
      const d = bucket(c.memberSince);
      if (d) d.newMembers++;
    }

    const orders = em
      .getRepository(Order)
      .createQueryBuilder('o')
      .select(['o.id', 'o.paidAt', 'o.payableFen', 'o.refundedFen'])
      .where('o.status IN (:...paid)', { paid: PAID_STATUSES })
      .andWhere('o.paid_at >= :from AND o.paid_at < :to', { from, to });
    if (scope.kind === 'clerk') orders.andWhere('o.clerk_id = :staffId', { staffId: scope.staffId });
    else orders.andWhere('o.store_id = :storeId', { storeId: scope.storeId });
    for (const o of await orders.getMany()) {
      const d = bucket(o.paidAt);
      if (!d) continue;
      d.paidOrders++;
      d.salesFen += o.payableFen - o.refundedFen;
    }

    const redemptions = em
      .getRepository(Redemption)
      .createQueryBuilder('r')
      .select(['r.id', 'r.redeemedAt'])
      .where('r.reversed_at IS NULL')
      .andWhere('r.redeemed_at >= :from AND r.redeemed_at < :to', { from, to });
    if (scope.kind === 'clerk') redemptions.andWhere('r.clerk_id = :staffId', { staffId: scope.staffId });
    else redemptions.andWhere('r.store_id = :storeId', { storeId: scope.storeId });
    for (const r of await redemptions.getMany()) {
      const d = bucket(r.redeemedAt);
      if (d) d.redemptions++;
    }

    const sum = (k: keyof Omit<PerformanceDay, 'date'>) => byDay.reduce((n, d) => n + d[k], 0);
    const newFans = sum('newFans');
    return {
      scope: scope.kind,
      days,
      byDay,
      totals: {
        newFans,
        newMembers: sum('newMembers'),
        paidOrders: sum('paidOrders'),
        salesFen: sum('salesFen'),
        redemptions: sum('redemptions'),
        convertedFans,
        conversionBp: newFans === 0 ? 0 : Math.floor((convertedFans * 10_000) / newFans),
      },
    };
  });
}

function customers(em: EntityManager, scope: Scope): SelectQueryBuilder<Customer> {
  const qb = em.getRepository(Customer).createQueryBuilder('c').select(['c.id', 'c.firstScanAt', 'c.memberSince']);
  if (scope.kind === 'clerk') qb.innerJoin(CustomerClerk, 'cc', 'cc.customer_id = c.id AND cc.staff_id = :staffId', { staffId: scope.staffId });
  else qb.where('c.store_id = :storeId', { storeId: scope.storeId });
  return qb;
}
