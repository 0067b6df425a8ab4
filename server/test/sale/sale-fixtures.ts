import type { Harness } from '../helpers/harness';
import { makeProduct, makeStaff, staffToken } from '../helpers/fixtures';
import { Product } from '../../src/modules/catalogue/product.entity';
import { Customer } from '../../src/modules/customer/customer.entity';
import { PointsLedger } from '../../src/modules/points/points-ledger.entity';
import type { SaleActor } from '../../src/modules/sale/sale-actor';

/** A till of the POS API (the terminal row is the POS helper's; the use cases only carry its id). */
export const posTill = (storeId: number, terminalId: number): SaleActor => ({ channel: 'pos', storeId, terminalId, staffId: null });

/** A clerk of the store with a bearer token and the SaleActor the clerk routes build for them. */
export async function cashier(h: Harness, storeId: number) {
  const staff = (await makeStaff(h, 'clerk', storeId)).staff;
  const actor: SaleActor = { channel: 'clerk', storeId, staffId: staff.id, terminalId: null };
  return { staffId: staff.id, token: staffToken(h, staff.id), actor };
}

/** A product whose member price gives points (会员价送积分); the admin use case has no field for it yet. */
export async function givingProduct(h: Harness, p: { priceFen: number; memberPriceFen: number; given: number; category?: string }) {
  const made = await makeProduct(h, { priceFen: p.priceFen, memberPriceFen: p.memberPriceFen, category: p.category });
  await h.deps.db.transaction((tx) => tx.createQueryBuilder().update(Product).set({ memberPointsGiven: p.given }).where('sku = :sku', { sku: made.sku }).execute());
  return made;
}

export async function balanceOf(h: Harness, customerId: number): Promise<number> {
  return (await h.deps.db.read((em) => em.getRepository(Customer).findOneByOrFail({ id: customerId }))).pointsBalance;
}

export async function ledgerSum(h: Harness, customerId: number): Promise<number> {
  const [r] = await h.deps.db.read((em) => em.query('SELECT COALESCE(SUM(delta), 0) AS s, COUNT(*) AS n FROM points_ledger WHERE customer_id = ?', [customerId]));
  return Number(r.s);
}

export const ledgerOf = (h: Harness, customerId: number) => h.deps.db.read((em) => em.getRepository(PointsLedger).find({ where: { customerId }, order: { id: 'ASC' } }));

/** Every statement TypeORM sends while `fn` runs (its logger sees each one, in both dialects), split as data / tx control. */
export function statementCounter(h: Harness) {
  const logger = h.deps.db.dataSource.logger as unknown as { logQuery(q: string, p?: unknown[], qr?: unknown): unknown };
  const original = logger.logQuery;
  let seen: string[] | null = null;
  logger.logQuery = function (this: unknown, q: string, p?: unknown[], qr?: unknown) {
    seen?.push(q);
    return original.call(this, q, p, qr);
  };
  return {
    async during<T>(fn: () => Promise<T>): Promise<{ result: T; data: string[]; tx: string[] }> {
      seen = [];
      try {
        const result = await fn();
        const all = seen;
        return {
          result,
          data: all.filter((q) => !/^\s*(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SET (SESSION )?TRANSACTION)/i.test(q)),
          tx: all.filter((q) => /^\s*(START TRANSACTION|BEGIN|COMMIT|ROLLBACK)/i.test(q)),
        };
      } finally {
        seen = null;
      }
    },
    restore() {
      logger.logQuery = original;
    },
  };
}
