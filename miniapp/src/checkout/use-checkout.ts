import { useEffect, useMemo, useState } from 'react';
import { createOrder, getOrder, requestOrderPayment } from '../api/orders';
import { requestPayment } from '../platform/pay';
import { describeCheckoutError } from '../utils/error-message';
import { Checkout, newIdempotencyKey, type CheckoutDeps, type CheckoutState } from './checkout';

/** One `Checkout` per page visit, its state as React state; polling stops when the page goes away. */
export function useCheckout(overrides?: Partial<CheckoutDeps>): { checkout: Checkout; state: CheckoutState } {
  const checkout = useMemo(
    () =>
      new Checkout({
        createOrder,
        getOrder,
        requestOrderPayment,
        pay: requestPayment,
        newKey: () => newIdempotencyKey(),
        describe: describeCheckoutError,
        ...overrides,
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  const [state, setState] = useState<CheckoutState>(checkout.current);
  useEffect(() => {
    const off = checkout.subscribe(setState);
    return () => {
      off();
      checkout.dispose();
    };
  }, [checkout]);
  return { checkout, state };
}
