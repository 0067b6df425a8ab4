import type { MemberAtTillView, PickupView, SaleQuoteView, SaleView, TIdentifyBody, TSaleCommitBody, TSaleQuoteBody } from '@o2o/shared';
import type { MenuProduct } from '../../api/catalogue';
import { request } from '../../api/request';
import { staffAuth } from '../services/staff-auth';

/**
 * The counter in the clerk app: the cashier (channel `clerk`, the same use cases as the POS API) and pre-order
 * pickup. Every call is the clerk's store: the server takes it from the staff token.
 */

/** `POST /api/clerk/members/identify`: the member behind a member code or a phone number. */
export async function identifyMember(body: TIdentifyBody): Promise<MemberAtTillView> {
  return (await request<{ member: MemberAtTillView }>('/api/clerk/members/identify', { method: 'POST', data: body, auth: staffAuth })).member;
}

/** `POST /api/clerk/sales/quote`: exact amounts for a basket, nothing changes. */
export async function quoteSale(body: TSaleQuoteBody): Promise<SaleQuoteView> {
  return (await request<{ quote: SaleQuoteView }>('/api/clerk/sales/quote', { method: 'POST', data: body, auth: staffAuth })).quote;
}

/** `POST /api/clerk/sales`: record the sale; the same `receiptNo` and body again returns the same sale. */
export async function commitSale(body: TSaleCommitBody): Promise<SaleView> {
  return (await request<{ sale: SaleView }>('/api/clerk/sales', { method: 'POST', data: body, auth: staffAuth })).sale;
}

/** `GET /api/clerk/products`: what the store sells, as the consumer menu lists it. */
export async function listStoreProducts(): Promise<MenuProduct[]> {
  return (await request<{ items: MenuProduct[] }>('/api/clerk/products', { auth: staffAuth })).items;
}

/** `GET /api/clerk/pickups?status=`: today's pre-orders of the store (`paid`: waiting, oldest first). */
export async function listPickups(status: 'paid' | 'picked_up' | 'all' = 'paid'): Promise<PickupView[]> {
  return (await request<{ items: PickupView[] }>('/api/clerk/pickups', { auth: staffAuth, query: { status } })).items;
}

/** `POST /api/clerk/pickups/:pickupCode/complete`: handed over (idempotent: again returns the same pickup). */
export async function completePickup(pickupCode: string): Promise<PickupView> {
  return (await request<{ pickup: PickupView }>(`/api/clerk/pickups/${encodeURIComponent(pickupCode)}/complete`, { method: 'POST', auth: staffAuth })).pickup;
}
