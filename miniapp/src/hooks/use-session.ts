import { useCallback, useEffect, useRef, useState } from 'react';
import type { CustomerView } from '@o2o/shared';
import { bindMember, getMe } from '../api/member';
import { startConsumerSession } from '../services/consumer-session';
import { describeError } from '../utils/error-message';

export type SessionState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; customer: CustomerView };

export interface UseSession {
  state: SessionState;
  /** Log in again after an error. */
  retry: () => void;
  /** Reload the customer (pull-to-refresh). Resolves false when it failed; never rejects. */
  refresh: () => Promise<boolean>;
  /** Exchange a one-time phone code for membership. */
  bindPhone: (phoneCode: string) => Promise<void>;
  binding: boolean;
  bindError: string | null;
  /** Points granted by binding (the balance delta), shown as the welcome gift; null before/without. */
  welcomePoints: number | null;
}

/**
 * The consumer's session for a page: silent login on mount (with the QR scene when there is one),
 * then phone binding. Pages stay presentational; all calls and state transitions live here.
 */
export function useSession(scene: string | undefined): UseSession {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [binding, setBinding] = useState(false);
  const [bindError, setBindError] = useState<string | null>(null);
  const [welcomePoints, setWelcomePoints] = useState<number | null>(null);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  useEffect(() => {
    let cancelled = false;
    setState({ status: 'loading' });
    startConsumerSession(scene).then(
      (customer) => {
        if (!cancelled) setState({ status: 'ready', customer });
      },
      (err: unknown) => {
        if (!cancelled) setState({ status: 'error', message: describeError(err, '登录失败，请重试') });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [scene, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  const refresh = useCallback(async () => {
    if (state.status !== 'ready') {
      retry();
      return true;
    }
    try {
      const customer = await getMe();
      if (mounted.current) setState({ status: 'ready', customer });
      return true;
    } catch {
      return false;
    }
  }, [state.status, retry]);

  const bindPhone = useCallback(
    async (phoneCode: string) => {
      if (state.status !== 'ready' || binding) return;
      const before = state.customer.pointsBalance;
      setBinding(true);
      setBindError(null);
      try {
        const customer = await bindMember({ phoneCode });
        if (!mounted.current) return;
        const delta = customer.pointsBalance - before;
        setWelcomePoints(delta > 0 ? delta : null);
        setState({ status: 'ready', customer });
      } catch (err) {
        if (mounted.current) setBindError(describeError(err, '绑定失败，请重试'));
      } finally {
        if (mounted.current) setBinding(false);
      }
    },
    [state, binding],
  );

  return { state, retry, refresh, bindPhone, binding, bindError, welcomePoints };
}
