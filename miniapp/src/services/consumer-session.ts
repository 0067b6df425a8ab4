import type { AppSessionResponse, CustomerView } from '@o2o/shared';
import { createSession } from '../api/auth';
import { getMe } from '../api/member';
import { singleFlight } from '../api/request';
import { getLoginCode } from '../platform/login';
import { sessionStore } from '../stores/session';

/** Silent login: platform login code → `POST /api/app/session` → token in the session store. */
export async function loginConsumer(scene?: string): Promise<AppSessionResponse> {
  const code = await getLoginCode();
  const res = await createSession(scene === undefined ? { code } : { code, scene });
  sessionStore.set({ token: res.token, expiresAt: res.expiresAt });
  return res;
}

/** The request wrapper's re-login on 401 (installed in `app.ts`): no scene, attribution is done. */
export async function reloginConsumer(): Promise<string> {
  return (await loginConsumer()).token;
}

/**
 * Start of every visit on the entry page. A QR `scene` always goes through a new session so the scan is
 * recorded and attributed; without one, a still-valid consumer token is reused (`GET /api/app/me`).
 */
export async function startConsumerSession(scene?: string): Promise<CustomerView> {
  if (scene === undefined && sessionStore.getValid()) return getMe();
  return (await loginConsumer(scene)).customer;
}

const sharedLogin = singleFlight(() => loginConsumer());

/**
 * Pages other than the entry (opened from a share, a reload on H5): log in silently when there is no token.
 * Concurrent callers (a page's several requests) share one login.
 */
export async function ensureConsumer(): Promise<void> {
  if (!sessionStore.getValid()) await sharedLogin();
}
