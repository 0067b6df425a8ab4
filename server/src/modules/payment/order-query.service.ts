import { In } from 'typeorm';
import type { ConsoleOrderDetail, ConsoleOrderRow, OrderView, Page, PagedList, TAdminOrderListQuery, TConsoleOrderListQuery } from '@o2o/shared';
import type { Ctx } from '../../context';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { decodeIdCursor, encodeIdCursor } from '../../lib/cursor';
import { pageOf } from '../audit/paged';
import { CouponTemplate } from '../coupon/coupon-template.entity';
import { Coupon } from '../coupon/coupon.entity';
import { Customer } from '../customer/customer.entity';
import { phoneMaskedOf } from '../customer/customer-view';
import { Staff } from '../staff/staff.entity';
import { Store } from '../store/store.entity';
import { OrderItem } from './order-item.entity';
import { PosTerminal } from '../sale/pos-terminal.entity';
import { loadOrderView, orderView, pointsSplitOf } from './order-view';
import { Order } from './order.entity';
import { PayNotification } from './pay-notification.entity';
import { Refund } from './refund.entity';
import { listRefunds, refundView } from './refund.service';

interface ListFilter {
  customerId?: number;
  storeId?: number;
  status?: TAdminOrderListQuery['status'];
  cursor?: string;
  limit: number;
}

/** Newest first, keyset-paginated by id. */
export async function listOrders(ctx: Ctx, f: ListFilter): Promise<Page<OrderView>> {
  const before = f.cursor ? decodeIdCursor('o', f.cursor) : null;
  return ctx.db.read(async (em) => {
    const qb = em.getRepository(Order).createQueryBuilder('o').orderBy('o.id', 'DESC').limit(f.limit + 1);
    if (f.customerId !== undefined) qb.andWhere('o.customer_id = :customerId', { customerId: f.customerId });
    if (f.storeId !== undefined) qb.andWhere('o.store_id = :storeId', { storeId: f.storeId });
    if (f.status) qb.andWhere('o.status = :status', { status: f.status });
    if (before !== null) qb.andWhere('o.id < :before', { before });
    const rows = await qb.getMany();
    const page = rows.slice(0, f.limit);
    const items = page.length ? await em.getRepository(OrderItem).find({ where: { orderId: In(page.map((o) => o.id)) }, order: { id: 'ASC' } }) : [];
    return {
      items: page.map((o) => orderView(o, items.filter((i) => i.orderId === o.id))),
      nextCursor: rows.length > f.limit ? encodeIdCursor('o', page[page.length - 1].id) : null,
    };
  });
}

/** An order with its refunds, for staff: store managers only see their store's orders (404 otherwise). */
export async function getOrderForStaff(ctx: Ctx, staff: StaffActor, orderId: number) {
  const order = await loadOrderView(ctx, orderId);
  if ((staff.role === 'store_manager' || staff.role === 'clerk') && order.storeId !== staff.storeId) throw new AppError('NOT_FOUND', 'Order not found');
  return { order, refunds: await listRefunds(ctx, orderId) };
}

// ── Console (brand console 订单) ─────────────────────────────────────────────────────────────────────────────────
// The console's read model joins across modules (customer, store, staff, coupon) read-only; every write still goes
// through the owning module's use case.

/** The store a staff member may see orders of: their own for a store manager (or clerk), every store otherwise. */
function storeScopeOf(staff: StaffActor): number | undefined {
  return staff.role === 'store_manager' || staff.role === 'clerk' ? (staff.storeId ?? -1) : undefined;
}

/**
 * The console's order list: newest first (created_at, id — the order of idx_order_created /
 * idx_order_store_created / idx_order_status_created), offset-paged with a capped total. A store manager's list is
 * their store's; a `storeId` filter naming another store gives an empty list (never a 403: the scope is data).
 */
