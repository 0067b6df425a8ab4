import type { CustomerView, TBindMemberBody } from '@o2o/shared';
import { request } from './request';

/** `GET /api/app/me`: the signed-in customer. */
export async function getMe(): Promise<CustomerView> {
  const res = await request<{ customer: CustomerView }>('/api/app/me');
  return res.customer;
}

/** `POST /api/app/member`: bind a phone (one-time `phoneCode`) and become a member; welcome gifts once. */
export async function bindMember(body: TBindMemberBody): Promise<CustomerView> {
  const res = await request<{ customer: CustomerView }>('/api/app/member', { method: 'POST', data: body });
  return res.customer;
}
