import { backgroundCtx, type Deps } from '../context';
import { startCouponExpiry } from '../modules/coupon/expiry.service';
import { startReconciler } from '../modules/payment/reconciliation';
import { startTagJobs } from '../modules/tag/tag-jobs';
import { startSegmentIndex, stopSegmentIndex } from '../modules/segment/index-runtime';
import { startSegmentExports } from '../modules/segment/export.service';
import { startCampaignRunner } from '../modules/campaign/runner';
import { OutboxWorker } from './outbox-worker';
import { registerHandlers } from './handlers';

export interface Workers {
  outbox: OutboxWorker;
  stop(): Promise<void>;
}

/** Background work of a server process. The queue backend (in-process now, BullMQ later) sits behind this. */
export function startWorkers(deps: Deps): Workers {
  const outbox = new OutboxWorker(deps, { pollMs: deps.config.outbox.pollMs });
  registerHandlers(outbox, deps);
  outbox.start();
  const reconciler = deps.pay ? startReconciler(backgroundCtx(deps, 'reconcile'), deps.config.reconcile.intervalMs) : null;
  // Coupons lapse by the minute; the wallet already shows them expired, the job aligns the stored state.
  const couponExpiry = startCouponExpiry(backgroundCtx(deps, 'coupon-expiry'), 60_000);
  // Tag expiry (every minute) and the scheduled lifecycle/RFM/preference recompute.
  const tagJobs = startTagJobs(backgroundCtx(deps, 'tags'));
  // The in-memory segment index (SEGMENT_INDEX=on): built now, rebuilt periodically, fed by the outbox.
  startSegmentIndex(deps);
  const segmentExports = startSegmentExports(backgroundCtx(deps, 'segment-exports'));
  // Campaign and clerk-offer fan-out: BullMQ when REDIS_URL is set, else the in-process queue.
  const campaigns = startCampaignRunner(deps);
  return {
    outbox,
    stop: async () => {
      await reconciler?.stop();
      await couponExpiry.stop();
      await tagJobs.stop();
      await campaigns.stop();
      await stopSegmentIndex(deps);
      await segmentExports.stop();
      await outbox.stop();
    },
  };
}
