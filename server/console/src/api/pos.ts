import type { PagedList, PosTerminalView, TCreatePosTerminalBody } from '@o2o/shared';
import { del, get, post, type Query } from './request';

export type PosTerminalStatus = 'active' | 'revoked';

/**
 * POS terminals (收银终端): till credentials, admin only. The server answers every terminal (revoked too, newest
 * first, up to 1,000; optionally of one store): a brand has a few per store, so the table filters by status and
 * pages here.
 */
export async function listPosTerminals(q: Query): Promise<PagedList<PosTerminalView>> {
  const { items } = await get<{ items: PosTerminalView[] }>('/pos-terminals', q.storeId ? { storeId: q.storeId } : undefined);
  const status = q.status as PosTerminalStatus | undefined;
  const rows = status ? items.filter((t) => (t.revokedAt ? 'revoked' : 'active') === status) : items;
  const current = Number(q.current ?? 1);
  const pageSize = Number(q.pageSize ?? 20);
  return { items: rows.slice((current - 1) * pageSize, current * pageSize), total: rows.length };
}
/** A new terminal: its secret is in this answer only (never stored, never shown again). */
export const createPosTerminal = (body: TCreatePosTerminalBody) => post<{ terminal: PosTerminalView; secret: string }>('/pos-terminals', body);
/** Revokes at once: the till's next signed request is refused. */
export const revokePosTerminal = (id: number) => del<{ terminal: PosTerminalView }>(`/pos-terminals/${id}`).then((r) => r.terminal);
