import type { ConsoleCouponTemplateView, CouponTemplateView, PagedList, TCouponTemplateStatusBody, TCreateCouponTemplateBody } from '@o2o/shared';
import { get, post, put, type Query } from './request';

/** Coupon templates (优惠券). */
export const listCouponTemplates = (q: Query) => get<PagedList<ConsoleCouponTemplateView>>('/coupon-templates', q);
export const createCouponTemplate = (body: TCreateCouponTemplateBody) => post<{ template: CouponTemplateView }>('/coupon-templates', body).then((r) => r.template);
export const setCouponTemplateStatus = (id: number, status: TCouponTemplateStatusBody['status']) =>
  post<{ template: CouponTemplateView }>(`/coupon-templates/${id}/status`, { status }).then((r) => r.template);
/** Flags a template for clerk offers (专属优惠), or unflags it. */
export const setClerkOfferable = (templateId: number, offerable: boolean) => put<{ templateId: number; offerable: boolean }>(`/clerk-offer-templates/${templateId}`, { offerable });
