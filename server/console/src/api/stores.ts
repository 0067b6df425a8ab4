import type { ImportReport, PagedList, StoreFacets, StoreView, TCreateStoreBody, TUpdateStoreBody } from '@o2o/shared';
import { get, patch, post, type Query } from './request';

/** Stores (门店). A store manager's list is their own store: the server scopes, the console only shows. */
export const listStores = (q: Query) => get<PagedList<StoreView>>('/stores', q);
/** Options for a store picker: code or name contains `q`. */
export const searchStores = (q?: string) => listStores({ q, current: 1, pageSize: 50 }).then((r) => r.items);
export const storeFacets = () => get<StoreFacets>('/stores/facets');
export const createStore = (body: TCreateStoreBody) => post<{ store: StoreView }>('/stores', body).then((r) => r.store);
export const updateStore = (id: number, body: TUpdateStoreBody) => patch<{ store: StoreView }>(`/stores/${id}`, body).then((r) => r.store);
/** Dry run (`dryRun`) reports what would happen; apply writes every valid row in one transaction. */
export const importStores = (csv: string, dryRun: boolean) => post<ImportReport>('/stores/import', { csv }, { query: { dryRun: dryRun ? 1 : 0 } });
