import type { Page, PerformanceView, RedemptionListItem, RedemptionLookupView, RedemptionView, TRedeemBody, TRedemptionLookupBody } from '@o2o/shared';
import { request } from '../../api/request';
import { staffAuth } from '../services/staff-auth';

/** `POST /api/clerk/redemptions/lookup`: what confirming would do (coupon, masked member, discount), nothing changes. */
export function lookupRedemption(body: TRedemptionLookupBody): Promise<RedemptionLookupView> {
  return request<RedemptionLookupView>('/api/clerk/redemptions/lookup', { method: 'POST', data: body, auth: staffAuth });
}

/** `POST /api/clerk/redemptions`: redeem; the same `requestNo` again returns the same redemption (a retry is safe). */
export async function redeem(body: TRedeemBody): Promise<RedemptionView> {
  return (await request<{ redemption: RedemptionView }>('/api/clerk/redemptions', { method: 'POST', data: body, auth: staffAuth })).redemption;
}

/** `GET /api/clerk/redemptions`: recent redemptions (a clerk's own; a manager's: the store's), newest first. */
export function listRedemptions(cursor?: string): Promise<Page<RedemptionListItem>> {
  return request<Page<RedemptionListItem>>('/api/clerk/redemptions', { auth: staffAuth, query: { cursor } });
}

/** `POST /api/clerk/redemptions/:id/reverse`: undo a redemption (same store, within 24 h) with a reason. */
export async function reverseRedemption(id: number, reason: string): Promise<RedemptionView> {
  return (await request<{ redemption: RedemptionView }>(`/api/clerk/redemptions/${id}/reverse`, { method: 'POST', data: { reason }, auth: staffAuth })).redemption;
}

/** `GET /api/clerk/performance?days=`: own figures (a manager's: the store's) by Shanghai day. */
export async function getPerformance(days: 1 | 7 | 30): Promise<PerformanceView> {
  return (await request<{ performance: PerformanceView }>('/api/clerk/performance', { auth: staffAuth, query: { days } })).performance;
}
