import type { CreateOrderResponse, OrderView, Page, PaymentParams } from '@o2o/shared';
import type { OrderDraft } from '../cart/cart';
import { request } from './request';

/** The body of `POST /api/app/orders`: the cart draft plus the checkout choices. */
export interface CreateOrderInput extends OrderDraft {
  couponId?: number;
  /** true: as many points as the server allows, as cash. */
  usePoints?: boolean | number;
}

/**
 * `POST /api/app/orders` with `Idempotency-Key`: one key per checkout attempt, the same key on every retry
 * of that attempt (the server then answers with the same order instead of creating a second one).
 */
export function createOrder(body: CreateOrderInput, idempotencyKey: string): Promise<CreateOrderResponse> {
  return request<CreateOrderResponse>('/api/app/orders', { method: 'POST', data: body, header: { 'Idempotency-Key': idempotencyKey } });
}

/** `GET /api/app/orders/:id`. */
export async function getOrder(id: number): Promise<OrderView> {
  return (await request<{ order: OrderView }>(`/api/app/orders/${id}`)).order;
}

/** `GET /api/app/orders?cursor=`: newest first. */
export function listOrders(cursor?: string): Promise<Page<OrderView>> {
  return request<Page<OrderView>>('/api/app/orders', { query: { cursor } });
}

/** `POST /api/app/orders/:id/payment`: payment parameters again for an unpaid order (pay after a cancel). */
export async function requestOrderPayment(id: number): Promise<PaymentParams> {
  return (await request<{ payment: PaymentParams }>(`/api/app/orders/${id}/payment`, { method: 'POST' })).payment;
}
