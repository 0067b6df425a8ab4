import type { InboxMessageView, InboxPage, TRecordSubscriptionsBody } from '@o2o/shared';
import { request } from './request';

/** `GET /api/app/inbox?cursor=`: offers and notices, newest first, with the unread count. */
export function listInbox(cursor?: string, limit?: number): Promise<InboxPage> {
  return request<InboxPage>('/api/app/inbox', { query: { cursor, limit } });
}

/** `POST /api/app/inbox/:id/read`. */
export async function markInboxRead(id: number): Promise<InboxMessageView> {
  return (await request<{ message: InboxMessageView }>(`/api/app/inbox/${id}/read`, { method: 'POST' })).message;
}

/** `POST /api/app/inbox/read-all`. */
export function markAllInboxRead(): Promise<unknown> {
  return request('/api/app/inbox/read-all', { method: 'POST' });
}

/** `POST /api/app/subscriptions`: what the subscription sheet asked and what the customer accepted. */
export function recordSubscriptions(body: TRecordSubscriptionsBody): Promise<unknown> {
  return request('/api/app/subscriptions', { method: 'POST', data: body });
}
