import type { ClerkOfferResult, TCreateClerkOfferBody } from '@o2o/shared';
import { request } from '../../api/request';
import { staffAuth } from '../services/staff-auth';

export interface OfferTemplate {
  id: number;
  title: string;
  description: string;
}

/** `GET /api/clerk/offer-templates`: the coupon templates the brand lets clerks send. */
export async function listOfferTemplates(): Promise<OfferTemplate[]> {
  return (await request<{ items: OfferTemplate[] }>('/api/clerk/offer-templates', { auth: staffAuth })).items;
}

/** `POST /api/clerk/offers` with an Idempotency-Key per composed offer (a retry cannot send it twice). */
export function sendOffer(body: TCreateClerkOfferBody, idempotencyKey: string): Promise<ClerkOfferResult> {
  return request<ClerkOfferResult>('/api/clerk/offers', { method: 'POST', data: body, auth: staffAuth, header: { 'Idempotency-Key': idempotencyKey } });
}
