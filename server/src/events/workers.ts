import { backgroundCtx, type Deps } from '../context';
import { startCouponExpiry } from '../modules/coupon/expiry.service';
import { startReconciler } from '../modules/payment/reconciliation';
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
  return {
    outbox,
    stop: async () => {
      await reconciler?.stop();
      await couponExpiry.stop();
      await outbox.stop();
    },
  };
}
