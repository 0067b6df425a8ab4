import { In } from 'typeorm';
import type { OrderView, Page, TAdminOrderListQuery } from '@o2o/shared';
import type { Ctx } from '../../context';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { decodeIdCursor, encodeIdCursor } from '../../lib/cursor';
import { OrderItem } from './order-item.entity';
import { loadOrderView, orderView } from './order-view';
import { Order } from './order.entity';
import { listRefunds } from './refund.service';

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
