import type { StaffSessionResponse, TClerkBindBody, TClerkSessionBody } from '@o2o/shared';
import { request } from '../../api/request';

/** `POST /api/clerk/bind`: first login, binds this WeChat identity to the staff record of the invite code. */
export function bindClerk(body: TClerkBindBody): Promise<StaffSessionResponse> {
  return request<StaffSessionResponse>('/api/clerk/bind', { method: 'POST', data: body, auth: false });
}

/** `POST /api/clerk/session`: silent login of a bound clerk (STAFF_NOT_BOUND otherwise). */
export function clerkSession(body: TClerkSessionBody): Promise<StaffSessionResponse> {
  return request<StaffSessionResponse>('/api/clerk/session', { method: 'POST', data: body, auth: false });
}
