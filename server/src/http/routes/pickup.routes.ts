import { ZPickupCode, ZPickupListQuery, ZSetOrderingStoreBody, ZStoresNearQuery } from '@o2o/shared';
import { AppError } from '../../lib/app-error';
import { completePickup, listPickups } from '../../modules/payment/pickup.service';
import { listStoreChoices, parseNear, setOrderingStore } from '../../modules/store/store-choice.service';
import { CONSUMER, STAFF } from '../policy';
import { customerOf, route, staffOf, type RouteDef } from '../route';

const STORE_STAFF = STAFF('clerk', 'store_manager');

/** Pre-order pickup in the clerk app (mounted under /api/clerk): the caller's store only. */
export const pickupClerkRoutes: RouteDef<any, any>[] = [
  route({
    method: 'get',
    path: '/pickups',
    policy: STORE_STAFF,
    query: ZPickupListQuery,
    handler: ({ ctx, actor, query }) => listPickups(ctx, staffOf(actor), query),
  }),
  route({
    method: 'post',
    path: '/pickups/:pickupCode/complete',
    policy: STORE_STAFF,
    handler: async ({ ctx, actor, params }) => {
      // A malformed code cannot name a pre-order: the same 404 as an unknown one.
      const code = ZPickupCode.safeParse(params.pickupCode);
      if (!code.success) throw new AppError('NOT_FOUND', 'Pickup not found');
      return { pickup: await completePickup(ctx, staffOf(actor), code.data) };
    },
  }),
];

/** The consumer's store choice (mounted under /api/app): the store pre-orders are placed at. */
export const storeChoiceAppRoutes: RouteDef<any, any>[] = [
  route({
    method: 'get',
    path: '/stores',
    policy: CONSUMER,
    query: ZStoresNearQuery,
    handler: ({ ctx, query }) => listStoreChoices(ctx, query.near ? parseNear(query.near) : undefined),
  }),
  route({
    method: 'put',
    path: '/me/store',
    policy: CONSUMER,
    body: ZSetOrderingStoreBody,
    handler: async ({ ctx, actor, body }) => ({ customer: await setOrderingStore(ctx, customerOf(actor), body.storeId) }),
  }),
];
