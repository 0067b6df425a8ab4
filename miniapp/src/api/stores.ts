import type { CustomerView, StoreChoiceView } from '@o2o/shared';
import { request } from './request';

/** `GET /api/app/stores?near=lat,lng`: the stores a customer can order from, nearest first when a position is given. */
export async function listStores(near?: { latitude: number; longitude: number } | null): Promise<StoreChoiceView[]> {
  const query = near ? { near: `${near.latitude.toFixed(6)},${near.longitude.toFixed(6)}` } : undefined;
  return (await request<{ items: StoreChoiceView[] }>('/api/app/stores', { query })).items;
}

/** `PUT /api/app/me/store`: the store pre-orders are placed at from now on (the home store and clerk stay). */
export async function setOrderingStore(storeId: number): Promise<CustomerView> {
  return (await request<{ customer: CustomerView }>('/api/app/me/store', { method: 'PUT', data: { storeId } })).customer;
}
