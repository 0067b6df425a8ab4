import type { EntityManager } from 'typeorm';
import type { PricedLine, PricedOrder, SaleAmountsView, SaleLineView, SaleView } from '@o2o/shared';
import type { Ctx } from '../../context';
import { AppError } from '../../lib/app-error';
import { Customer } from '../customer/customer.entity';
import { phoneMaskedOf } from '../customer/customer-view';
import { OrderItem } from '../payment/order-item.entity';
import { Order } from '../payment/order.entity';

/** The views of a sale: built from the pricing in memory right after a commit, or from the rows on a later read. */

export const pricedLineView = (l: PricedLine, name: string): SaleLineView => ({
  sku: l.sku,
  name,
  quantity: l.quantity,
  unitPriceFen: l.priceFen,
  unitCashFen: l.unitCashFen,
  unitPoints: l.unitPoints,
  unitPointsGiven: l.unitPointsGiven,
  lineCashFen: l.lineCashFen,
  paidFen: l.paidFen,
  returnedQuantity: 0,
});

export const pricedAmounts = (p: PricedOrder, pointsEarned: number): SaleAmountsView => ({
  listFen: p.listFen,
  totalFen: p.totalFen,
  memberSavingFen: p.memberSavingFen,
  couponDiscountFen: p.couponDiscountFen,
  pointsDeductionFen: p.pointsDeductionFen,
  pointsUsed: p.pointsUsed,
  pointsGiven: p.pointsGiven,
  pointsEarned,
  payableFen: p.payableFen,
});

const itemView = (i: OrderItem): SaleLineView => ({
  sku: i.sku,
  name: i.name,
  quantity: i.quantity,
  unitPriceFen: i.unitPriceFen,
  unitCashFen: i.unitCashFen,
  unitPoints: i.unitPoints,
  unitPointsGiven: i.unitPointsGiven,
  lineCashFen: i.unitCashFen * i.quantity,
  paidFen: i.paidFen,
  returnedQuantity: i.returnedQuantity,
});

/** The order columns a sale view shows. */
export type SaleRow = Pick<
  Order,
  | 'id' | 'outTradeNo' | 'channel' | 'receiptNo' | 'status' | 'storeId' | 'terminalId' | 'staffId' | 'customerId' | 'couponId' | 'listFen' | 'totalFen'
  | 'couponDiscountFen' | 'pointsDeductionFen' | 'pointsUsed' | 'pointsGiven' | 'pointsEarned' | 'payableFen' | 'refundedFen' | 'paidAt'
>;

/** A sale as recorded. `pointsBalanceAfter` only right after the commit (a later read does not know it). */
export function saleView(ctx: Ctx, o: SaleRow, lines: SaleLineView[], phoneEnc: string | null, pointsBalanceAfter: number | null): SaleView {
  return {
    id: o.id,
    outTradeNo: o.outTradeNo,
    channel: o.channel,
    receiptNo: o.receiptNo,
    status: o.status,
    storeId: o.storeId,
    terminalId: o.terminalId,
    staffId: o.staffId,
    customerId: o.customerId,
    phoneMasked: phoneMaskedOf(ctx.pii, phoneEnc),
    couponId: o.couponId,
    listFen: o.listFen,
    totalFen: o.totalFen,
    memberSavingFen: o.listFen - o.totalFen,
    couponDiscountFen: o.couponDiscountFen,
    pointsDeductionFen: o.pointsDeductionFen,
    pointsUsed: o.pointsUsed,
    pointsGiven: o.pointsGiven,
    pointsEarned: o.pointsEarned,
    payableFen: o.payableFen,
    lines,
    refundedFen: o.refundedFen,
    pointsBalanceAfter,
    paidAt: o.paidAt ? o.paidAt.toISOString() : '', // always set: a till sale is recorded paid
  };
}

/** A recorded sale (by id or by sale key) with its lines and the buyer's masked phone: two reads. */
export async function loadSale(ctx: Ctx, em: EntityManager, by: { id: number } | { saleKey: string }): Promise<{ order: Order; items: OrderItem[]; view: SaleView }> {
  const qb = em.getRepository(Order).createQueryBuilder('o').leftJoin(Customer, 'c', 'c.id = o.customer_id').addSelect('c.phone_enc', 'buyer_phone_enc');
  if ('id' in by) qb.where('o.id = :id', { id: by.id });
  else qb.where('o.sale_key = :saleKey', { saleKey: by.saleKey });
  const { entities, raw } = await qb.getRawAndEntities<{ buyer_phone_enc: string | null }>();
  const order = entities[0];
  if (!order) throw new AppError('SALE_NOT_FOUND');
  const items = await em.getRepository(OrderItem).find({ where: { orderId: order.id }, order: { id: 'ASC' } });
  return { order, items, view: saleView(ctx, order, items.map(itemView), raw[0].buyer_phone_enc ?? null, null) };
}
