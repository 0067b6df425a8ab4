import { backgroundCtx, type Deps } from '../context';
import { startCouponExpiry } from '../modules/coupon/expiry.service';
import { startReconciler } from '../modules/payment/reconciliation';
import { startTagJobs } from '../modules/tag/tag-jobs';
import { startSegmentIndex, stopSegmentIndex } from '../modules/segment/index-runtime';
import { startSegmentExports } from '../modules/segment/export.service';
import { startCampaignRunner } from '../modules/campaign/runner';
import { startAlertSweep } from '../modules/alert/alert-sources';
import { startJobRunner } from '../modules/job/job-runner';
import { OutboxWorker } from './outbox-worker';
import { registerHandlers } from './handlers';

export interface Workers {
  /** The claiming outbox worker; null in an `api` process (a `worker` process delivers the events). */
  outbox: OutboxWorker | null;
  stop(): Promise<void>;
}

/**
 * Background work of a process, by its role (PROCESS_ROLE):
 *  - `all` (default, one-process deployments and `npm start`): everything below;
 *  - `api`: only the in-memory segment index (previews are served here; it reads the outbox itself) — outbox
 *    handlers and jobs run in `worker` processes, so their CPU never delays a request;
 *  - `worker`: outbox handlers and every job, no segment index (nothing here answers previews; exports fall back
 *    to SQL).
 * Every job is safe with several processes (leases, conditional updates), so any number of each role may run.
 */
export function startWorkers(deps: Deps): Workers {
  const role = deps.config.role;
  // The in-memory segment index (SEGMENT_INDEX=on): built now, rebuilt periodically, fed by its outbox tail.
  if (role !== 'worker') startSegmentIndex(deps);
  if (role === 'api') return { outbox: null, stop: () => stopSegmentIndex(deps) };

  const outbox = new OutboxWorker(deps, { pollMs: deps.config.outbox.pollMs });
  registerHandlers(outbox, deps);
  outbox.start();
  const reconciler = deps.pay ? startReconciler(backgroundCtx(deps, 'reconcile'), deps.config.reconcile.intervalMs) : null;
  // Coupons lapse by the minute; the wallet already shows them expired, the job aligns the stored state.
  const couponExpiry = startCouponExpiry(backgroundCtx(deps, 'coupon-expiry'), 60_000);
  // Tag expiry (every minute) and the scheduled lifecycle/RFM/preference recompute.
  const tagJobs = startTagJobs(backgroundCtx(deps, 'tags'));
  const segmentExports = startSegmentExports(backgroundCtx(deps, 'segment-exports'));
  // Campaign and clerk-offer fan-out: BullMQ when REDIS_URL is set, else the in-process queue.
  const campaigns = startCampaignRunner(deps);
  // Alerts no event announces: dead outbox events and refunds stuck for 30 minutes (every minute, idempotent).
  const alertSweep = startAlertSweep(backgroundCtx(deps, 'alert-sweep'));
  // Console jobs (poster PDFs …): queued jobs and jobs whose runner's lease lapsed, under a lease.
  const jobs = startJobRunner(backgroundCtx(deps, 'jobs'));
  return {
    outbox,
    stop: async () => {
      await reconciler?.stop();
      await couponExpiry.stop();
      await tagJobs.stop();
      await campaigns.stop();
      await alertSweep.stop();
      await jobs.stop();
      await stopSegmentIndex(deps);
      await segmentExports.stop();
      await outbox.stop();
    },
  };
}