export async function listConsoleOrders(ctx: Ctx, staff: StaffActor, q: TConsoleOrderListQuery): Promise<PagedList<ConsoleOrderRow>> {
  const scope = storeScopeOf(staff);
  return ctx.db.read(async (em) => {
    const qb = em.getRepository(Order).createQueryBuilder('o').orderBy('o.created_at', 'DESC').addOrderBy('o.id', 'DESC');
    if (scope !== undefined) qb.andWhere('o.store_id = :scope', { scope });
    if (q.storeId !== undefined) qb.andWhere('o.store_id = :storeId', { storeId: q.storeId });
    if (q.status) qb.andWhere('o.status = :status', { status: q.status });
    if (q.channel) qb.andWhere('o.channel = :channel', { channel: q.channel });
    if (q.customerId !== undefined) qb.andWhere('o.customer_id = :customerId', { customerId: q.customerId });
    if (q.outTradeNo) qb.andWhere('o.out_trade_no = :outTradeNo', { outTradeNo: q.outTradeNo });
    if (q.from) qb.andWhere('o.created_at >= :from', { from: new Date(q.from) });
    if (q.to) qb.andWhere('o.created_at < :to', { to: new Date(q.to) });
    const { rows, total, totalCapped } = await pageOf(em, qb, q.current, q.pageSize);
    const customerIds = [...new Set(rows.map((o) => o.customerId))];
    const storeIds = [...new Set(rows.map((o) => o.storeId))];
    const customers = customerIds.length ? await em.getRepository(Customer).find({ where: { id: In(customerIds) }, select: { id: true, phoneEnc: true } }) : [];
    const stores = storeIds.length ? await em.getRepository(Store).find({ where: { id: In(storeIds) }, select: { id: true, name: true } }) : [];
    const phone = new Map(customers.map((c) => [c.id, phoneMaskedOf(ctx.pii, c.phoneEnc)]));
    const storeName = new Map(stores.map((s) => [s.id, s.name]));
    const items = rows.map(
      (o): ConsoleOrderRow => ({
        id: o.id,
        outTradeNo: o.outTradeNo,
        status: o.status,
        channel: o.channel,
        storeId: o.storeId,
        storeName: storeName.get(o.storeId) ?? null,
        customerId: o.customerId,
        customerPhoneMasked: phone.get(o.customerId) ?? null,
        listFen: o.listFen,
        totalFen: o.totalFen,
        couponDiscountFen: o.couponDiscountFen,
        pointsDeductionFen: o.pointsDeductionFen,
        payableFen: o.payableFen,
        refundedFen: o.refundedFen,
        refundPendingFen: o.refundPendingFen,
        pointsUsed: o.pointsUsed,
        pointsEarned: o.pointsEarned,
        receiptNo: o.receiptNo,
        pickedUpAt: o.pickedUpAt ? o.pickedUpAt.toISOString() : null,
        createdAt: o.createdAt.toISOString(),
        paidAt: o.paidAt ? o.paidAt.toISOString() : null,
      }),
    );
    return totalCapped ? { items, total, totalCapped } : { items, total };
  });
}

/**
 * One order for the console: lines and amounts (商品原价 listFen, the member-price total, coupon, 积分抵现, paid) and
 * the points used split into 会员价积分 and 积分抵现, the customer (masked phone, balance), store, clerk, the coupon,
 * points used/earned and what refunds moved, the refunds and the pay notifications (ids and status only).
 * Store managers see their store's orders only (404 otherwise, never 403: no existence oracle).
 */
