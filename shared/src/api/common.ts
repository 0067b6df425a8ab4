import { z } from '../zod';

/** ISO-8601 with an offset, as the API contract requires. */
export const ZIsoDateTime = z.iso.datetime({ offset: true });
/** An id in a JSON body: a real number, never a numeric string. */
export const ZId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** An id in a query string (always text on the wire). */
export const ZQueryId = z.string().regex(/^[1-9]\d{0,15}$/).transform(Number).pipe(ZId);
export const ZCursor = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
export const ZLimit = z.string().regex(/^\d{1,3}$/).transform(Number).pipe(z.number().int().min(1).max(100)).optional().transform((v) => v ?? 20);
export const ZName = z.string().trim().min(1).max(64);

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
