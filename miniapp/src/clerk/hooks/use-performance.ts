import { useCallback, useEffect, useRef, useState } from 'react';
import type { PerformanceView } from '@o2o/shared';
import { getPerformance } from '../api/redemptions';
import { describeClerkError } from '../utils/clerk-error';

export type PerformanceState = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; performance: PerformanceView };

/** The clerk's figures for a window; a refresh keeps what is on screen when it fails. */
export function usePerformance(days: 1 | 7 | 30): { state: PerformanceState; reload: () => Promise<boolean> } {
  const [state, setState] = useState<PerformanceState>({ status: 'loading' });
  const run = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++run.current;
    try {
      const performance = await getPerformance(days);
      if (mine === run.current) setState({ status: 'ready', performance });
      return true;
    } catch (err) {
      if (mine === run.current) setState((s) => (s.status === 'ready' && s.performance.days === days ? s : { status: 'error', message: describeClerkError(err, '业绩加载失败') }));
      return false;
    }
  }, [days]);
  useEffect(() => {
    setState({ status: 'loading' });
    void reload();
  }, [reload]);
  return { state, reload };
}
