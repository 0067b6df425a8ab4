import type { Ctx } from '../../context';
import { decodeIdCursor, encodeIdCursor } from '../../lib/cursor';
import { PayNotification, type PayNotificationStatus } from './pay-notification.entity';

/** For operators: quarantined notifications are the ones to look at. Raw body included for the audit. */
export async function listPayNotifications(ctx: Ctx, q: { status?: PayNotificationStatus; cursor?: string }) {
  const before = q.cursor ? decodeIdCursor('n', q.cursor) : null;
  const limit = 50;
  const rows = await ctx.db.read((em) => {
    const qb = em.getRepository(PayNotification).createQueryBuilder('n').orderBy('n.id', 'DESC').limit(limit + 1);
    if (q.status) qb.andWhere('n.status = :status', { status: q.status });
    if (before !== null) qb.andWhere('n.id < :before', { before });
    return qb.getMany();
  });
  const page = rows.slice(0, limit);
  return {
    items: page.map((n) => ({
      id: n.id,
      notifyId: n.notifyId,
      kind: n.kind,
      eventType: n.eventType,
      outTradeNo: n.outTradeNo,
      outRefundNo: n.outRefundNo,
      status: n.status,
      reason: n.reason,
      serial: n.serial,
      body: n.body,
      createdAt: n.createdAt.toISOString(),
    })),
    nextCursor: rows.length > limit ? encodeIdCursor('n', page[page.length - 1].id) : null,
  };
}
