import crypto from 'node:crypto';
import type { Harness } from '../helpers/harness';
import { makeStaff, makeStore, makeTag, staffToken } from '../helpers/fixtures';
import { Customer } from '../../src/modules/customer/customer.entity';
import { Category } from '../../src/modules/catalogue/category.entity';
import { Order } from '../../src/modules/payment/order.entity';
import { OrderItem } from '../../src/modules/payment/order-item.entity';
import { CustomerTag } from '../../src/modules/tag/customer-tag.entity';
import { OutboxEvent } from '../../src/events/outbox-event.entity';
import type { EventMap } from '../../src/events/event-types';

export const DAY = 86_400_000;

/** An instant given as Asia/Shanghai wall time, e.g. sh('2026-03-01 10:00'). */
export const sh = (wall: string) => new Date(`${wall.replace(' ', 'T')}${wall.length <= 16 ? ':00' : ''}+08:00`);

export async function consoleToken(h: Harness): Promise<string> {
  return staffToken(h, (await makeStaff(h, 'marketer')).staff.id);
}

let seq = 0;
/** Customers inserted directly with the given stats (the recompute reads only the database). */
export async function insertCustomers(h: Harness, n: number, fields: Partial<Customer> = {}): Promise<number[]> {
  const tag = crypto.randomBytes(4).toString('hex');
  const openids = Array.from({ length: n }, () => `o_tag_${tag}_${++seq}`);
  await h.deps.db.transaction(async (tx) => {
    for (let i = 0; i < n; i += 500)
      await tx
        .createQueryBuilder()
        .insert()
        .into(Customer)
        .values(openids.slice(i, i + 500).map((openid) => ({ openid, firstScanAt: h.clock.now(), ...fields })))
        .updateEntity(false)
        .execute();
  });
  const rows = await h.deps.db.read((em) => em.getRepository(Customer).createQueryBuilder('c').select(['c.id']).where('c.openid LIKE :p', { p: `o_tag_${tag}_%` }).orderBy('c.id').getMany());
  return rows.map((c) => c.id);
}

export async function setCustomer(h: Harness, id: number, fields: Partial<Customer>): Promise<void> {
  await h.deps.db.transaction((tx) => tx.getRepository(Customer).update({ id }, fields));
}

/** A category with its own preference tag. */
export async function makeCategory(h: Harness, name = `类${crypto.randomBytes(3).toString('hex')}`): Promise<{ id: number; tagId: number }> {
  const tag = await makeTag(h, name, 'category');
  const id = await h.deps.db.transaction((tx) => h.deps.db.insertReturningId(tx, Category, { name, tagId: tag.id }));
  return { id, tagId: tag.id };
}

let storeId: number | null = null;
/** A paid order (status paid, in the customer's stats) with one line per entry, inserted directly. */
export async function insertPaidOrder(
  h: Harness,
  customerId: number,
  lines: { categoryId: number; cashFen: number; quantity?: number }[],
  paidAt: Date,
  opts: { refundedFen?: number; status?: Order['status'] } = {},
): Promise<number> {
  storeId ??= (await makeStore(h)).id;
  const payable = lines.reduce((s, l) => s + l.cashFen * (l.quantity ?? 1), 0);
  const no = crypto.randomBytes(8).toString('hex');
  return h.deps.db.transaction(async (tx) => {
    const orderId = await h.deps.db.insertReturningId(tx, Order, {
      outTradeNo: no,
      customerId,
      storeId: storeId!,
      clerkId: null,
      status: opts.status ?? (opts.refundedFen ? (opts.refundedFen >= payable ? 'refunded' : 'partially_refunded') : 'paid'),
      idempotencyKey: no,
      requestHash: no,
      listFen: payable,
      totalFen: payable,
      couponDiscountFen: 0,
      pointsDeductionFen: 0,
      payableFen: payable,
      pointsUsed: 0,
      pickupCode: '000000',
      expiresAt: paidAt,
      paidAt,
      inCustomerStats: true,
      refundedFen: opts.refundedFen ?? 0,
    });
    await tx
      .createQueryBuilder()
      .insert()
      .into(OrderItem)
      .values(lines.map((l, i) => ({ orderId, productId: 1, sku: `S${i}`, name: '商品', categoryId: l.categoryId, quantity: l.quantity ?? 1, unitPriceFen: l.cashFen, unitCashFen: l.cashFen, unitPoints: 0 })))
      .updateEntity(false)
      .execute();
    return orderId;
  });
}

export async function refundOrder(h: Harness, orderId: number, refundedFen: number, full: boolean): Promise<void> {
  await h.deps.db.transaction((tx) => tx.getRepository(Order).update({ id: orderId }, { refundedFen, status: full ? 'refunded' : 'partially_refunded' }));
}

/** The customer's tag rows, as `tagId:source` strings sorted. */
export async function tagsOf(h: Harness, customerId: number): Promise<{ tagId: number; source: string; expiresAt: Date | null }[]> {
  const rows = await h.deps.db.read((em) => em.getRepository(CustomerTag).find({ where: { customerId }, order: { tagId: 'ASC' } }));
  return rows.map((r) => ({ tagId: r.tagId, source: r.source, expiresAt: r.expiresAt }));
}

export async function tagIdsOf(h: Harness, customerId: number): Promise<number[]> {
  return (await tagsOf(h, customerId)).map((r) => r.tagId);
}

/** Outbox events of a type emitted after `afterId`, payloads parsed. */
export async function eventsOf<T extends keyof EventMap>(h: Harness, type: T, afterId = 0): Promise<(EventMap[T] & { _id: number })[]> {
  const rows = await h.deps.db.read((em) => em.getRepository(OutboxEvent).createQueryBuilder('e').where('e.type = :type AND e.id > :afterId', { type, afterId }).orderBy('e.id').getMany());
  return rows.map((r) => ({ ...(JSON.parse(r.payload) as EventMap[T]), _id: r.id }));
}

export async function lastEventId(h: Harness): Promise<number> {
  const r = await h.deps.db.read((em) => em.getRepository(OutboxEvent).createQueryBuilder('e').select('MAX(e.id)', 'm').getRawOne<{ m: number | null }>());
  return Number(r?.m ?? 0);
}
