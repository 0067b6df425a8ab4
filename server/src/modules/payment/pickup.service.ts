import { In, type EntityManager } from 'typeorm';
import { shanghaiDay, shanghaiDayStart, type OrderStatus, type PickupView, type TPickupListQuery } from '@o2o/shared';
import type { Ctx } from '../../context';
import { emit } from '../../events/outbox';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { Customer } from '../customer/customer.entity';
import { phoneMaskedOf } from '../customer/customer-view';
import { OrderItem } from './order-item.entity';
import { Order } from './order.entity';

/**
 * Pre-order pickup at the counter (自提). Pickup is a fulfilment column (`picked_up_at`, `picked_up_by`), orthogonal
 * to the payment status: a picked-up order can still be refunded, and a partially refunded one can still be
 * handed over. A pre-order is ready when it is paid or partially refunded and not picked up yet.
 *
 * Store scope is data: a clerk sees and completes only their own store's pre-orders, and another store's code
 * answers exactly like an unknown one (NOT_FOUND), so no store learns which codes exist elsewhere.
 */
const READY: readonly OrderStatus[] = ['paid', 'partially_refunded'];
/** One Shanghai day of one store: a busy store's pre-orders, never an unbounded read. */
const LIST_LIMIT = 500;

type Row = Pick<Order, 'id' | 'customerId' | 'pickupCode' | 'status' | 'payableFen' | 'paidAt' | 'pickedUpAt' | 'pickedUpBy'>;
const ROW_COLUMNS = ['o.id', 'o.customerId', 'o.pickupCode', 'o.status', 'o.payableFen', 'o.paidAt', 'o.pickedUpAt', 'o.pickedUpBy'];

function storeOf(staff: StaffActor): number {
  if (!staff.storeId) throw new AppError('NOT_FOUND', 'Pickup not found');
  return staff.storeId;
}

/**
 * Today's (Asia/Shanghai, by payment time) pre-orders of the caller's store. `paid` (default): waiting to be picked
 * up, oldest first (the counter's queue); `picked_up`: handed over, latest first; `all`: every pre-order paid today,
 * refunded ones included (so the counter sees why not to hand one over), latest first.
 */
export async function listPickups(ctx: Ctx, staff: StaffActor, q: TPickupListQuery): Promise<{ items: PickupView[] }> {
  const storeId = storeOf(staff);
  const day = shanghaiDay(ctx.clock.now());
  const status = q.status ?? 'paid';
  return ctx.db.read(async (em) => {
    const qb = em
      .getRepository(Order)
      .createQueryBuilder('o')
      .select(ROW_COLUMNS)
      // idx_order_store (store_id, paid_at): the store's day, then the channel and state of those rows
      .where("o.store_id = :storeId AND o.paid_at >= :from AND o.paid_at < :to AND o.channel = 'preorder'", { storeId, from: shanghaiDayStart(day), to: shanghaiDayStart(day + 1) })
      .limit(LIST_LIMIT);
    if (status === 'paid') qb.andWhere('o.status IN (:...ready) AND o.picked_up_at IS NULL', { ready: READY }).orderBy('o.paid_at', 'ASC');
    else if (status === 'picked_up') qb.andWhere('o.picked_up_at IS NOT NULL').orderBy('o.picked_up_at', 'DESC');
    else qb.orderBy('o.paid_at', 'DESC');
    qb.addOrderBy('o.id', status === 'paid' ? 'ASC' : 'DESC');
    return { items: await pickupViews(ctx, em, await qb.getMany()) };
  });
}

/**
 * Marks a pre-order picked up by its code, at the caller's store. Codes are short and repeat across days, so the
 * code names the store's most recent paid pre-order with it (an older paid one is shadowed). Outcomes:
 *  - ready → picked up now (one conditional UPDATE guarded by store, code, channel, ready status and
 *    `picked_up_at IS NULL`), `order.picked_up` emitted; the row records who (as a redemption does);
 *  - already picked up → the same view again (idempotent: a double tap or a retry changes nothing);
 *  - not paid, closed or wholly refunded → PICKUP_NOT_READY;
 *  - no pre-order of this store with the code (another store's included) → NOT_FOUND.
 * Two clerks completing at once: one UPDATE wins, the other finds the row picked up and returns the same view.
 */
