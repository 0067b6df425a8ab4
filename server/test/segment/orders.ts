import crypto from 'node:crypto';
import type { Harness } from '../helpers/harness';
import { Order } from '../../src/modules/payment/order.entity';

/** An order row with the given state (tests of segment stats, not of payment). Returns its id. */
export function insertOrder(h: Harness, customerId: number, storeId: number, o: Partial<Order>): Promise<number> {
  const now = h.clock.now();
  return h.deps.db.transaction((tx) =>
    h.deps.db.insertReturningId(tx, Order, {
      outTradeNo: `T${crypto.randomBytes(12).toString('hex')}`,
      customerId,
      storeId,
      status: 'paid',
      idempotencyKey: crypto.randomBytes(8).toString('hex'),
      requestHash: 'x',
      listFen: 1000,
      totalFen: 1000,
      couponDiscountFen: 0,
      pointsDeductionFen: 0,
      payableFen: 1000,
      pointsUsed: 0,
      pickupCode: '1234',
      expiresAt: now,
      inCustomerStats: true,
      ...o,
    }),
  );
}
