import type { InboxMessageView, InboxPage, TInboxQuery } from '@o2o/shared';
import type { Ctx } from '../../context';
import { AppError } from '../../lib/app-error';
import { decodeIdCursor, encodeIdCursor } from '../../lib/cursor';
import { InboxMessage } from './inbox.entity';

const view = (m: InboxMessage): InboxMessageView => ({ id: m.id, title: m.title, body: m.body, couponId: m.couponId, read: m.readAt !== null, at: m.at.toISOString() });

/** The caller's inbox, newest first (keyset on id), with the unread count. */
export async function listInbox(ctx: Ctx, customerId: number, q: TInboxQuery): Promise<InboxPage> {
  const before = q.cursor ? decodeIdCursor('ib', q.cursor) : null;
  return ctx.db.read(async (em) => {
    const qb = em.getRepository(InboxMessage).createQueryBuilder('m').where('m.customer_id = :customerId', { customerId }).orderBy('m.id', 'DESC').limit(q.limit + 1);
    if (before !== null) qb.andWhere('m.id < :before', { before });
    const rows = await qb.getMany();
    const page = rows.slice(0, q.limit);
    const unreadCount = await em.getRepository(InboxMessage).createQueryBuilder('m').where('m.customer_id = :customerId AND m.read_at IS NULL', { customerId }).getCount();
    return { items: page.map(view), nextCursor: rows.length > q.limit ? encodeIdCursor('ib', page[page.length - 1].id) : null, unreadCount };
  });
}

/** Marks one of the caller's messages read (idempotent; first read time kept). Another customer's → 404. */
export async function markInboxRead(ctx: Ctx, customerId: number, id: number): Promise<InboxMessageView> {
  return ctx.db.transaction(async (tx) => {
    const m = await tx.getRepository(InboxMessage).findOneBy({ id, customerId });
    if (!m) throw new AppError('NOT_FOUND');
    await tx.createQueryBuilder().update(InboxMessage).set({ readAt: ctx.clock.now() }).where('id = :id AND read_at IS NULL', { id }).execute();
    return view(await tx.getRepository(InboxMessage).findOneByOrFail({ id }));
  });
}

/** Marks every unread message of the caller read; returns how many changed. */
export async function markAllInboxRead(ctx: Ctx, customerId: number): Promise<{ updated: number }> {
  return ctx.db.transaction(async (tx) => {
    const r = await tx.createQueryBuilder().update(InboxMessage).set({ readAt: ctx.clock.now() }).where('customer_id = :customerId AND read_at IS NULL', { customerId }).execute();
    return { updated: r.affected ?? 0 };
  });
}
