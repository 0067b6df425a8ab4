import { backgroundCtx, type Deps } from '../context';
import { submitRefund } from '../modules/payment/refund.service';
import { issueWelcomeCoupons } from '../modules/coupon/issue.service';
import { grantScanCoupons } from '../modules/coupon/qr-grant.service';
import '../modules/coupon/order-coupon-hook';
import { registerTagHandlers } from '../modules/tag/tag-handlers';
import { registerQrStatHandlers } from '../modules/qr-code/qr-stats';
import { registerAlertHandlers } from '../modules/alert/alert-sources';
import { registerPickupReminder } from '../modules/payment/pickup-reminder';
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
  // Welcome coupons: every active template flagged `welcome`, once per (customer, template) by a unique key.
  worker.on('customer.became_member', async (e) => {
    await issueWelcomeCoupons(backgroundCtx(deps, 'welcome-coupons'), e.payload.customerId);
  });
  // QR-scan grants: the coupon entries of the scanned code in force at the scan, once per (customer, entry).
  worker.on('customer.scanned', async (e) => {
    await grantScanCoupons(backgroundCtx(deps, 'scan-coupons'), e.payload);
  });
  // Refunds recorded inside another use case (a late payment) are sent to WeChat Pay after commit;
  // submitRefund does nothing unless the refund is still `requested`, so redelivery is harmless.
  worker.on('refund.requested', async (e) => {
    if (deps.pay) await submitRefund(backgroundCtx(deps, 'refund'), e.payload.refundId);
  });
  // Quarantined payments, failed refunds and unrecovered points raise an alert (once per subject) for the console.
  registerAlertHandlers(worker, deps);
  worker.on('customer.clerk_assigned', async (e) => {
    deps.log.info({ customerId: e.payload.customerId, from: e.payload.fromStaffId, to: e.payload.toStaffId, rule: e.payload.rule }, 'clerk assigned');
  });
  // Lifecycle, RFM and category-preference tags of the customer (recomputed from the database, idempotent).
  registerTagHandlers(worker, deps);
  // Per-code figures (scans, new fans, members, sales): exactly-once counters, one transaction per pass.
  registerQrStatHandlers(worker, deps);
  // 取餐提醒: a paid pre-order's pickup subscribe message, once per event (handled_event), one quota per send.
  registerPickupReminder(worker, deps);
  // (The segment index is not fed from here: every process holding one reads the outbox itself, OutboxTail.)
}
