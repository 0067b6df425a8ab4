import type { AppSessionResponse, TAppSessionBody } from '@o2o/shared';
import { request } from './request';

/** `POST /api/app/session`: exchange a login code (and the QR `scene`, if any) for a consumer token. */
export function createSession(body: TAppSessionBody): Promise<AppSessionResponse> {
  // No token and no re-login: this call *is* the login, and its 401 (bad code) is final.
  return request<AppSessionResponse>('/api/app/session', { method: 'POST', data: body, auth: false });
}
