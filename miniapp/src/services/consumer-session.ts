import type { AppSessionResponse, CustomerView } from '@o2o/shared';
import { createSession } from '../api/auth';
import { getMe } from '../api/member';
import { getLoginCode } from '../platform/login';
import { sessionStore } from '../stores/session';

/** Silent login: platform login code → `POST /api/app/session` → token in the session store. */
export async function loginConsumer(scene?: string): Promise<AppSessionResponse> {
  const code = await getLoginCode();
  const res = await createSession(scene === undefined ? { code } : { code, scene });
  sessionStore.set({ token: res.token, expiresAt: res.expiresAt, kind: 'consumer' });
  return res;
}

/** The request wrapper's re-login on 401 (installed in `app.ts`): no scene, attribution is done. */
export async function reloginConsumer(): Promise<string> {
  return (await loginConsumer()).token;
}

/**
 * Start of every visit. A QR `scene` always goes through a new session so the scan is recorded
 * and attributed; without one, a still-valid consumer token is reused (`GET /api/app/me`).
 */
export async function startConsumerSession(scene?: string): Promise<CustomerView> {
  const existing = sessionStore.getValid();
  if (scene === undefined && existing?.kind === 'consumer') return getMe();
  return (await loginConsumer(scene)).customer;
}
