import { ZIdentifyBody, ZReceiptNo, ZSaleCommitBody, ZSaleQuoteBody, ZSaleReturnBody } from '@o2o/shared';
import { AppError } from '../../lib/app-error';
import { listProducts } from '../../modules/catalogue/catalogue.service';
import { issueMemberCode } from '../../modules/sale/member-code';
import type { SaleActor } from '../../modules/sale/sale-actor';
import { commitSale, identifyMember, quoteSale, returnSale } from '../../modules/sale/sale.service';
import { CONSUMER, STAFF, type Actor } from '../policy';
import { customerOf, route, staffOf, type RouteDef } from '../route';

/**
 * The store counter in the apps: the consumer's member code (`/api/app/member-code`) and the clerk cashier
 * (`/api/clerk/members/identify`, `/api/clerk/sales/quote`, `/api/clerk/sales`, returns), channel `clerk`.
 * The same use cases as the POS API (modules/sale/sale.service.ts).
 */
export const saleAppRoutes: RouteDef<any, any>[] = [
  route({ method: 'get', path: '/member-code', policy: CONSUMER, handler: ({ ctx, actor }) => issueMemberCode(ctx, customerOf(actor)) }),
];

const STORE_STAFF = STAFF('clerk', 'store_manager');

/** The clerk app rings sales up for the caller's store; receipts are numbered per store (`clerk:<storeId>:<receiptNo>`). */
function cashierOf(actor: Actor | null): SaleActor {
  const me = staffOf(actor);
  if (!me.storeId) throw new AppError('NOT_FOUND', 'No store');
  return { channel: 'clerk', storeId: me.storeId, staffId: me.staffId, terminalId: null };
}

/** An unparseable receipt number names no sale. */
function receiptParam(params: Record<string, string>): string {
  const r = ZReceiptNo.safeParse(params.receiptNo);
  if (!r.success) throw new AppError('SALE_NOT_FOUND');
  return r.data;
}

export const saleClerkRoutes: RouteDef<any, any>[] = [
  // The cashier's item list (the consumer's /api/app/products refuses a staff token).
  route({ method: 'get', path: '/products', policy: STORE_STAFF, handler: async ({ ctx }) => ({ items: await listProducts(ctx) }) }),
  route({
    method: 'post',
    path: '/members/identify',
    policy: STORE_STAFF,
    body: ZIdentifyBody,
    handler: async ({ ctx, actor, body }) => ({ member: await identifyMember(ctx, cashierOf(actor), body) }),
  }),
  route({
    method: 'post',
    path: '/sales/quote',
    policy: STORE_STAFF,
    body: ZSaleQuoteBody,
    handler: async ({ ctx, actor, body }) => ({ quote: await quoteSale(ctx, cashierOf(actor), body) }),
  }),
  route({
    method: 'post',
    path: '/sales',
    policy: STORE_STAFF,
    body: ZSaleCommitBody,
    status: 201,
    handler: async ({ ctx, actor, body }) => ({ sale: await commitSale(ctx, cashierOf(actor), body) }),
  }),
  route({
    method: 'post',
    path: '/sales/:receiptNo/returns',
    policy: STORE_STAFF,
    body: ZSaleReturnBody,
    status: 201,
    handler: async ({ ctx, actor, params, body }) => ({ return: await returnSale(ctx, cashierOf(actor), receiptParam(params), body) }),
  }),
];
