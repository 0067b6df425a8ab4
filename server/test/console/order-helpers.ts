import type { Harness } from '../helpers/harness';
import { bearer, member, payInWechat, placeOrder } from '../helpers/flows';
import { Customer } from '../../src/modules/customer/customer.entity';
import { Order } from '../../src/modules/payment/order.entity';
import { Refund } from '../../src/modules/payment/refund.entity';

/** Console tests' own helpers (orders, refunds, audit); shared helpers stay untouched. */

let phone = 13900000000 + (process.pid % 1000) * 10_000;
export const nextPhone = () => String(++phone);

/**
 * A member's paid order through the emulator flow (as refund.e2e.test.ts does): `quantity` × the SKU's price,
 * `usePoints` points as cash; resolves once WeChat Pay's notification has been settled.
 */
export async function paidOrder(h: Harness, storeId: number, sku: string, opts: { quantity?: number; usePoints?: number | boolean; couponId?: number; m?: { token: string; customerId: number } } = {}) {
  const m = opts.m ?? (await member(h, nextPhone()));
  const body: Record<string, unknown> = { storeId, items: [{ sku, quantity: opts.quantity ?? 3 }] };
  if (opts.usePoints !== undefined) body.usePoints = opts.usePoints;
  if (opts.couponId !== undefined) body.couponId = opts.couponId;
  const res = await placeOrder(h, m.token, body);
  if (res.status !== 201) throw new Error(`order ${res.status} ${JSON.stringify(res.body)}`);
  payInWechat(h, res.body.payment.package);
  await h.pay!.control.idle();
  return { ...m, order: res.body.order as { id: number; outTradeNo: string; payableFen: number; pointsUsed: number } };
}

export const refundVia = (h: Harness, token: string, orderId: number, amountFen: number, requestNo: string) =>
  h.http.post(`/api/admin/orders/${orderId}/refunds`).set(bearer(token)).send({ amountFen, reason: '顾客退货', requestNo });

export const previewVia = (h: Harness, token: string, orderId: number, amountFen: number) =>
  h.http.post(`/api/admin/orders/${orderId}/refunds/preview`).set(bearer(token)).send({ amountFen });

export const orderRow = (h: Harness, id: number) => h.deps.db.read((em) => em.getRepository(Order).findOneByOrFail({ id }));
export const refundRow = (h: Harness, id: number) => h.deps.db.read((em) => em.getRepository(Refund).findOneByOrFail({ id }));
export const balanceOf = async (h: Harness, customerId: number) => (await h.deps.db.read((em) => em.getRepository(Customer).findOneByOrFail({ id: customerId }))).pointsBalance;
