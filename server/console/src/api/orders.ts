import type { ConsoleOrderDetail, ConsoleOrderRow, PagedList, RefundPreviewView, RefundView, TCreateRefundBody } from '@o2o/shared';
import { get, post, type Query } from './request';

/** Orders and refunds (订单). Store managers get their store's only: the server scopes, the console only shows. */
export const listOrders = (q: Query) => get<PagedList<ConsoleOrderRow>>('/orders', q);
export const getOrder = (id: number) => get<ConsoleOrderDetail>(`/orders/${id}`);
/** What a refund of `amountFen` would do (points returned / reversed, shortfall, coupon). Changes nothing. */
export const previewRefund = (id: number, amountFen: number, signal?: AbortSignal) =>
  post<{ preview: RefundPreviewView }>(`/orders/${id}/refunds/preview`, { amountFen }, { signal }).then((r) => r.preview);
/** Idempotent by `requestNo`: a retry of the same confirmation returns the same refund. */
export const requestRefund = (id: number, body: TCreateRefundBody) => post<{ refund: RefundView }>(`/orders/${id}/refunds`, body).then((r) => r.refund);

/** Stores for a filter (name or code contains `q`); a store manager's list is their store. */
export const searchStores = (q?: string) => get<PagedList<{ id: number; code: string; name: string }>>('/stores', { q, current: 1, pageSize: 20 });
