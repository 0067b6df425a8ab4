import { useCallback, useEffect, useState } from 'react';
import { listCoupons } from '../api/coupons';

/**
 * How many usable coupons the customer holds, for the member centre (null until known; a failure just hides
 * the figure). Reloads when `ready` turns true and when `trigger` changes (welcome coupons arrive on binding).
 */
export function useCouponCount(ready: boolean, trigger?: unknown): { count: number | null; reload: () => Promise<boolean> } {
  const [count, setCount] = useState<number | null>(null);
  const reload = useCallback(async () => {
    try {
      setCount((await listCoupons('issued')).length);
      return true;
    } catch {
      return false;
    }
  }, []);
  useEffect(() => {
    if (ready) void reload();
  }, [ready, trigger, reload]);
  return { count, reload };
}
