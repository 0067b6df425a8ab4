import type { Page, QrCodeView, StaffCustomerView, StaffView } from '@o2o/shared';
import { request } from '../../api/request';
import { staffAuth } from '../services/staff-auth';

export interface CustomerFilter {
  isMember?: boolean;
  tagId?: number;
  /** A lifecycle tag (new / active / dormant / lost) in force now. */
  lifecycleTagId?: number;
  /** No purchase (never bought: no joining) for at least this many days. */
  dormantDays?: number;
}

/** `GET /api/clerk/customers`: a clerk's own customers (a store manager's: the store's), newest first. */
export function listCustomers(filter: CustomerFilter, cursor?: string): Promise<Page<StaffCustomerView>> {
  return request<Page<StaffCustomerView>>('/api/clerk/customers', {
    auth: staffAuth,
    query: { isMember: filter.isMember, tagId: filter.tagId, lifecycleTagId: filter.lifecycleTagId, dormantDays: filter.dormantDays, cursor },
  });
}

/** `GET /api/clerk/customers/:id`: one customer in scope (404 outside it). */
export async function getCustomer(id: number): Promise<StaffCustomerView> {
  return (await request<{ customer: StaffCustomerView }>(`/api/clerk/customers/${id}`, { auth: staffAuth })).customer;
}

/** `GET /api/clerk/me`: the signed-in staff member and their store (null when not assigned to one). */
export interface ClerkMe {
  staff: StaffView;
  store: { id: number; name: string } | null;
}

export function getMe(): Promise<ClerkMe> {
  return request<ClerkMe>('/api/clerk/me', { auth: staffAuth });
}

/**
 * `GET /api/clerk/qr-code`: the clerk's own mini-program code (created on first call). Its `imageUrl` is an
 * absolute, HMAC-signed `/media/qr/<code>.png` URL valid for a week: it needs no Authorization header.
 * 404 NOT_FOUND when the staff member has no store.
 */
export async function getMyQrCode(): Promise<QrCodeView> {
  return (await request<{ qrCode: QrCodeView }>('/api/clerk/qr-code', { auth: staffAuth })).qrCode;
}
