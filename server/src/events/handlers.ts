import type { Deps } from '../context';
import type { OutboxWorker } from './outbox-worker';

/**
 * Which module reacts to which event. Every handler is idempotent (events are delivered at least once).
 * Foundation: events are recorded for analytics and for the coupon/campaign modules that subscribe next
 * (welcome coupon on `customer.became_member`, purchase tags on payment). Today they are logged.
 */
export function registerHandlers(worker: OutboxWorker, deps: Deps): void {
  worker.on('customer.became_member', async (e) => {
    deps.log.info({ customerId: e.payload.customerId, staffId: e.payload.staffId }, 'member joined');
  });
  worker.on('customer.clerk_assigned', async (e) => {
    deps.log.info({ customerId: e.payload.customerId, from: e.payload.fromStaffId, to: e.payload.toStaffId, rule: e.payload.rule }, 'clerk assigned');
  });
}
