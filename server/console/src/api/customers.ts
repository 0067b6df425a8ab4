import type {
  ConsoleCustomerDetail,
  ConsoleCustomerRow,
  CustomerTab,
  Page,
  PagedList,
  PointsAdjustmentView,
  TPointsAdjustmentBody,
} from '@o2o/shared';
import { get, post, type Query } from './request';

/** Customers (顾客). Store managers get their store's only: the server scopes, the console only shows. */
export const listCustomers = (q: Query) => get<PagedList<ConsoleCustomerRow>>('/customers', q);
export const getCustomerDetail = (id: number) => get<{ customer: ConsoleCustomerDetail }>(`/customers/${id}/detail`).then((r) => r.customer);
/** One more page of a detail tab (keyset: pass the previous page's `nextCursor`). */
export const getCustomerTab = <T>(id: number, tab: CustomerTab, cursor?: string) => get<Page<T>>(`/customers/${id}/${tab}`, { cursor, limit: 20 });
/** Admin only. Idempotent by `requestNo`: a retry of the same submission answers the same adjustment. */
export const adjustPoints = (id: number, body: TPointsAdjustmentBody) =>
  post<{ adjustment: PointsAdjustmentView }>(`/customers/${id}/points-adjustments`, body).then((r) => r.adjustment);

/** Clerks for a filter (the staff list, role clerk). */
export const searchClerks = (q?: string, storeId?: number) =>
  get<PagedList<{ id: number; name: string; storeId: number | null; storeName?: string | null }>>('/staff', { q, storeId, role: 'clerk', current: 1, pageSize: 20 });
