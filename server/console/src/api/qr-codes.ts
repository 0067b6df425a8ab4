import type {
  ConsoleCouponTemplateView,
  JobView,
  PagedList,
  QrCodeRow,
  QrCodeView,
  QrScheduleSetResult,
  QrStoreOption,
  QrTimelineView,
  TagGroup,
  TBatchQrCodesBody,
  TQrPostersBody,
  TScheduleQrCouponSetBody,
  TScheduleQrTagSetBody,
} from '@o2o/shared';
import { get, post, type Query } from './request';

/** 二维码列表: offset-paged with the figures (`withStats=1`); a store manager gets their store's codes. */
export const listQrCodes = (q: Query) => get<PagedList<QrCodeRow>>('/qr-codes', { withStats: 1, ...q });

/** Active stores and their regions within the signed-in scope (scope pickers of the schedule and poster forms). */
export const qrScopes = () => get<{ regions: string[]; stores: QrStoreOption[] }>('/qr-codes/scopes');

/** Every store's code and every active clerk's code, creating only what is missing (idempotent). */
export const batchGenerate = (body: Partial<TBatchQrCodesBody> = {}) => post<{ items: QrCodeView[]; created: number; imageErrors: number }>('/qr-codes/batch', body);

/** The tag on a set of codes in one transaction; `dryRun` only counts the codes it would change. */
export const scheduleTagOnSet = (body: TScheduleQrTagSetBody, dryRun = false) =>
  post<QrScheduleSetResult>('/qr-codes/schedules', body, { query: dryRun ? { dryRun: 1 } : undefined });

/** The scan coupon on a set of codes, the same way. */
export const scheduleCouponOnSet = (body: TScheduleQrCouponSetBody, dryRun = false) =>
  post<QrScheduleSetResult>('/qr-codes/coupon-schedules', body, { query: dryRun ? { dryRun: 1 } : undefined });

export const qrTimeline = (id: number) => get<QrTimelineView>(`/qr-codes/${id}/timeline`);

/** Starts the poster PDF job; poll it with JobProgress. */
export const requestPosters = async (body: TQrPostersBody) => (await post<{ job: JobView }>('/qr-codes/posters', body)).job;

/** Tags a poster can carry (the rule-managed lifecycle and RFM groups are computed, never printed). */
export async function posterTags(): Promise<{ id: number; name: string; group: TagGroup }[]> {
  const res = await get<{ items: { id: number; name: string; group: TagGroup }[] }>('/tags');
  return res.items.filter((t) => t.group !== 'lifecycle' && t.group !== 'rfm');
}

/** Coupon templates for scan coupons (drafts included: they grant nothing until active). */
export async function scanCouponTemplates(): Promise<{ id: number; title: string; status: string }[]> {
  const res = await get<PagedList<ConsoleCouponTemplateView>>('/coupon-templates', { current: 1, pageSize: 100 });
  return res.items.filter((t) => t.status !== 'ended').map((t) => ({ id: t.id, title: t.title, status: t.status }));
}