export async function completePickup(ctx: Ctx, staff: StaffActor, pickupCode: string): Promise<PickupView> {
  const storeId = storeOf(staff);
  const now = ctx.clock.now();
  const orderId = await ctx.db.transaction(async (tx) => {
    const o = await latestWithCode(tx, storeId, pickupCode);
    if (!o) throw new AppError('NOT_FOUND', 'Pickup not found');
    if (o.pickedUpAt) return o.id;
    if (!READY.includes(o.status)) throw new AppError('PICKUP_NOT_READY');
    const done = await tx
      .createQueryBuilder()
      .update(Order)
      .set({ pickedUpAt: now, pickedUpBy: staff.staffId })
      .where("id = :id AND store_id = :storeId AND pickup_code = :pickupCode AND channel = 'preorder' AND status IN (:...ready) AND picked_up_at IS NULL", {
        id: o.id,
        storeId,
        pickupCode,
        ready: READY,
      })
      .execute();
    if (done.affected !== 1) {
      // Changed since the read: picked up by another clerk (same answer) or refunded meanwhile.
      const again = await tx.getRepository(Order).findOneOrFail({ where: { id: o.id }, select: { id: true, pickedUpAt: true } });
      if (again.pickedUpAt) return o.id;
      throw new AppError('PICKUP_NOT_READY');
    }
    await emit(tx, 'order.picked_up', { orderId: o.id, customerId: o.customerId, storeId, staffId: staff.staffId, at: now.toISOString() }, now);
    return o.id;
  });
  return ctx.db.read(async (em) => {
    const row = await em.getRepository(Order).createQueryBuilder('o').select(ROW_COLUMNS).where('o.id = :orderId', { orderId }).getOneOrFail();
    return (await pickupViews(ctx, em, [row]))[0]!;
  });
}

/** The store's pre-order with this code: the most recently paid one, else (none paid) the most recent one. */
function latestWithCode(em: EntityManager, storeId: number, pickupCode: string): Promise<Row | null> {
  return em
    .getRepository(Order)
    .createQueryBuilder('o')
    .select(ROW_COLUMNS)
    // idx_order_store_pickup (store_id, pickup_code): the few orders that ever had this code here
    .where("o.store_id = :storeId AND o.pickup_code = :pickupCode AND o.channel = 'preorder'", { storeId, pickupCode })
    .orderBy('CASE WHEN o.paid_at IS NULL THEN 1 ELSE 0 END', 'ASC')
    .addOrderBy('o.paid_at', 'DESC')
    .addOrderBy('o.id', 'DESC')
    .limit(1)
    .getOne();
}

/** The counter's view: items by name, the member's masked phone (to confirm who collects), never more of them. */
async function pickupViews(ctx: Ctx, em: EntityManager, rows: Row[]): Promise<PickupView[]> {
  if (rows.length === 0) return [];
  const [items, customers] = await Promise.all([
    em.getRepository(OrderItem).find({ where: { orderId: In(rows.map((o) => o.id)) }, select: { id: true, orderId: true, name: true, quantity: true }, order: { id: 'ASC' } }),
    em.getRepository(Customer).find({ where: { id: In([...new Set(rows.map((o) => o.customerId))]) }, select: { id: true, phoneEnc: true } }),
  ]);
  const phoneOf = new Map(customers.map((c) => [c.id, phoneMaskedOf(ctx.pii, c.phoneEnc)]));
  const linesOf = new Map<number, PickupView['items']>();
  for (const i of items) {
    let lines = linesOf.get(i.orderId);
    if (!lines) linesOf.set(i.orderId, (lines = []));
    lines.push({ name: i.name, quantity: i.quantity });
  }
  return rows.map((o) => ({
    orderId: o.id,
    pickupCode: o.pickupCode,
    status: o.status,
    payableFen: o.payableFen,
    items: linesOf.get(o.id) ?? [],
    phoneMasked: phoneOf.get(o.customerId) ?? null,
    paidAt: o.paidAt ? o.paidAt.toISOString() : null,
    pickedUpAt: o.pickedUpAt ? o.pickedUpAt.toISOString() : null,
    pickedUpBy: o.pickedUpBy,
  }));
}
