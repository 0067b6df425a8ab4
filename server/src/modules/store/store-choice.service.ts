import type { CustomerView, StoreChoiceView } from '@o2o/shared';
import type { Ctx } from '../../context';
import { AppError } from '../../lib/app-error';
import { Customer } from '../customer/customer.entity';
import { loadCustomerView } from '../customer/customer-view';
import { Store } from './store.entity';

/**
 * The consumer's store picker and ordering store (the store the menu and pre-orders use). Only active stores
 * are offered or accepted. Coordinates are WGS-84 (wx.getLocation's default, and what store.latitude/longitude hold).
 */
const EARTH_RADIUS_M = 6_371_008.8;
/** "Near" means within this distance; farther stores are left to the plain list. */
export const NEAR_RADIUS_M = 30_000;
/** Stores read around the point (the nearest, by the SQL ordering below) and stores returned from them. */
const NEAR_READ_LIMIT = 2_000;
const NEAR_LIMIT = 50;
/** The plain list (no location): a chain's active stores by city and name. */
const LIST_LIMIT = 500;

export interface LatLng {
  lat: number;
  lng: number;
}

/** `near=lat,lng` (shape checked by ZStoresNearQuery) → a point, or VALIDATION_FAILED when out of range. */
export function parseNear(near: string): LatLng {
  const [lat, lng] = near.split(',').map(Number);
  if (!(Math.abs(lat!) <= 90 && Math.abs(lng!) <= 180)) throw new AppError('VALIDATION_FAILED', 'near: latitude within ±90 and longitude within ±180', [{ path: 'near', message: 'out of range', code: 'custom' }]);
  return { lat: lat!, lng: lng! };
}

/** Great-circle distance in metres (haversine, mean Earth radius): within 0.5 % of the ellipsoid, plenty for a picker. */
export function haversineM(a: LatLng, b: LatLng): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

type StoreRow = Pick<Store, 'id' | 'name' | 'city' | 'address' | 'latitude' | 'longitude'>;
const COLUMNS = ['s.id', 's.name', 's.city', 's.address', 's.latitude', 's.longitude'];

const choice = (s: StoreRow, from?: LatLng): StoreChoiceView => ({
  id: s.id,
  name: s.name,
  city: s.city,
  address: s.address,
  distanceM: from && s.latitude !== null && s.longitude !== null ? Math.round(haversineM(from, { lat: s.latitude, lng: s.longitude })) : null,
});

/**
 * Active stores. With `near`: those within NEAR_RADIUS_M, nearest first (ties by id), with their distance. The
 * SQL read is bounded twice: a latitude/longitude box around the point and a LIMIT taken in order of a flat-earth
 * approximation of the distance (portable arithmetic; exact enough to keep the nearest ones), then the exact
 * haversine distance in JS sorts and filters. Nothing near (a customer far from every store) → the plain list,
 * with distances where a store has coordinates, so the picker is never empty while stores exist.
 * Without `near`: by city (unknown last), name and id.
 */
export async function listStoreChoices(ctx: Ctx, near?: LatLng): Promise<{ items: StoreChoiceView[] }> {
  return ctx.db.read(async (em) => {
    if (near) {
      const dLat = (NEAR_RADIUS_M / EARTH_RADIUS_M) * (180 / Math.PI);
      const cos = Math.max(Math.cos((near.lat * Math.PI) / 180), 0.01);
      const dLng = Math.min(dLat / cos, 180);
      const rows: StoreRow[] = await em
        .getRepository(Store)
        .createQueryBuilder('s')
        .select(COLUMNS)
        .where("s.status = 'active' AND s.latitude BETWEEN :latLo AND :latHi AND s.longitude BETWEEN :lngLo AND :lngHi", {
          latLo: near.lat - dLat,
          latHi: near.lat + dLat,
          lngLo: near.lng - dLng,
          lngHi: near.lng + dLng,
        })
        .orderBy('(s.latitude - :lat) * (s.latitude - :lat) + (s.longitude - :lng) * (s.longitude - :lng) * :cos2', 'ASC')
        .addOrderBy('s.id', 'ASC')
        .setParameters({ lat: near.lat, lng: near.lng, cos2: cos * cos })
        .limit(NEAR_READ_LIMIT)
        .getMany();
      const items = rows
        .map((s) => choice(s, near))
        .filter((s) => s.distanceM! <= NEAR_RADIUS_M)
        .sort((a, b) => a.distanceM! - b.distanceM! || a.id - b.id)
        .slice(0, NEAR_LIMIT);
      if (items.length > 0) return { items };
    }
    const rows: StoreRow[] = await em
      .getRepository(Store)
      .createQueryBuilder('s')
      .select(COLUMNS)
      .where("s.status = 'active'")
      .orderBy('CASE WHEN s.city IS NULL THEN 1 ELSE 0 END', 'ASC')
      .addOrderBy('s.city', 'ASC')
      .addOrderBy('s.name', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .limit(LIST_LIMIT)
      .getMany();
    return { items: rows.map((s) => choice(s, near)) };
  });
}

/**
 * Sets the store the customer orders from (the app's store switcher). One conditional UPDATE: it applies only
 * while the store exists and is active, so a store closing at the same moment cannot be chosen; affected 0 → why:
 * no such store → NOT_FOUND, not active → STORE_INACTIVE. Setting the current store again is a no-op success.
 * Returns the customer's view (its `orderingStore` is the new one).
 */
export async function setOrderingStore(ctx: Ctx, customerId: number, storeId: number): Promise<CustomerView> {
  return ctx.db.transaction(async (tx) => {
    const set = await tx
      .createQueryBuilder()
      .update(Customer)
      .set({ orderingStoreId: storeId })
      .where("id = :customerId AND EXISTS (SELECT 1 FROM store s WHERE s.id = :storeId AND s.status = 'active')", { customerId, storeId })
      .execute();
    if (set.affected !== 1) {
      const store = await tx.getRepository(Store).findOne({ where: { id: storeId }, select: { id: true, status: true } });
      if (!store) throw new AppError('NOT_FOUND', 'Store not found');
      if (store.status !== 'active') throw new AppError('STORE_INACTIVE');
      throw new AppError('NOT_FOUND', 'Customer not found');
    }
    return loadCustomerView(tx, ctx.pii, customerId);
  });
}
