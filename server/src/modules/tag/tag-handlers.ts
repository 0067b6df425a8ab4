import { backgroundCtx, type Deps } from '../../context';
import type { OutboxWorker } from '../../events/outbox-worker';
import { recomputeCustomerTags } from './recompute.service';

/**
 * Derived tags follow one customer's events. Each handler recomputes that customer from the database as it is
 * now (not from the payload), so redelivery, reordering and duplicates converge on the same tags.
 *   - `order.paid` / `order.refunded`: lifecycle, RFM and category preference (the single source of `purchase` tags);
 *   - a new fan's first `customer.scanned`: lifecycle (`new`) at once instead of at the next scheduled run.
 */
export function registerTagHandlers(worker: OutboxWorker, deps: Deps): void {
  const ctx = backgroundCtx(deps, 'tags');
  worker.on('order.paid', async (e) => {
    await recomputeCustomerTags(ctx, e.payload.customerId);
  });
  worker.on('order.refunded', async (e) => {
    await recomputeCustomerTags(ctx, e.payload.customerId);
  });
  worker.on('customer.scanned', async (e) => {
    if (e.payload.isNewFan) await recomputeCustomerTags(ctx, e.payload.customerId, ['lifecycle']);
  });
}
