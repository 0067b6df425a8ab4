import { ZAppSessionBody, ZBindMemberBody, ZPointsLedgerQuery, ZQueryId, z } from '@o2o/shared';
import { createAppSession } from '../../modules/auth/app-session.service';
import { listProducts } from '../../modules/catalogue/catalogue.service';
import { getMe } from '../../modules/customer/customer-query.service';
import { bindMember } from '../../modules/customer/member.service';
import { listPointsLedger } from '../../modules/points/points.service';
import { CONSUMER, PUBLIC } from '../policy';
import { customerOf, route } from '../route';

/** Consumer routes, mounted under /api/app. */
export const appRoutes = [
  route({
    method: 'post',
    path: '/session',
    policy: PUBLIC('login: exchanges a wx.login code for a session'),
    body: ZAppSessionBody,
    handler: ({ ctx, body }) => createAppSession(ctx, body),
  }),
  route({ method: 'get', path: '/me', policy: CONSUMER, handler: async ({ ctx, actor }) => ({ customer: await getMe(ctx, customerOf(actor)) }) }),
  route({
    method: 'post',
    path: '/member',
    policy: CONSUMER,
    body: ZBindMemberBody,
    handler: async ({ ctx, actor, body }) => ({ customer: await bindMember(ctx, customerOf(actor), body) }),
  }),
  route({
    method: 'get',
    path: '/points/ledger',
    policy: CONSUMER,
    query: ZPointsLedgerQuery,
    handler: ({ ctx, actor, query }) => listPointsLedger(ctx, customerOf(actor), query),
  }),
  route({
    method: 'get',
    path: '/products',
    policy: CONSUMER,
    query: z.strictObject({ storeId: ZQueryId.optional() }),
    handler: async ({ ctx }) => ({
      items: (await listProducts(ctx)).map(({ category: _category, ...p }) => p),
    }),
  }),
];