export async function getConsoleOrder(ctx: Ctx, staff: StaffActor, orderId: number): Promise<ConsoleOrderDetail> {
  const scope = storeScopeOf(staff);
  return ctx.db.read(async (em) => {
    const o = await em.getRepository(Order).findOneBy({ id: orderId });
    if (!o || (scope !== undefined && o.storeId !== scope)) throw new AppError('NOT_FOUND', 'Order not found');
    // The clerk, the cashier and whoever handed a pre-order over are staff: one read for the three.
    const staffIds = [...new Set([o.clerkId, o.staffId, o.pickedUpBy].filter((id): id is number => id !== null))];
    const [items, customer, store, staff, terminal, coupon, refunds, notifications] = await Promise.all([
      em.getRepository(OrderItem).find({ where: { orderId }, order: { id: 'ASC' } }),
      em.getRepository(Customer).findOne({ where: { id: o.customerId }, select: { id: true, phoneEnc: true, memberSince: true, pointsBalance: true } }),
      em.getRepository(Store).findOne({ where: { id: o.storeId }, select: { id: true, name: true } }),
      staffIds.length ? em.getRepository(Staff).find({ where: { id: In(staffIds) }, select: { id: true, name: true } }) : [],
      o.terminalId ? em.getRepository(PosTerminal).findOne({ where: { id: o.terminalId }, select: { id: true, name: true, keyId: true } }) : null,
      o.couponId ? em.getRepository(Coupon).findOne({ where: { id: o.couponId }, select: { id: true, templateId: true, status: true } }) : null,
      em.getRepository(Refund).find({ where: { orderId }, order: { id: 'ASC' } }),
      em.getRepository(PayNotification).find({
        where: { outTradeNo: o.outTradeNo },
        select: { id: true, notifyId: true, kind: true, eventType: true, status: true, reason: true, createdAt: true },
        order: { id: 'ASC' },
        take: 100,
      }),
    ]);
    const person = (id: number | null) => {
      const s = id === null ? undefined : staff.find((x) => x.id === id);
      return s ? { id: s.id, name: s.name } : null;
    };
    const view = orderView(o, items); // its lines are `items`, in order
    const template = coupon ? await em.getRepository(CouponTemplate).findOne({ where: { id: coupon.templateId }, select: { id: true, title: true, kind: true } }) : null;
    return {
      order: {
        ...view,
        items: view.items.map((line, n) => ({ ...line, unitPointsGiven: items[n].unitPointsGiven, returnedQuantity: items[n].returnedQuantity })),
        channel: o.channel,
        receiptNo: o.receiptNo,
        pointsGiven: o.pointsGiven,
        pickedUpAt: o.pickedUpAt ? o.pickedUpAt.toISOString() : null,
        customerId: o.customerId,
        clerkId: o.clerkId,
        refundPendingFen: o.refundPendingFen,
        refundableFen: refundableOf(o),
        pointsUsedReturned: o.pointsUsedReturned,
        pointsEarnedReversed: o.pointsEarnedReversed,
        closedAt: o.closedAt ? o.closedAt.toISOString() : null,
        listFen: o.listFen,
        ...pointsSplitOf(o, items),
      },
      customer: {
        id: o.customerId,
        phoneMasked: customer ? phoneMaskedOf(ctx.pii, customer.phoneEnc) : null,
        isMember: !!customer?.memberSince,
        pointsBalance: customer?.pointsBalance ?? 0,
      },
      store: store ? { id: store.id, name: store.name } : null,
      clerk: person(o.clerkId),
      cashier: person(o.staffId),
      terminal: terminal ? { id: terminal.id, name: terminal.name, keyId: terminal.keyId } : null,
      pickedUpBy: person(o.pickedUpBy),
      coupon: coupon && template ? { id: coupon.id, templateId: template.id, title: template.title, kind: template.kind, status: coupon.status } : null,
      refunds: refunds.map(refundView),
      payNotifications: notifications.map((n) => ({ id: n.id, notifyId: n.notifyId, kind: n.kind, eventType: n.eventType, status: n.status, reason: n.reason, createdAt: n.createdAt.toISOString() })),
    };
  });
}

/** What a new refund may still take (paid or partially refunded orders only). */
export function refundableOf(o: Pick<Order, 'status' | 'payableFen' | 'refundedFen' | 'refundPendingFen'>): number {
  if (o.status !== 'paid' && o.status !== 'partially_refunded') return 0;
  return Math.max(0, o.payableFen - o.refundedFen - o.refundPendingFen);
}
