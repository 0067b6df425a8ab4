import { AppError } from './app-error';

/** Opaque keyset cursors: base64url of `<prefix><id>`; a tampered or foreign cursor is a 400, never a 500. */
export function encodeIdCursor(prefix: string, id: number): string {
  return Buffer.from(`${prefix}${id}`).toString('base64url');
}

export function decodeIdCursor(prefix: string, cursor: string): number {
  const m = new RegExp(`^${prefix}(\\d{1,15})$`).exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new AppError('VALIDATION_FAILED', 'Invalid cursor');
  return Number(m[1]);
}
