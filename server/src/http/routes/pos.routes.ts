import { ZCreatePosTerminalBody, ZIdentifyBody, ZQueryId, ZReceiptNo, ZSaleCommitBody, ZSaleQuoteBody, ZSaleReturnBody, z } from '@o2o/shared';
import { AppError } from '../../lib/app-error';
import { posOpenApiDocument } from '../../modules/sale/pos-openapi';
import { createPosTerminal, listPosTerminals, revokePosTerminal } from '../../modules/sale/pos-terminal.service';
import type { SaleActor } from '../../modules/sale/sale-actor';
import { commitSale, identifyMember, quoteSale, returnSale } from '../../modules/sale/sale.service';
import { POS_TERMINAL, PUBLIC, STAFF, type Actor } from '../policy';
import { idParam, route, staffOf, type RouteDef } from '../route';

/**
 * The terminal's sale actor: the store is the terminal's, never one the request names (the auth middleware
 * already refused an X-Pos-Store-Id naming another store), and the till is the idempotency scope of receipts.
 */
function tillOf(actor: Actor | null): SaleActor {
  if (!actor || actor.kind !== 'terminal') throw new AppError('POS_SIGNATURE_INVALID');
  return { channel: 'pos', storeId: actor.storeId, terminalId: actor.terminalId, staffId: null };
}

/** The POS API for the brand's till software, mounted at /api/pos/v1. Described in modules/sale/pos-openapi.ts. */
export const posRoutes: RouteDef<any, any>[] = [
  route({
    method: 'post',
    path: '/members/identify',
    policy: POS_TERMINAL,
    body: ZIdentifyBody,
    handler: async ({ ctx, actor, body }) => ({ member: await identifyMember(ctx, tillOf(actor), body) }),
  }),
  route({
    method: 'post',
    path: '/sales/quote',
    policy: POS_TERMINAL,
    body: ZSaleQuoteBody,
    handler: async ({ ctx, actor, body }) => ({ quote: await quoteSale(ctx, tillOf(actor), body) }),
  }),
  route({
    method: 'post',
    path: '/sales',
    policy: POS_TERMINAL,
    body: ZSaleCommitBody,
    status: 201,
    handler: async ({ ctx, actor, body }) => ({ sale: await commitSale(ctx, tillOf(actor), body) }),
  }),
  route({
    method: 'post',
    path: '/sales/:receiptNo/returns',
    policy: POS_TERMINAL,
    body: ZSaleReturnBody,
    status: 201,
    handler: async ({ ctx, actor, body, params }) => {
      // A receipt number no till could have printed names no sale here (404, like any unknown receipt).
      const receiptNo = ZReceiptNo.safeParse(params.receiptNo);
      if (!receiptNo.success) throw new AppError('SALE_NOT_FOUND');
      return { return: await returnSale(ctx, tillOf(actor), receiptNo.data, body) };
    },
  }),
  route({
    method: 'get',
    path: '/openapi.json',
    policy: PUBLIC('the POS API description for till vendors'),
    handler: async () => posOpenApiDocument(),
  }),
];

const ADMIN = STAFF('admin');
const ZTerminalListQuery = z.strictObject({ storeId: ZQueryId.optional() });

/** Terminal credentials in the console (admin only), mounted under /api/admin. The secret is in the create answer only. */
export const posTerminalAdminRoutes: RouteDef<any, any>[] = [
  route({ method: 'get', path: '/pos-terminals', policy: ADMIN, query: ZTerminalListQuery, handler: ({ ctx, query }) => listPosTerminals(ctx, query) }),
  route({ method: 'post', path: '/pos-terminals', policy: ADMIN, body: ZCreatePosTerminalBody, status: 201, handler: ({ ctx, actor, body }) => createPosTerminal(ctx, staffOf(actor), body) }),
  route({ method: 'delete', path: '/pos-terminals/:id', policy: ADMIN, handler: ({ ctx, actor, params }) => revokePosTerminal(ctx, staffOf(actor), idParam(params)) }),
];
