import {
  ZCampaignListQuery,
  ZConsentBody,
  ZCreateCampaignBody,
  ZCreateClerkOfferBody,
  ZIdempotencyKey,
  ZInboxQuery,
  ZOfferListQuery,
  ZRecordSubscriptionsBody,
  z,
} from '@o2o/shared';
import { AppError } from '../../lib/app-error';
import { changeCampaignState, createCampaign, getCampaign, listCampaigns, requestSend } from '../../modules/campaign/campaign.service';
import { createClerkOffer, listClerkOffers, listClerkOfferTemplates, setClerkOfferTemplate } from '../../modules/campaign/clerk-offer.service';
import { campaignReport } from '../../modules/campaign/report.service';
import { listInbox, markAllInboxRead, markInboxRead } from '../../modules/inbox/inbox.service';
import { recordSubscriptions, setMarketingConsent } from '../../modules/inbox/subscription.service';
import { CONSUMER, STAFF } from '../policy';
import { customerOf, idParam, route, staffOf, type RouteDef } from '../route';

const MARKETING = STAFF('marketer', 'admin');
const CLERK = STAFF('clerk');

/** Campaigns and reports, mounted under /api/admin. */
export const campaignAdminRoutes: RouteDef<any, any>[] = [
  route({
    method: 'post',
    path: '/campaigns',
    policy: MARKETING,
    body: ZCreateCampaignBody,
    status: 201,
    handler: async ({ ctx, actor, body }) => ({ campaign: await createCampaign(ctx, staffOf(actor).staffId, body) }),
  }),
  route({ method: 'get', path: '/campaigns', policy: MARKETING, query: ZCampaignListQuery, handler: ({ ctx, query }) => listCampaigns(ctx, query) }),
  route({ method: 'get', path: '/campaigns/:id', policy: MARKETING, handler: async ({ ctx, params }) => ({ campaign: await getCampaign(ctx, idParam(params)) }) }),
  // Idempotent: a repeated request answers with the one run already started.
  route({ method: 'post', path: '/campaigns/:id/send', policy: MARKETING, handler: async ({ ctx, params }) => ({ campaign: await requestSend(ctx, idParam(params)) }) }),
  ...(['pause', 'resume', 'cancel'] as const).map((action) =>
    route({
      method: 'post',
      path: `/campaigns/:id/${action}`,
      policy: MARKETING,
      handler: async ({ ctx, params }) => ({ campaign: await changeCampaignState(ctx, idParam(params), action) }),
    }),
  ),
  route({ method: 'get', path: '/campaigns/:id/report', policy: MARKETING, handler: async ({ ctx, params }) => ({ report: await campaignReport(ctx, idParam(params)) }) }),
  route({
    method: 'get',
    path: '/clerk-offers/:id/report',
    policy: MARKETING,
    handler: async ({ ctx, params }) => ({ report: await campaignReport(ctx, idParam(params), 'clerk_offer') }),
  }),
  route({ method: 'get', path: '/clerk-offer-templates', policy: MARKETING, handler: async ({ ctx }) => ({ items: await listClerkOfferTemplates(ctx) }) }),
  route({
    method: 'put',
    path: '/clerk-offer-templates/:templateId',
    policy: MARKETING,
    body: z.strictObject({ offerable: z.boolean() }),
    handler: ({ ctx, actor, params, body }) => setClerkOfferTemplate(ctx, staffOf(actor).staffId, idParam(params, 'templateId'), body.offerable),
  }),
];

/** Inbox and subscribe-message consent, mounted under /api/app. */
export const campaignAppRoutes: RouteDef<any, any>[] = [
  route({ method: 'get', path: '/inbox', policy: CONSUMER, query: ZInboxQuery, handler: ({ ctx, actor, query }) => listInbox(ctx, customerOf(actor), query) }),
  route({ method: 'post', path: '/inbox/read-all', policy: CONSUMER, handler: ({ ctx, actor }) => markAllInboxRead(ctx, customerOf(actor)) }),
  route({ method: 'post', path: '/inbox/:id/read', policy: CONSUMER, handler: async ({ ctx, actor, params }) => ({ message: await markInboxRead(ctx, customerOf(actor), idParam(params)) }) }),
  route({ method: 'post', path: '/subscriptions', policy: CONSUMER, body: ZRecordSubscriptionsBody, handler: ({ ctx, actor, body }) => recordSubscriptions(ctx, customerOf(actor), body) }),
  route({ method: 'put', path: '/me/consent', policy: CONSUMER, body: ZConsentBody, handler: ({ ctx, actor, body }) => setMarketingConsent(ctx, customerOf(actor), body.marketingConsent) }),
];

/** Clerk offers to own customers, mounted under /api/clerk. */
export const campaignClerkRoutes: RouteDef<any, any>[] = [
  route({ method: 'get', path: '/offer-templates', policy: CLERK, handler: async ({ ctx }) => ({ items: await listClerkOfferTemplates(ctx) }) }),
  route({
    method: 'post',
    path: '/offers',
    policy: CLERK,
    body: ZCreateClerkOfferBody,
    status: 201,
    handler: ({ ctx, actor, body, koa }) => {
      const key = koa.get('idempotency-key');
      if (key && !ZIdempotencyKey.safeParse(key).success) throw new AppError('VALIDATION_FAILED', 'Invalid Idempotency-Key');
      return createClerkOffer(ctx, staffOf(actor), body, key || null);
    },
  }),
  route({ method: 'get', path: '/offers', policy: CLERK, query: ZOfferListQuery, handler: ({ ctx, actor, query }) => listClerkOffers(ctx, staffOf(actor).staffId, query) }),
  route({
    method: 'get',
    path: '/offers/:id/report',
    policy: CLERK,
    handler: async ({ ctx, actor, params }) => ({ report: await campaignReport(ctx, idParam(params), 'clerk_offer', staffOf(actor).staffId) }),
  }),
];
