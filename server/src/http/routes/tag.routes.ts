import { ZBulkPhonesBody, ZBulkTagBody, ZCreateTagBody, ZRecomputeBody, ZRenameTagBody, ZTagListQuery } from '@o2o/shared';
import { createTag, renameTag } from '../../modules/tag/tag.service';
import { tagByPhones } from '../../modules/tag/phone-tag.service';
import { bulkTag } from '../../modules/tag/manual-tag.service';
import { recomputeStatus, triggerRecompute } from '../../modules/tag/tag-jobs';
import { listConsoleTags, listCustomerTags, listTagSummaries, ruleTagSettings } from '../../modules/tag/tag-query.service';
import { STAFF } from '../policy';
import { idParam, route, staffOf, type RouteDef } from '../route';

const CONSOLE = STAFF('marketer', 'admin');

/** Tag management beyond create/list (counts, a customer's tags, manual tagging in bulk, rule-tag settings, recomputes), mounted under /api/admin. */
export const tagAdminRoutes: RouteDef<any, any>[] = [

  // Every tag ({id, name, group} as before) with its customer count; `group`, `q` filter, `current`/`pageSize` page.
  // Store managers read the tag names too (their customer list filters by tag); the counts are brand aggregates, no PII.
  route({ method: 'get', path: '/tags', policy: STAFF('store_manager', 'marketer', 'admin'), query: ZTagListQuery, handler: ({ ctx, query }) => listConsoleTags(ctx, query) }),
  route({ method: 'post', path: '/tags', policy: CONSOLE, body: ZCreateTagBody, status: 201, handler: async ({ ctx, actor, body }) => ({ tag: await createTag(ctx, body, staffOf(actor)) }) }),
  route({ method: 'get', path: '/tags/summary', policy: CONSOLE, handler: async ({ ctx }) => ({ items: await listTagSummaries(ctx) }) }),
  route({ method: 'get', path: '/tags/rule-settings', policy: CONSOLE, handler: async ({ ctx }) => ({ settings: ruleTagSettings(ctx) }) }),
  route({ method: 'post', path: '/tags/bulk', policy: CONSOLE, body: ZBulkTagBody, handler: ({ ctx, actor, body }) => bulkTag(ctx, staffOf(actor), body) }),
  // An uploaded phone list (≤ 100,000; this path has the upload body limit): dry run, then apply.
  route({ method: 'post', path: '/tags/bulk-phones', policy: CONSOLE, body: ZBulkPhonesBody, handler: ({ ctx, actor, body }) => tagByPhones(ctx, staffOf(actor), body) }),
  route({ method: 'get', path: '/tags/recompute', policy: CONSOLE, handler: async ({ ctx }) => ({ status: recomputeStatus(ctx) }) }),
  route({ method: 'post', path: '/tags/recompute', policy: CONSOLE, body: ZRecomputeBody, status: 202, handler: async ({ ctx, body }) => triggerRecompute(ctx, body.kinds) }),
  route({ method: 'patch', path: '/tags/:id', policy: CONSOLE, body: ZRenameTagBody, handler: async ({ ctx, actor, params, body }) => ({ tag: await renameTag(ctx, staffOf(actor), idParam(params), body) }) }),
  route({ method: 'get', path: '/customers/:id/tags', policy: CONSOLE, handler: async ({ ctx, params }) => ({ items: await listCustomerTags(ctx, idParam(params)) }) }),
];
