import type { EntityManager } from 'typeorm';
import type { OrderStatus } from '@o2o/shared';
import { Order } from './order.entity';

/**
 * The order state machine. Every change goes through `transition`: a conditional UPDATE whose WHERE names
 * the allowed source states, so a second writer (a duplicate notification, the reconciler) changes nothing.
 */
const ALLOWED: Record<OrderStatus, readonly OrderStatus[]> = {
  created: ['paid', 'closed'],
  // A payment can land after the order closed (the customer paid in the last second, or WeChat's close
  // failed): it is recorded as paid, then re-instated or refunded automatically — never ignored.
  closed: ['paid'],
  paid: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  refunded: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ALLOWED[from].includes(to);
}

/** Moves the order from one of `from` to `to`, setting `set` too. True when this call made the change. */
export async function transition(
  tx: EntityManager,
  orderId: number,
  from: readonly OrderStatus[],
  to: OrderStatus,
  set: Partial<Record<keyof Order, unknown>> = {},
): Promise<boolean> {
  for (const f of from) if (!canTransition(f, to)) throw new Error(`illegal order transition ${f} → ${to}`);
  const res = await tx
    .createQueryBuilder()
    .update(Order)
    .set({ ...set, status: to } as never)
    .where('id = :orderId AND status IN (:...from)', { orderId, from })
    .execute();
  return res.affected === 1;
}
