import { useCallback, useEffect, useRef, useState } from 'react';
import type { CheckoutOptionsView } from '@o2o/shared';
import { previewOrder } from '../api/coupons';
import type { OrderDraft } from '../cart/cart';
import { describeError } from '../utils/error-message';
import { chosenCouponId, type CouponChoice } from './coupon-choice';

export type PreviewState =
  | { status: 'idle' }
  | { status: 'loading'; last: CheckoutOptionsView | null }
  | { status: 'error'; message: string; last: CheckoutOptionsView | null }
  | { status: 'ready'; options: CheckoutOptionsView; couponId: number | undefined };

/**
 * The server's exact pricing of the checkout (`POST /api/app/orders/preview`) for the cart, the points choice
 * and the coupon choice. 'auto' asks once without a coupon to learn the suggested one, then prices with it. Every
 * change starts a new run; answers of an older run are dropped. The page shows the last good answer while a new
 * one loads, and the error with a retry when it fails (ordering still works: creation prices on the server).
 */
export function useCheckoutPreview(draft: OrderDraft | null, usePoints: boolean, choice: CouponChoice): { state: PreviewState; retry: () => void } {
  const [state, setState] = useState<PreviewState>({ status: 'idle' });
  const [attempt, setAttempt] = useState(0);
  const run = useRef(0);
  const last = useRef<CheckoutOptionsView | null>(null);
  const key = draft && draft.items.length ? JSON.stringify([draft, usePoints, choice]) : null;

  useEffect(() => {
    if (!draft || !key) {
      setState({ status: 'idle' });
      return;
    }
    const mine = ++run.current;
    const body = usePoints ? { ...draft, usePoints: true } : { ...draft };
    setState({ status: 'loading', last: last.current });
    void (async () => {
      try {
        let couponId = chosenCouponId(choice, null);
        let options = await previewOrder(couponId ? { ...body, couponId } : body);
        if (choice === 'auto' && options.suggestedCouponId !== null) {
          couponId = options.suggestedCouponId;
          options = await previewOrder({ ...body, couponId });
        }
        if (mine !== run.current) return;
        last.current = options;
        setState({ status: 'ready', options, couponId });
      } catch (err) {
        if (mine === run.current) setState({ status: 'error', message: describeError(err, '价格计算失败'), last: last.current });
      }
    })();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { state, retry };
}
