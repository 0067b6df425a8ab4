import type { CheckoutOptionsView, ClaimableTemplateView, CouponCodeView, CouponStatus, CouponView, TOrderPreviewBody } from '@o2o/shared';
import { request } from './request';

/** `GET /api/app/coupons?status=`: the wallet, newest first (an issued coupon past validTo comes back `expired`). */
export async function listCoupons(status?: CouponStatus): Promise<CouponView[]> {
  return (await request<{ items: CouponView[] }>('/api/app/coupons', { query: { status } })).items;
}

/** `GET /api/app/coupons/:id`: one of the customer's coupons (its status is polled while the code is shown). */
export async function getCoupon(id: number): Promise<CouponView> {
  return (await request<{ coupon: CouponView }>(`/api/app/coupons/${id}`)).coupon;
}

/** `GET /api/app/coupons/:id/code`: the rotating redemption code (QR token + 12 digits) and when it dies. */
export function getCouponCode(id: number): Promise<CouponCodeView> {
  return request<CouponCodeView>(`/api/app/coupons/${id}/code`);
}

/** `GET /api/app/coupons/claimable`: the claim centre (领券中心) for the customer's store. */
export async function listClaimable(storeId?: number): Promise<ClaimableTemplateView[]> {
  return (await request<{ items: ClaimableTemplateView[] }>('/api/app/coupons/claimable', { query: { storeId } })).items;
}

/** `POST /api/app/coupons/claim` with an Idempotency-Key per tap, reused by that tap's retries. */
export async function claimCoupon(templateId: number, idempotencyKey: string): Promise<CouponView> {
  const res = await request<{ coupon: CouponView }>('/api/app/coupons/claim', { method: 'POST', data: { templateId }, header: { 'Idempotency-Key': idempotencyKey } });
  return res.coupon;
}

/** `POST /api/app/orders/preview`: the server's exact pricing of a checkout body plus the wallet's coupons for it. */
export function previewOrder(body: TOrderPreviewBody): Promise<CheckoutOptionsView> {
  return request<CheckoutOptionsView>('/api/app/orders/preview', { method: 'POST', data: body });
}
