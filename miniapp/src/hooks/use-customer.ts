import { useCallback, useEffect, useRef, useState } from 'react';
import { getMe } from '../api/member';
import { ensureConsumer } from '../services/consumer-session';
import { describeError } from '../utils/error-message';
import type { SessionState } from './use-session';

/**
 * The signed-in customer for pages other than the entry (menu, points): logs in silently when there is no
 * token (a share or an H5 reload opens the page directly), then `GET /api/app/me`.
 */
export function useCustomer(): { state: SessionState; reload: () => Promise<boolean> } {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  const reload = useCallback(async () => {
    try {
      await ensureConsumer();
      const customer = await getMe();
      if (mounted.current) setState({ status: 'ready', customer });
      return true;
    } catch (err) {
      if (mounted.current) setState((s) => (s.status === 'ready' ? s : { status: 'error', message: describeError(err, '加载失败，请重试') }));
      return false;
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { state, reload };
}
